"""Read QA evaluation files into the SQuAD records that :func:`qascore.compute` accepts.

Gold data (``load_references``) may be

* an official SQuAD-format JSON file (``{"data": [{"paragraphs": [{"qas": [...]}]}]}``),
  as used by SQuAD v1.1/v2.0, KorQuAD 1.0, XQuAD and MLQA;
* a JSON Lines file (or a JSON list) of ``{"id", "answers"[, "question"]}`` records, where
  ``answers`` is ``{"text": [...], "answer_start": [...]}``, a list of ``{"text", "answer_start"}``
  objects or a plain list of answer strings;
* a ``datasets`` dataset saved with ``save_to_disk`` (a directory).

Predictions (``load_predictions``) are the official ``{id: text}`` JSON object, or JSON Lines of
``{"id", "prediction_text"[, "no_answer_probability"]}``. No-answer scores
(``load_no_answer_probabilities``) are the official ``{id: float}`` JSON object.

``load_reference_columns`` gives what scoring a file needs, as columns (ids, answer texts and,
when asked, question texts): a well-formed SQuAD-format file is decoded straight into them
(:mod:`qascore.files.squad_layout`), and anything else goes through ``load_references``' checks.

Every problem is reported as a one-line ``ValueError`` naming the file and the place in it
(line and column of a JSON syntax error, the JSON path of a bad record or of an object that
repeats a key, the line of a JSON Lines record, the byte offset of text that is not UTF-8).

All files go through one reader. :func:`read_file_bytes` reads the bytes; msgspec decodes
them first (:func:`read_proven`, which :func:`read_json` uses, or the SQuAD layout of
:mod:`qascore.files.squad_layout`), and its value is kept when :mod:`qascore.files.fast_json`
proves it holds every string of the file, so that no object repeats a key; otherwise the
checked reader (:func:`decode_text`, then :func:`parse_json`, or :func:`check_json` when only
that proof is missing from msgspec's columns of a data file) reads it. The reader

* reads only regular files, checked before they are opened (a FIFO, a device such as
  ``/dev/zero`` or a socket is refused, so nothing blocks or reads without end), and reads
  exactly the size ``stat`` reports: there is no size limit of its own, and a file that
  changes while it is read is refused;
* decodes UTF-8 (a byte-order mark is skipped) and names the byte offset of the first byte
  that is not UTF-8;
* refuses JSON nested too deeply for Python's ``json`` instead of raising RecursionError;
* refuses a JSON object that repeats a key, and a JSON Lines predictions or no-answer file
  that repeats an id, unless ``duplicate_keys="last"``: then, as ``json.load`` and the
  official scripts do, a repeated key keeps its first position and takes its last value, and
  the number of values replaced is added to ``overridden[file name]``.

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "gold.jsonl").write_text('{"id": "q1", "answers": ["Denver Broncos"]}\\n')
>>> load_references(folder / "gold.jsonl")
[{'id': 'q1', 'answers': {'text': ['Denver Broncos'], 'answer_start': [-1]}}]
>>> _ = (folder / "preds.json").write_text(json.dumps({"q1": "Broncos"}))
>>> load_predictions(folder / "preds.json")
{'q1': 'Broncos'}
>>> _ = (folder / "twice.json").write_text('{"q1": "Broncos", "q1": "Denver"}')
>>> overridden = {}
>>> load_predictions(folder / "twice.json", duplicate_keys="last", overridden=overridden)
{'q1': 'Denver'}
>>> overridden == {str(folder / "twice.json"): 1}
True
"""

from __future__ import annotations

import collections
import dataclasses
import io as _io
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import msgspec

from qascore.cyclic_gc import cyclic_gc_paused
from qascore.files.fast_json import decode_typed, every_string_held, json_strings, without_bom
from qascore.files.squad_layout import squad_columns
from qascore.pairing import check_distinct_ids
from qascore.records import all_of_type

__all__ = [
    "DUPLICATE_KEYS",
    "ReferenceColumns",
    "load_references",
    "load_reference_columns",
    "load_predictions",
    "load_no_answer_probabilities",
    "read_json",
    "read_text_map",
    "read_proven",
    "read_file_bytes",
    "decode_text",
    "parse_json",
    "check_json",
    "reject_repeated_keys",
    "check_duplicate_keys",
    "references_from_document",
    "predictions_from_mapping",
]

