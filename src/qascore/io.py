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

Every problem is reported as a ``ValueError`` naming the file and the place in it
(line and column of a JSON syntax error, or the record's position).

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "gold.jsonl").write_text('{"id": "q1", "answers": ["Denver Broncos"]}\\n')
>>> load_references(folder / "gold.jsonl")
[{'id': 'q1', 'answers': {'text': ['Denver Broncos'], 'answer_start': [-1]}}]
>>> _ = (folder / "preds.json").write_text(json.dumps({"q1": "Broncos"}))
>>> load_predictions(folder / "preds.json")
{'q1': 'Broncos'}
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Callable, Iterator

from .cyclic_gc import cyclic_gc_paused
from .formats import all_of_type

__all__ = [
    "load_references",
    "load_predictions",
    "load_no_answer_probabilities",
    "read_json",
    "references_from_document",
    "predictions_from_mapping",
]

_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_NO_ANSWER_START = -1  # answer_start used when a file gives answer texts without their offsets


def read_json(path: str | os.PathLike) -> Any:
    """Parse one JSON document, naming the file, line and column when it is malformed.

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.json"
    >>> _ = bad.write_text('{"q1": "a",\\n "q2" "b"}')
    >>> read_json(bad)
    Traceback (most recent call last):
    ...
    ValueError: .../bad.json:2:7: not valid JSON (Expecting ':' delimiter); fix the file or check that it is the file you meant
    """
    path = _existing_file(path)
    text = path.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}); "
            "fix the file or check that it is the file you meant"
        ) from None


def _read_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, parsed object)`` for each non-blank line of a JSON Lines file."""
    with path.open(encoding="utf-8-sig") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield line_number, json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"{path}:{line_number}:{error.colno}: not valid JSON ({error.msg}); "
                    "each line of a JSON Lines file must be one complete JSON object"
                ) from None


def _existing_file(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise ValueError(f"{path}: is a directory, expected a JSON or JSON Lines file")
    return path


# ---------------------------------------------------------------- gold data


def load_references(path: str | os.PathLike, *, split: str | None = None) -> list[dict]:
    """Load gold answers as ``[{"id", "answers": {"text", "answer_start"}[, "question"]}]``.

    ``split`` picks a split of a saved ``datasets.DatasetDict`` (default: its only split, or
    ``validation``). Question order follows the file; duplicate ids are an error.
    """
    path = Path(path)
    with cyclic_gc_paused():
        if path.is_dir():
            records = _references_from_saved_dataset(path, split=split)
        elif path.suffix.lower() in _JSONL_SUFFIXES:
            path = _existing_file(path)
            records = _each_json_line(path, _reference_record)
        else:
            return references_from_document(read_json(path), source=str(path))
    _reject_duplicate_ids(records, path)
    if not records:
        raise ValueError(f"{path}: contains no questions")
    return records


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
    _reject_duplicate_ids(records, source)
    if not records:
        raise ValueError(f"{source}: contains no questions")
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
            raise ValueError(f"{path}: has splits {names}; choose one with --split")
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


def _each_json_line(path: Path, convert: Callable[[Any], Any]) -> list:
    """``convert`` applied to each record of a JSON Lines file; errors name the line."""
    lines = list(_read_json_lines(path))
    return _converted(convert, [raw for _, raw in lines], lambda index: f"{path}:{lines[index][0]}")


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


def _reject_duplicate_ids(records: list[dict], path: str | Path) -> None:
    if len({record["id"] for record in records}) == len(records):
        return
    seen: set[str] = set()
    for index, record in enumerate(records):
        if record["id"] in seen:
            raise ValueError(f"{path}: question id {record['id']!r} appears twice (second at position {index})")
        seen.add(record["id"])


# ---------------------------------------------------------------- system outputs


def load_predictions(path: str | os.PathLike) -> dict[str, str]:
    """Load predictions as ``{id: answer text}`` from the official JSON object or JSON Lines.

    An empty string means the system abstained (the SQuAD v2.0 convention).
    """
    path = _existing_file(path)
    with cyclic_gc_paused():
        if path.suffix.lower() in _JSONL_SUFFIXES:
            return dict(_each_json_line(path, _prediction_item))
        return predictions_from_mapping(read_json(path), source=str(path))


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


def load_no_answer_probabilities(path: str | os.PathLike) -> dict[str, float]:
    """Load ``{id: no-answer score}`` (the official ``--na-prob-file``; logits are fine too).

    With JSON Lines, each line is ``{"id", "no_answer_probability"}``.
    """
    path = _existing_file(path)
    with cyclic_gc_paused():
        if path.suffix.lower() in _JSONL_SUFFIXES:
            return dict(_each_json_line(path, _no_answer_item))
        document = read_json(path)
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
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _BadRecord(f"no-answer score must be a finite number, got {value!r}")
    return question_id, float(value)
