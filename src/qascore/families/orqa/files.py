"""Read the JSON Lines files of ORQA's ``evaluate_predictions.py`` and pair them as it does.

References are lines ``{"question": ..., "answer": [...]}`` (``answer_field`` picks another
list field, e.g. EfficientQA test's ``answer_and_def_correct_predictions``), predictions
lines ``{"question": ..., "prediction": "..."}``. Both are keyed by the question text: a
reference without a prediction scores 0 (``missing``), a prediction for another question is
ignored (``extra``). A question on two lines of one file is an error naming both lines, unless
``duplicate_keys="last"``: then, as the script's dicts do, the last line counts (at the
position of the first) and ``overridden[file]`` says how many lines were replaced.

Lines are decoded with msgspec; anything unusual (a decoding or type error, a key that
may repeat inside an object: :mod:`qascore.files.fast_json`) is read again line by line
with qascore's checked JSON reader, which names the line and what is wrong.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "gold.jsonl").write_text('{"question": "q1", "answer": ["Paris"]}\\n'
...                                       '{"question": "q2", "answer": ["Rome"]}\\n')
>>> _ = (folder / "predicted.jsonl").write_text('{"question": "q1", "prediction": "paris"}\\n')
>>> predictions, references, ids, counts = read_pairs(folder / "gold.jsonl", folder / "predicted.jsonl")
>>> predictions, references, counts["missing"]
(['paris', None], [['Paris'], ['Rome']], 1)
"""

from __future__ import annotations

import operator
from itertools import compress, filterfalse, repeat
from typing import Dict, List, Optional, Tuple

import msgspec

from qascore.files.fast_json import keys_read_once, without_bom
from qascore.files.readers import check_duplicate_keys, decode_text, parse_json, read_file_bytes

__all__ = ["read_pairs", "read_keyed"]

_KEEP_LAST = ("remove the repeat, or pass --duplicate-keys last (duplicate_keys='last') to keep the last line "
              "as ORQA's evaluate_predictions.py does")


def read_pairs(data, predictions, *, answer_field: str = "answer", duplicate_keys: str = "error",
               overridden: Optional[dict] = None) -> tuple:
    """``(predictions, references, ids, counts)`` in the data file's question order.

    ``predictions`` has None where a question has no prediction; ``ids`` are the question texts.
    """
    check_duplicate_keys(duplicate_keys)
    overridden = {} if overridden is None else overridden
    gold = read_keyed(data, answer_field, duplicate_keys=duplicate_keys, overridden=overridden)
    predicted = read_keyed(predictions, "prediction", duplicate_keys=duplicate_keys, overridden=overridden)
    ids = list(gold)
    paired = list(map(predicted.get, ids))
    missing_ids = list(compress(ids, map(operator.is_, paired, repeat(None))))
    extra_ids = list(filterfalse(gold.__contains__, predicted))
    counts = {"questions": len(ids), "predicted": len(ids) - len(missing_ids), "missing": len(missing_ids),
              "extra": len(extra_ids), "missing_ids": missing_ids, "extra_ids": extra_ids}
    return paired, list(gold.values()), ids, counts


def read_keyed(path, field: str, *, duplicate_keys: str = "error", overridden: Optional[dict] = None) -> dict:
    """``{question: value of field}`` of a JSON Lines file; ``field`` is ``"prediction"`` (a
    string) or an answer field (a non-empty list of strings)."""
    raw = read_file_bytes(path)
    decoded = _decode_fast(raw, field)
    numbers, questions, values = decoded or _decode_checked(raw, path, field, duplicate_keys, overridden)
    keyed = dict(zip(questions, values))
    repeats = len(questions) - len(keyed)
    if repeats and duplicate_keys == "error":
        numbers = numbers or _line_numbers(raw)
        first_line: Dict[str, int] = {}
        for number, question in zip(numbers, questions):
            if question in first_line:
                raise ValueError(f"{path}:{number}: question {question!r} is also on line {first_line[question]}; "
                                 + _KEEP_LAST)
            first_line[question] = number
    if repeats:
        overridden[str(path)] = overridden.get(str(path), 0) + repeats
    return keyed


def _line_numbers(raw: bytes) -> List[int]:
    """The numbers of the non-blank lines."""
    return [number for number, line in enumerate(raw.split(b"\n"), start=1) if line.strip()]


def _value_type(field: str):
    return str if field == "prediction" else List[str]


def _decode_fast(raw: bytes, field: str) -> Optional[Tuple[None, List[str], list]]:
    """``(None, questions, values)`` decoded by msgspec, or None when the checked reader must look."""
    body = without_bom(raw)
    line_type = msgspec.defstruct("Line", [("question", str), (field, _value_type(field))])
    try:
        records = msgspec.json.Decoder(line_type).decode_lines(body) if body.strip() else []
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not keys_read_once(body, {"question": len(records), field: len(records)}):
        return None
    values = list(map(operator.attrgetter(field), records))
    if field != "prediction" and not all(values):
        return None
    return None, list(map(operator.attrgetter("question"), records)), values


def _decode_checked(raw: bytes, path, field: str, duplicate_keys: str,
                    overridden: Optional[dict]) -> Tuple[List[int], List[str], list]:
    """``(line numbers, questions, values)`` of each line parsed by qascore's checked JSON reader;
    a ValueError naming the first bad line."""
    text = decode_text(raw, path)
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        record = parse_json(line, path, duplicate_keys=duplicate_keys, overridden=overridden, top="the object",
                            line=number)
        where = f"{path}:{number}"
        if not isinstance(record, dict):
            raise ValueError(f"{where}: each line must be a JSON object with 'question' and {field!r}; "
                             f"got {type(record).__name__}")
        question = record.get("question")
        if not isinstance(question, str):
            raise ValueError(f"{where}: 'question' must be the question text (a string); got {question!r:.60}")
        if field not in record:
            hint = " (see answer_field= / --answer-field)" if field != "prediction" else ""
            raise ValueError(f"{where}: the line has no {field!r}{hint}; its keys are {', '.join(record)}")
        value = record[field]
        if field == "prediction" and not isinstance(value, str):
            raise ValueError(f"{where}: 'prediction' must be the predicted answer (a string); got {value!r:.60}")
        if field != "prediction" and not (isinstance(value, list) and value
                                          and all(isinstance(answer, str) for answer in value)):
            raise ValueError(f"{where}: {field!r} must be a non-empty list of answer strings; got {value!r:.60}")
        lines.append((number, question, value))
    return tuple(map(list, zip(*lines))) if lines else ([], [], [])


