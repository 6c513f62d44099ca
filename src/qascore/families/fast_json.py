"""When a msgspec-decoded JSON file can be trusted not to repeat the keys a reader reads.

msgspec decodes JSON many times faster than ``json.loads`` with qascore's repeated-key hook,
but keeps the last of a repeated key silently. A reader that decodes with msgspec counts the
objects holding each key it reads and calls :func:`keys_read_once`: each ``"key"`` string in
the raw bytes is an occurrence of that key (or a string value spelling just its name), so
equal counts prove that no object repeats it. Otherwise, or when a key could be spelt with an
escaped ASCII character (``"\\u0071uestion"``), the reader reads the file again with the
checked reader (:func:`qascore.files.readers.parse_json`), which names any repeat. Repeats of
keys a reader does not read change no number and are not looked for on this path.

:func:`decode_typed` is the first step of such a reader (the file's bytes decoded as a typed
msgspec value, or None: the checked reader must look); :func:`key_holders` counts the objects
holding each key of decoded Structs whose optional fields default to ``msgspec.UNSET`` (so a
key the object lacks is told from one it holds); ``msgspec.to_builtins`` then gives such
Structs back as the dicts of the keys their objects held.

>>> keys_read_once(b'{"question": "q1", "answer": ["a"]}', {"question": 1, "answer": 1})
True
>>> keys_read_once(b'{"question": "q1", "answer": ["a"], "answer": ["b"]}', {"question": 1, "answer": 1})
False
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from itertools import repeat
from typing import Any, Mapping, Optional, Sequence, Tuple

import msgspec

__all__ = ["decode_typed", "key_holders", "keys_read_once", "without_bom"]

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


def decode_typed(raw: bytes, decoder: msgspec.json.Decoder) -> Optional[Tuple[bytes, Any]]:
    """``(body, value)``: ``raw`` without its byte-order mark, decoded by ``decoder``; None when it
    does not decode or its types do not fit (invalid UTF-8, bad syntax, a missing or mistyped field).

    >>> decode_typed(b'[1, 2]', msgspec.json.Decoder(list))
    (b'[1, 2]', [1, 2])
    >>> decode_typed(b'[1, 2', msgspec.json.Decoder(list)) is None
    True
    """
    body = without_bom(raw)
    try:
        return body, decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def key_holders(kind: type, structs: Sequence) -> Counter:
    """``{key: number of objects holding it}`` over ``structs``, decoded Structs of type ``kind``
    (the keys of their objects that ``kind`` reads), for :func:`keys_read_once`; add the
    counters of several kinds with ``+``.

    >>> class Answer(msgspec.Struct):
    ...     number: Any = msgspec.UNSET
    ...     spans: Any = msgspec.UNSET
    >>> key_holders(Answer, msgspec.json.decode(b'[{"spans": []}, {"number": "3", "spans": []}]', type=list[Answer]))
    Counter({'spans': 2, 'number': 1})
    """
    holders: Counter = Counter()
    for name, key in zip(kind.__struct_fields__, kind.__struct_encode_fields__):
        holders[key] += sum(map(operator.is_not, map(operator.attrgetter(name), structs), repeat(msgspec.UNSET)))
    return holders