DUPLICATE_KEYS = ("error", "last")  # what a repeated JSON key or JSON Lines id does: refused, or the last one kept
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_NO_ANSWER_START = -1  # answer_start used when a file gives answer texts without their offsets
_TEXT_MAP = msgspec.json.Decoder(Dict[str, str])  # the official predictions file, {id: answer text}
_ANY_JSON = msgspec.json.Decoder()  # dicts, lists, strings, numbers, as json.loads gives them
_KEEP_LAST = ("remove the repeats, or pass --duplicate-keys last (duplicate_keys='last') to keep the last value "
              "as the official scripts (json.load) do")
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_NOT_REGULAR = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class _RepeatedKey(ValueError):
    """Raised by the readers' JSON object hooks; the reader then finds and names the object."""


def reject_repeated_keys(pairs: list) -> dict:
    """``json.loads`` object hook: the object as a dict, or :class:`ValueError` if it repeats a key."""
    mapping = dict(pairs)
    if len(mapping) < len(pairs):
        raise _RepeatedKey
    return mapping


def check_duplicate_keys(duplicate_keys: str) -> None:
    """A ValueError unless ``duplicate_keys`` is one of :data:`DUPLICATE_KEYS`."""
    if duplicate_keys not in DUPLICATE_KEYS:
        raise ValueError(f"duplicate_keys must be one of {', '.join(DUPLICATE_KEYS)}, got {duplicate_keys!r}")


