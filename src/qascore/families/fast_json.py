"""When a msgspec-decoded JSON file can be trusted not to repeat the keys a reader reads.

msgspec decodes JSON many times faster than ``json.loads`` with qascore's repeated-key hook,
but keeps the last of a repeated key silently. A reader that decodes with msgspec counts the
objects holding each key it reads and calls :func:`keys_read_once`: each ``"key"`` string in
the raw bytes is an occurrence of that key (or a string value spelling just its name), so
equal counts prove that no object repeats it. Otherwise, or when a key could be spelt with an
escaped ASCII character (``"\\u0071uestion"``), the reader reads the file again with the
checked reader (:func:`qascore.files.readers.parse_json`), which names any repeat. Repeats of
keys a reader does not read change no number and are not looked for on this path.

>>> keys_read_once(b'{"question": "q1", "answer": ["a"]}', {"question": 1, "answer": 1})
True
>>> keys_read_once(b'{"question": "q1", "answer": ["a"], "answer": ["b"]}', {"question": 1, "answer": 1})
False
"""

from __future__ import annotations

import re
from typing import Mapping

__all__ = ["keys_read_once", "without_bom"]

_BOM = b"\xef\xbb\xbf"
_ESCAPED_ASCII_KEY = re.compile(rb'\\u00[0-7][0-9a-fA-F](?:[^"\\\n]|\\.)*"\s*:')


def without_bom(raw: bytes) -> bytes:
    """The bytes after a UTF-8 byte-order mark, if there is one."""
    return raw[len(_BOM):] if raw.startswith(_BOM) else raw


def keys_read_once(body: bytes, holders: Mapping[str, int]) -> bool:
    """True when each key of ``holders`` occurs in ``body`` exactly as often as objects hold it."""
    if _ESCAPED_ASCII_KEY.search(body):
        return False
    return all(body.count(b'"' + key.encode() + b'"') == count for key, count in holders.items())
