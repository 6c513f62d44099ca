"""When a msgspec-decoded JSON file can be trusted not to repeat a key.

msgspec decodes JSON many times faster than ``json.loads`` with qascore's repeated-key hook,
but keeps the last of a repeated key silently. Two proofs let a reader keep msgspec's value;
when a proof fails, the reader reads the file again with the checked reader
(:func:`qascore.files.readers.parse_json`), which names any repeat.

- **Every string held** (:func:`every_string_held`): a value that holds every key and every
  string of the file (no key its types skip) was built from as many JSON strings as the file
  has, which :func:`json_strings` counts exactly. A repeated key is a string the value lost,
  so equal counts prove that no object of the file repeats any key. :func:`held_strings`
  counts what decoded Structs hold; a value of plain dicts and lists holds the strings of its
  own msgspec encoding (:func:`qascore.files.readers.read_json`).
- **Keys read once** (:func:`keys_read_once`), for files with keys a reader does not read: a
  reader that decodes only some keys counts the objects holding each of them; each ``"key"``
  string in the raw bytes is an occurrence of that key (or a string value spelling just its
  name), so equal counts prove that no object repeats it. Not when a key could be spelt with
  an escaped ASCII character (``"\\u0071uestion"``). Repeats of keys a reader does not read
  change no number and are not looked for on this path.

:func:`decode_typed` is the first step of such a reader (the file's bytes decoded as a typed
msgspec value, or None: the checked reader must look); :func:`key_holders` counts the objects
holding each key of decoded Structs whose optional fields default to ``msgspec.UNSET`` (so a
key the object lacks is told from one it holds); ``msgspec.to_builtins`` then gives such
Structs back as the dicts of the keys their objects held.

>>> json_strings(b'{"q1": "a", "q2": "b"}')
4
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
from typing import Any, Iterator, Mapping, Optional, Sequence, Tuple, get_args

import msgspec
import numpy as np

__all__ = ["decode_typed", "every_string_held", "held_strings", "json_strings", "key_holders", "keys_read_once",
           "without_bom"]

_BOM = b"\xef\xbb\xbf"
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_SCAN_BYTES = 1 << 22  # the backslash scan compares this many bytes at a time (a 4 MB mask, not one the file's size)
_ESCAPED_ASCII_KEY = re.compile(rb'\\u00[0-7][0-9a-fA-F](?:[^"\\\n]|\\.)*"\s*:')


def without_bom(raw: bytes) -> bytes:
    """The bytes after a UTF-8 byte-order mark, if there is one."""
    return raw[len(_BOM):] if raw.startswith(_BOM) else raw


def json_strings(body: bytes) -> int:
    r"""The number of strings, keys and values, in ``body``, a text that is valid JSON.

    Each string has two quotes that no odd run of backslashes escapes (a backslash stands
    only inside strings in valid JSON, so a run's parity tells an escaped quote).
    At 220 MB with 170k backslashes this takes 0.12 s.

    >>> json_strings(rb'["a\\", "b\"c", "\\\""]')  # the strings a\ and b"c and \"
    3
    """
    quotes = body.count(b'"')
    if b"\\" not in body:
        return quotes // 2
    view = np.frombuffer(body, dtype=np.uint8)
    backslashes = np.concatenate([np.flatnonzero(view[start:start + _SCAN_BYTES] == _BACKSLASH) + start
                                  for start in range(0, len(view), _SCAN_BYTES)])
    run_ends = np.flatnonzero(np.r_[backslashes[1:] != backslashes[:-1] + 1, True])
    run_lengths = np.diff(np.r_[-1, run_ends])
    escaped = (view[backslashes[run_ends] + 1] == _QUOTE) & (run_lengths % 2 == 1)
    return (quotes - int(escaped.sum())) // 2


def held_strings(kind: type, structs: Sequence) -> int:
    """The JSON strings that ``structs``, decoded Structs of type ``kind``, were built from: a
    key per field they hold, and the value of each ``str`` field. Optional fields default to
    ``msgspec.UNSET``; a field of another type (``Optional[str]`` too: its null is no string)
    counts its key only, the strings inside it are counted by the call for its own type (add
    the counts). Never more than were read, so equal counts remain a proof.

    >>> class Answer(msgspec.Struct):
    ...     text: str
    ...     answer_start: Any = msgspec.UNSET
    >>> held_strings(Answer, msgspec.json.decode(b'[{"text": "a"}, {"text": "b", "answer_start": 3}]',
    ...                                          type=list[Answer]))
    5
    """
    return sum(held * (2 if _always_a_string(field.type) else 1) for field, held in _holding(kind, structs))


def _holding(kind: type, structs: Sequence) -> Iterator[Tuple[msgspec.structs.FieldInfo, int]]:
    """Each field of ``kind`` and the number of ``structs`` holding it (a required field: all of them).

    A TypeError for an optional field whose default is not ``msgspec.UNSET``: its default
    could not be told from a value read, and a proof must not count what was not read.
    """
    for field in msgspec.structs.fields(kind):
        if field.required:
            yield field, len(structs)
            continue
        if field.default is not msgspec.UNSET:
            raise TypeError(f"{kind.__name__}.{field.name}: an optional field must default to msgspec.UNSET "
                            f"(not {field.default!r}) to be counted")
        yield field, sum(map(operator.is_not, map(operator.attrgetter(field.name), structs), repeat(msgspec.UNSET)))


def _always_a_string(annotation: Any) -> bool:
    """True for ``str`` and ``Union[str, UnsetType]``: a field whose value, when held, is one JSON string."""
    return annotation is str or set(get_args(annotation)) == {str, msgspec.UnsetType}


def every_string_held(body: bytes, held: int) -> bool:
    """True when a value decoded from ``body`` that was built from ``held`` JSON strings (its
    keys and string values) holds every string of ``body``: then no object repeats a key.

    >>> every_string_held(b'{"q1": "a", "q2": "b"}', 4)
    True
    >>> every_string_held(b'{"q1": "a", "q1": "b"}', 2)  # msgspec keeps {"q1": "b"}: two strings
    False
    """
    return json_strings(body) == held


def keys_read_once(body: bytes, holders: Mapping[str, int]) -> bool:
    """True when each key of ``holders`` occurs in ``body`` exactly as often as objects hold it."""
    if _ESCAPED_ASCII_KEY.search(body):
        return False
    return all(body.count(b'"' + key.encode() + b'"') == count for key, count in holders.items())


def decode_typed(raw: bytes, decoder: msgspec.json.Decoder) -> Optional[Tuple[bytes, Any]]:
    """``(body, value)``: ``raw`` without its byte-order mark, decoded by ``decoder``; None when it
    does not decode or its types do not fit (invalid UTF-8, bad syntax, a missing or mistyped field,
    nesting too deep).

    >>> decode_typed(b'[1, 2]', msgspec.json.Decoder(list))
    (b'[1, 2]', [1, 2])
    >>> decode_typed(b'[1, 2', msgspec.json.Decoder(list)) is None
    True
    """
    body = without_bom(raw)
    try:
        return body, decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):  # (nested deeper than msgspec goes)
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
    return Counter({field.encode_name: held for field, held in _holding(kind, structs)})