def read_file_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a regular file; anything else is refused before it is opened.

    Reads the size ``stat`` reports (the file's own size is the bound); a file that grows or
    shrinks while it is read is refused.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file; check the path") from None
    except OSError as error:
        raise ValueError(f"{path}: cannot read it ({error.strerror})") from None
    for is_kind, kind in _NOT_REGULAR:
        if is_kind(mode):
            raise ValueError(f"{path}: is {kind}, not a regular file; give a JSON or JSON Lines file "
                             "(save a stream to a file first)")
    try:  # O_NONBLOCK: should the path have become a FIFO since, opening it does not wait for a writer
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            opened = os.fstat(handle.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise ValueError(f"{path}: is not a regular file; give a JSON or JSON Lines file")
            raw = handle.read(opened.st_size)
            changed = len(raw) != opened.st_size or handle.read(1)
    except OSError as error:
        raise ValueError(f"{path}: cannot read it ({error.strerror})") from None
    if changed:
        raise ValueError(f"{path}: changed while it was read; read it again once it is complete")
    return raw


def decode_text(raw: bytes, source: str | os.PathLike) -> str:
    """``raw`` decoded as UTF-8 (a byte-order mark skipped); otherwise a ValueError with the byte offset.

    >>> decode_text(b'{"q1": "caf\\xe9"}', "preds.json")
    Traceback (most recent call last):
    ...
    ValueError: preds.json: byte offset 11 (line 1): not valid UTF-8 (byte 0xe9: invalid continuation byte); save the file as UTF-8
    """
    encoding = json.detect_encoding(raw[:4])
    if encoding.startswith(("utf-16", "utf-32")):
        raise ValueError(f"{source}: is {encoding.upper()} text, not UTF-8; save the file as UTF-8")
    body = without_bom(raw)
    skipped = len(raw) - len(body)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = skipped + error.start
        line = raw.count(b"\n", 0, offset) + 1
        raise ValueError(f"{source}: byte offset {offset} (line {line}): not valid UTF-8 "
                         f"(byte 0x{raw[offset]:02x}: {error.reason}); save the file as UTF-8") from None


def parse_json(text: str, source: str | os.PathLike, *, duplicate_keys: str = "error",
               overridden: dict | None = None, top: str = "the top-level object", line: int | None = None) -> Any:
    """``json.loads(text)``, its problems as one-line ValueErrors that start with ``source``.

    A syntax error names the line and column (``line``, when given, is the text's line in the
    file, for JSON Lines); JSON nested too deeply names where; an object that repeats a key is
    an error naming its JSON path (``top`` is how the outermost object is called) unless
    ``duplicate_keys="last"``, which keeps the last value (as ``json.loads`` does) and adds the
    number of values replaced to ``overridden[source]``.
    """
    replaced = [0]
    if duplicate_keys == "error":
        hook = reject_repeated_keys
    else:
        check_duplicate_keys(duplicate_keys)

        def hook(pairs: list) -> dict:
            mapping = dict(pairs)
            replaced[0] += len(pairs) - len(mapping)
            return mapping
    document = _loads(text, source, hook, top=top, line=line)
    _count_replaced(replaced[0], source, overridden)
    return document


def check_json(text: str, source: str | os.PathLike, *, duplicate_keys: str = "error",
               overridden: dict | None = None) -> None:
    """What :func:`parse_json` checks and counts, without keeping the parsed values.

    For a file that another decoder (msgspec, which keeps the last of repeated keys silently)
    then reads: its syntax, depth, repeated keys and ``overridden`` counts are those of
    :func:`parse_json`. Nothing is built, so the cost is the parse alone.

    >>> check_json('{"data": [{"title": "a", "title": "b"}]}', "dev.json")
    Traceback (most recent call last):
    ...
    ValueError: dev.json: data[0] repeats key 'title' (2 times); remove the repeats, or pass --duplicate-keys last (duplicate_keys='last') to keep the last value as the official scripts (json.load) do
    """
    check_duplicate_keys(duplicate_keys)
    replaced = [0]

    def hook(pairs: list) -> None:
        # Most objects of a SQuAD file have two keys (an answer's text and answer_start): comparing
        # them instead of building a dict took the 1M-question check from 1.7 s to 1.2 s.
        if len(pairs) == 2:
            repeats = int(pairs[0][0] == pairs[1][0])
        else:
            repeats = len(pairs) - len(dict(pairs)) if len(pairs) > 2 else 0
        if repeats:
            if duplicate_keys == "error":
                raise _RepeatedKey
            replaced[0] += repeats
    _loads(text, source, hook)
    _count_replaced(replaced[0], source, overridden)


def _count_replaced(replaced: int, source: str | os.PathLike, overridden: dict | None) -> None:
    if replaced and overridden is not None:
        overridden[str(source)] = overridden.get(str(source), 0) + replaced


def _loads(text: str, source: str | os.PathLike, hook: Callable[[list], Any], *, top: str = "the top-level object",
           line: int | None = None) -> Any:
    """``json.loads(text, object_pairs_hook=hook)``, its errors as :func:`parse_json` words them."""
    try:
        return json.loads(text, object_pairs_hook=hook)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{source}:{error.lineno if line is None else line}:{error.colno}: not valid JSON ({error.msg}); "
            + ("fix the file or check that it is the file you meant" if line is None else
               "each line of a JSON Lines file must be one complete JSON object")
        ) from None
    except RecursionError:
        depth, position = _deepest(text)
        row = text.count("\n", 0, position) + 1 if line is None else line
        column = position - text.rfind("\n", 0, position)
        raise ValueError(
            f"{source}:{row}:{column}: JSON nested {depth} levels deep, "
            "deeper than Python's json module reads; a QA file needs a handful of levels"
        ) from None
    except _RepeatedKey:
        where, key, times = _first_repeat(text)
        at = source if line is None else f"{source}:{line}"
        raise ValueError(f"{at}: {where or top} repeats key {key!r} ({times} times); {_KEEP_LAST}") from None


def _deepest(text: str) -> tuple[int, int]:
    """The greatest nesting depth of a JSON text and the offset of the bracket that first reaches it."""
    depth = deepest = position = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest, position = depth, match.start()
        elif bracket in ("]", "}"):
            depth -= 1
    return deepest, position


def _first_repeat(text: str) -> tuple[str, str, int]:
    """``(JSON path, key, times)`` of the first object, in document order, that repeats a key."""
    repeats: dict[int, tuple[str, int]] = {}

    def mark(pairs: list) -> dict:
        mapping = dict(pairs)
        if len(mapping) < len(pairs):
            repeats[id(mapping)] = next((key, times) for key, times in
                                        collections.Counter(key for key, _ in pairs).items() if times > 1)
        return mapping
    stack = [("", json.loads(text, object_pairs_hook=mark))]
    while stack:
        where, value = stack.pop()
        if id(value) in repeats:
            return (where[1:] if where.startswith(".") else where, *repeats[id(value)])
        steps = value.items() if isinstance(value, dict) else enumerate(value)
        stack += reversed([(where + _step(key), child) for key, child in steps if isinstance(child, (dict, list))])
    raise AssertionError("no object repeats a key")  # pragma: no cover - the hook found one


def _step(key: str | int) -> str:
    """One step of a JSON path: ``[3]`` for a list index, ``.name`` for a key (``["a b"]`` if it needs quotes)."""
    if isinstance(key, int):
        return f"[{key}]"
    return f".{key}" if key.isidentifier() else f"[{json.dumps(key, ensure_ascii=False)}]"


def read_json(path: str | os.PathLike, *, duplicate_keys: str = "error", overridden: dict | None = None) -> Any:
    """Parse one JSON file, naming the file, line and column when it is malformed.

    The value is what ``json.loads`` gives. msgspec decodes the file first, and its value is
    kept when it holds every string of the file (counted again in its msgspec encoding), so
    that no object repeats a key (:func:`read_proven`); otherwise :func:`parse_json` parses
    it, checking every object. ``duplicate_keys`` and ``overridden`` are those of :func:`parse_json`.

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.json"
    >>> _ = bad.write_text('{"q1": "a",\\n "q2" "b"}')
    >>> read_json(bad)
    Traceback (most recent call last):
    ...
    ValueError: .../bad.json:2:7: not valid JSON (Expecting ':' delimiter); fix the file or check that it is the file you meant
    """
    return read_proven(path, _ANY_JSON, _strings_held, duplicate_keys=duplicate_keys, overridden=overridden)


def _strings_held(value: Any) -> int:
    """The strings (keys and string values) of a decoded JSON value: those of its JSON encoding."""
    return json_strings(msgspec.json.encode(value))


def _read_json_lines(path: Path, *, duplicate_keys: str, overridden: dict | None) -> list[tuple[int, Any]]:
    """``(line number, parsed object)`` for each non-blank line of a JSON Lines file."""
    text = decode_text(read_file_bytes(path), path)
    return [
        (number, parse_json(line, path, duplicate_keys=duplicate_keys, overridden=overridden, top="the object",
                            line=number))
        for number, line in enumerate(_io.StringIO(text, newline=None), start=1) if line.strip()
    ]


# ---------------------------------------------------------------- gold data


def load_references(path: str | os.PathLike, *, split: str | None = None, duplicate_keys: str = "error",
                    overridden: dict | None = None) -> list[dict]:
    """Load gold answers as ``[{"id", "answers": {"text", "answer_start"}[, "question"]}]``.

    ``split`` picks a split of a saved ``datasets.DatasetDict`` (default: its only split, or
    ``validation``). Question order follows the file; duplicate question ids are an error.
    ``duplicate_keys`` and ``overridden`` (repeated keys inside JSON objects) are those of
    :func:`parse_json`.
    """
    path = Path(path)
    with cyclic_gc_paused():
        if path.is_dir():
            records = _references_from_saved_dataset(path, split=split)
        elif path.suffix.lower() in _JSONL_SUFFIXES:
            lines = _read_json_lines(path, duplicate_keys=duplicate_keys, overridden=overridden)
            records = _converted_lines(_reference_record, lines, path)
        else:
            document = read_json(path, duplicate_keys=duplicate_keys, overridden=overridden)
            return references_from_document(document, source=str(path))
    check_distinct_ids([record["id"] for record in records], path)
    return records


@dataclasses.dataclass
class ReferenceColumns:
    """Gold questions as columns: ``ids``, ``answers`` (each question's answer texts) and ``questions``
    (each question's text, None where it has none; the column itself is None unless asked for)."""

    ids: list
    answers: list
    questions: Optional[list] = None


def load_reference_columns(path: str | os.PathLike, *, split: str | None = None, duplicate_keys: str = "error",
                           overridden: dict | None = None, questions: bool = False) -> ReferenceColumns:
    """The ids and answer texts (and, if ``questions``, question texts) of :func:`load_references`' records.

    A SQuAD-format JSON file is decoded by :func:`qascore.files.squad_layout.squad_columns`,
    which builds only these columns and proves, for a file of the official layout, that no
    object repeats a key; otherwise :func:`check_json` checks it (syntax, depth, repeated
    keys). A file that does not fit that layout (another answer layout, an id that is a
    number, a missing field) goes through :func:`references_from_document`, which reads it or
    names the problem and its place. The ids are not checked here for repeats (or for being
    none at all): :func:`qascore.pairing.pair_by_id`, which pairs them, refuses both.

    >>> import tempfile, pathlib
    >>> dev = pathlib.Path(tempfile.mkdtemp()) / "dev.json"
    >>> _ = dev.write_text('{"data": [{"paragraphs": [{"qas": [{"id": "q1", "question": "Who?", '
    ...                    '"answers": [{"text": "Denver Broncos", "answer_start": 177}]}]}]}]}')
    >>> load_reference_columns(dev, questions=True)
    ReferenceColumns(ids=['q1'], answers=[['Denver Broncos']], questions=['Who?'])
    """
    path = Path(path)
    with cyclic_gc_paused():
        if path.is_dir() or path.suffix.lower() in _JSONL_SUFFIXES:
            records = load_references(path, split=split, duplicate_keys=duplicate_keys, overridden=overridden)
            return _columns_of(records, questions=questions)
        raw = read_file_bytes(path)
        decoded = squad_columns(without_bom(raw), questions=questions)
        if decoded is None:  # not this layout: the record path reads the file and names what is unusual
            document = _proven_json(raw, path, _ANY_JSON, _strings_held, duplicate_keys=duplicate_keys,
                                    overridden=overridden)
            return _columns_of(references_from_document(document, source=str(path)), questions=questions)
        if not decoded.every_key_once:
            check_json(decode_text(raw, path), path, duplicate_keys=duplicate_keys, overridden=overridden)
    return ReferenceColumns(decoded.ids, decoded.answers, decoded.questions)


def _columns_of(records: list[dict], *, questions: bool) -> ReferenceColumns:
    return ReferenceColumns(ids=[record["id"] for record in records],
                            answers=[record["answers"]["text"] for record in records],
                            questions=[record.get("question") for record in records] if questions else None)


def references_from_document(document: Any, *, source: str = "references") -> list[dict]:
    """Gold records from a parsed SQuAD-format document or a list of ``{id, answers}`` records.

    ``source`` names where the document came from, for error messages.

    >>> references_from_document({"data": [{"paragraphs": [{"qas": [{"id": "q1", "answers": []}]}]}]})
    [{'id': 'q1', 'answers': {'text': [], 'answer_start': []}}]
    """
    with cyclic_gc_paused():
        if isinstance(document, dict) and "data" in document:
            records = _references_from_squad_document(document, path=source)
        elif isinstance(document, list):
            records = _converted(_reference_record, document, lambda index: f"{source}: record {index}")
        else:
            raise ValueError(
                f"{source}: not a SQuAD-format document (a JSON object with a 'data' list) nor a list of "
                "{id, answers} records; give the official dev file, a .jsonl of {id, answers}, or a "
                "datasets directory saved with save_to_disk"
            )
    check_distinct_ids([record["id"] for record in records], source)
    return records


def _references_from_squad_document(document: dict, *, path: str) -> list[dict]:
    records = []
    articles = document["data"]
    if not isinstance(articles, list):
        raise ValueError(f"{path}: 'data' must be a list of articles, got {type(articles).__name__}")
    for article_index, article in enumerate(articles):
        paragraphs = _located_field(article, "paragraphs", list, f"{path}: data[{article_index}]")
        for paragraph_index, paragraph in enumerate(paragraphs):
            where = f"{path}: data[{article_index}].paragraphs[{paragraph_index}]"
            qas = _located_field(paragraph, "qas", list, where)
            records += _converted(_reference_record, qas, lambda index: f"{where}.qas[{index}]")
    return records


def _references_from_saved_dataset(path: Path, *, split: str | None) -> list[dict]:
    try:
        import datasets
    except ImportError:  # pragma: no cover - depends on the environment
        raise ValueError(
            f"{path}: is a directory; reading a saved dataset needs the 'datasets' package "
            "(pip install 'qascore[evaluate]')"
        ) from None
    try:
        loaded = datasets.load_from_disk(str(path))
    except FileNotFoundError as error:
        raise ValueError(f"{path}: is a directory but not a dataset saved with save_to_disk ({error})") from None
    if isinstance(loaded, datasets.DatasetDict):
        names = list(loaded)
        if split is None:
            split = names[0] if len(names) == 1 else "validation"
        if split not in loaded:
            raise ValueError(f"{path}: has no split {split!r}; its splits are {', '.join(map(repr, names))} (choose one with --split)")
        loaded = loaded[split]
    elif split is not None:
        raise ValueError(f"{path}: is a single dataset, --split {split!r} does not apply")
    return _converted(_reference_record, list(loaded), lambda index: f"{path}: row {index}")


class _BadRecord(Exception):
    """A problem inside one record; the caller adds where that record is in the file."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def _located_field(container: Any, name: str, kind: type, where: str) -> Any:
    """:func:`_field`, its problem reported as a ValueError that starts with ``where``."""
    try:
        return _field(container, name, kind)
    except _BadRecord as problem:
        raise ValueError(f"{where}: {problem}") from None


def _converted(convert: Callable[[Any], Any], raws: list, where: Callable[[int], str]) -> list:
    """``[convert(raw) for raw in raws]``; a :class:`_BadRecord` becomes a ValueError naming ``where(index)``.

    The location is only formatted for a bad record, which keeps a million-question file fast.
    """
    converted = []
    index = 0
    try:
        for index, raw in enumerate(raws):
            converted.append(convert(raw))
    except _BadRecord as problem:
        raise ValueError(f"{where(index)}{problem.field}: {problem}") from None
    return converted


def _converted_lines(convert: Callable[[Any], Any], lines: list[tuple[int, Any]], path: Path) -> list:
    """``convert`` applied to each record of a JSON Lines file (from :func:`_read_json_lines`); errors name the line."""
    return _converted(convert, [raw for _, raw in lines], lambda index: f"{path}:{lines[index][0]}")


def _mapping_from_lines(convert: Callable[[Any], tuple], path: Path, *, duplicate_keys: str,
                        overridden: dict | None) -> dict:
    """``{id: value}`` from a JSON Lines file whose records ``convert`` turns into ``(id, value)``.

    An id on two lines is an error naming both, unless ``duplicate_keys="last"`` (the last line wins,
    the id keeps its first place, and the lines replaced are added to ``overridden``).
    """
    lines = _read_json_lines(path, duplicate_keys=duplicate_keys, overridden=overridden)
    items = _converted_lines(convert, lines, path)
    mapping = dict(items)
    if len(mapping) == len(items):
        return mapping
    if duplicate_keys == "last":
        if overridden is not None:
            overridden[str(path)] = overridden.get(str(path), 0) + len(items) - len(mapping)
        return mapping
    first_line: dict[str, int] = {}
    for (number, _), (question_id, _) in zip(lines, items):
        if question_id in first_line:
            raise ValueError(f"{path}:{number}: id {question_id!r} is also on line {first_line[question_id]}; "
                             + _KEEP_LAST)
        first_line[question_id] = number
    raise AssertionError("no id is repeated")  # pragma: no cover - len(mapping) < len(items)


def _reference_record(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise _BadRecord(f"expected an object with 'id' and 'answers', got {type(raw).__name__}")
    question_id = _field(raw, "id", (str, int))
    record = {"id": str(question_id), "answers": _answers(_field(raw, "answers", (dict, list)))}
    if isinstance(raw.get("question"), str):
        record["question"] = raw["question"]
    return record


def _answers(raw: dict | list) -> dict:
    """Bring the three accepted answer layouts to ``{"text": [...], "answer_start": [...]}`` (new lists)."""
    if isinstance(raw, dict):
        texts = _field(raw, "text", list, ".answers")
        starts = raw.get("answer_start", [_NO_ANSWER_START] * len(texts))
        if not isinstance(starts, list) or len(starts) != len(texts):
            raise _BadRecord("'answer_start' must be a list as long as 'text'", ".answers")
        if not all_of_type(texts, str):
            raise _BadRecord("every answer text must be a string", ".answers")
        texts, starts = list(texts), list(starts)
    elif all_of_type(raw, dict):  # the official layout: [{"text", "answer_start"}, ...]
        texts = [answer.get("text") for answer in raw]
        if not all_of_type(texts, str):
            return _answers_one_by_one(raw)  # explains which answer is wrong
        starts = [answer.get("answer_start", _NO_ANSWER_START) for answer in raw]
    elif all_of_type(raw, str):
        texts, starts = list(raw), [_NO_ANSWER_START] * len(raw)
    else:
        return _answers_one_by_one(raw)
    return {"text": texts, "answer_start": starts if all_of_type(starts, int) else _integers(starts)}


def _answers_one_by_one(raw: list) -> dict:
    """The answer list layout checked answer by answer (mixed strings and objects, or an error)."""
    texts, starts = [], []
    for index, answer in enumerate(raw):
        if isinstance(answer, str):
            texts.append(answer)
            starts.append(_NO_ANSWER_START)
        elif isinstance(answer, dict) and isinstance(answer.get("text"), str):
            texts.append(answer["text"])
            starts.append(answer.get("answer_start", _NO_ANSWER_START))
        else:
            raise _BadRecord(f"expected a string or an object with a 'text' string, got {answer!r}",
                             f".answers[{index}]")
    return {"text": texts, "answer_start": _integers(starts)}


def _integers(starts: list) -> list[int]:
    """Answer offsets as ints (``"7"`` becomes 7), or a :class:`_BadRecord` saying they are not."""
    try:
        return [int(start) for start in starts]
    except (TypeError, ValueError):
        raise _BadRecord(f"'answer_start' must hold integers, got {starts!r}", ".answers") from None


def _field(container: Any, name: str, kind: type | tuple, field: str = "") -> Any:
    """``container[name]`` if it has type ``kind``, else a :class:`_BadRecord` naming the field."""
    if not isinstance(container, dict) or name not in container:
        raise _BadRecord(f"missing the '{name}' field", field)
    value = container[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _BadRecord(f"'{name}' must be {expected}, got {type(value).__name__}", field)
    return value


# ---------------------------------------------------------------- system outputs


def load_predictions(path: str | os.PathLike, *, duplicate_keys: str = "error",
                     overridden: dict | None = None) -> dict[str, str]:
    """Load predictions as ``{id: answer text}`` from the official JSON object or JSON Lines.

    An empty string means the system abstained (the SQuAD v2.0 convention). A repeated id (a
    repeated key of the JSON object, or an id on two lines) is an error unless
    ``duplicate_keys="last"`` (see :func:`parse_json`).
    """
    path = Path(path)
    with cyclic_gc_paused():
        if path.suffix.lower() in _JSONL_SUFFIXES:
            return _mapping_from_lines(_prediction_item, path, duplicate_keys=duplicate_keys, overridden=overridden)
        document = read_text_map(path, duplicate_keys=duplicate_keys, overridden=overridden)
        return predictions_from_mapping(document, source=str(path))


def read_text_map(path: str | os.PathLike, *, duplicate_keys: str = "error", overridden: dict | None = None) -> Any:
    """The parsed JSON of a file meant to hold one ``{id: text}`` object (official predictions).

    :func:`read_json`, with the strings counted without encoding the value again: a
    ``dict[str, str]`` holds two per pair (1M predictions: 0.42 s, against 0.53 s). The caller
    checks what it got when the file holds something else.

    >>> import tempfile, pathlib
    >>> preds = pathlib.Path(tempfile.mkdtemp()) / "preds.json"
    >>> _ = preds.write_text('{"q1": "Paris", "q2": ["Rome"]}')
    >>> read_text_map(preds)
    {'q1': 'Paris', 'q2': ['Rome']}
    """
    return read_proven(path, _TEXT_MAP, lambda mapping: 2 * len(mapping), duplicate_keys=duplicate_keys,
                       overridden=overridden)


def read_proven(path: str | os.PathLike, decoder: msgspec.json.Decoder, strings_of: Callable[[Any], int], *,
                duplicate_keys: str = "error", overridden: dict | None = None) -> Any:
    """The parsed JSON of ``path``: ``decoder``'s value when ``strings_of(value)``, the JSON strings
    that value holds (its keys and string values), is every string of the file, so no object
    repeats a key (:func:`qascore.files.fast_json.every_string_held`); otherwise, or when the
    file does not decode to ``decoder``'s type, the checked :func:`parse_json`. The decoder's
    type must give what ``json.loads`` gives (dicts, lists, strings, numbers) for the caller's
    checks to apply to both. ``duplicate_keys`` and ``overridden`` are those of :func:`parse_json`.
    """
    return _proven_json(read_file_bytes(path), path, decoder, strings_of, duplicate_keys=duplicate_keys,
                        overridden=overridden)


def _proven_json(raw: bytes, path, decoder: msgspec.json.Decoder, strings_of: Callable[[Any], int], *,
                 duplicate_keys: str, overridden: dict | None) -> Any:
    """:func:`read_proven` of the file's bytes ``raw``, already read."""
    decoded = decode_typed(raw, decoder)
    if decoded is not None:
        body, value = decoded
        if every_string_held(body, strings_of(value)):
            return value
    return parse_json(decode_text(raw, path), path, duplicate_keys=duplicate_keys, overridden=overridden)


def _prediction_item(raw: Any) -> tuple[str, str]:
    return str(_field(raw, "id", (str, int))), _field(raw, "prediction_text", str)


def predictions_from_mapping(document: Any, *, source: str = "predictions") -> dict[str, str]:
    """Check a parsed official predictions object ``{id: answer text}`` and return it.

    >>> predictions_from_mapping({"q1": 7}, source="preds.json")
    Traceback (most recent call last):
    ...
    ValueError: preds.json: prediction for id 'q1' must be a string, got 7
    """
    if not isinstance(document, dict):
        raise ValueError(
            f"{source}: predictions must be a JSON object mapping question id to answer text "
            f"(the official format), got a {type(document).__name__}"
        )
    if not all_of_type(document.values(), str):
        question_id, text = next((key, text) for key, text in document.items() if not isinstance(text, str))
        raise ValueError(f"{source}: prediction for id {question_id!r} must be a string, got {text!r}")
    return document


def load_no_answer_probabilities(path: str | os.PathLike, *, duplicate_keys: str = "error",
                                 overridden: dict | None = None) -> dict[str, float]:
    """Load ``{id: no-answer score}`` (the official ``--na-prob-file``; logits are fine too).

    With JSON Lines, each line is ``{"id", "no_answer_probability"}``. A repeated id is an error
    unless ``duplicate_keys="last"`` (see :func:`parse_json`).
    """
    path = Path(path)
    with cyclic_gc_paused():
        if path.suffix.lower() in _JSONL_SUFFIXES:
            return _mapping_from_lines(_no_answer_item, path, duplicate_keys=duplicate_keys, overridden=overridden)
        document = read_json(path, duplicate_keys=duplicate_keys, overridden=overridden)
        if not isinstance(document, dict):
            raise ValueError(f"{path}: no-answer scores must be a JSON object mapping question id to a number")
        items = list(document.items())
        return dict(_converted(_no_answer_item, items, lambda index: f"{path}: id {items[index][0]!r}"))


def _no_answer_item(raw: dict | tuple) -> tuple[str, float]:
    """``(id, score)`` from a JSON Lines record or from an ``(id, score)`` item of the official object."""
    if isinstance(raw, tuple):
        question_id, value = raw
    else:
        question_id, value = str(_field(raw, "id", (str, int))), raw.get("no_answer_probability")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _BadRecord(f"no-answer score must be a finite number, got {value!r:.60}")
    try:
        score = float(value)
    except OverflowError:  # an integer with hundreds of digits
        raise _BadRecord("no-answer score is too large for a float64 (at most about 1.8e308)") from None
    if not math.isfinite(score):
        raise _BadRecord(f"no-answer score must be a finite number, got {value!r}")
    return question_id, score
