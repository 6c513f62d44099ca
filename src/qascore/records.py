"""Input formats: check what the user passed and turn it into aligned examples.

Two layouts are accepted, and every preset takes both:

- plain: ``predictions`` is a list of strings, ``references`` a list of answer lists
  (all gold answers of each question) or a list of strings (one gold answer each),
  paired by position;
- SQuAD records, as evaluate's ``squad`` and ``squad_v2`` take them: predictions
  ``{"id", "prediction_text"[, "no_answer_probability"]}`` and references
  ``{"id", "answers": {"text": [...], "answer_start": [...]}}``, paired by id.

:func:`to_columns` checks one batch and flattens it into :data:`COLUMNS` (the rows that
evaluate stores and gathers); :func:`align` pairs the rows of all batches into
:class:`Examples`, the only thing the scoring code sees. Every problem is reported here,
where the input enters, with what to do about it.

>>> columns = to_columns([{"id": "q1", "prediction_text": "Paris"}],
...                      [{"id": "q1", "answers": {"text": ["Paris"], "answer_start": [0]}}])
>>> align(columns).references
[['Paris']]
"""

from __future__ import annotations

import collections.abc
import itertools
import math
import numbers
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

__all__ = ["COLUMNS", "Examples", "to_columns", "align", "empty_columns", "all_of_type", "check_real", "lookalike_ids"]

#: The flat per-row columns one batch becomes (the evaluate module stores exactly these).
COLUMNS = ("predictions", "references", "prediction_ids", "reference_ids", "no_answer_probabilities", "inputs")

_SHOWN = 5  # how many offending ids or positions an error message lists


@dataclass
class Examples:
    """Predictions paired with their gold answers, ready to score.

    ``predictions[i]`` is None when question ``i`` has no prediction (``missing="zero"``).
    ``ids``, ``no_answer_probabilities`` and ``inputs`` are None when not given.

    ``no_answer_order[i]`` is the place of question ``i``'s no-answer score in the order the
    official v2.0 script walks them: the order the predictions came in (or the keys of the
    ``--na-prob-file``). Its best-threshold search is a stable sort of the scores, so tied
    scores keep that order and the result depends on it. None means the examples' own order
    (plain lists, paired by position).
    """

    predictions: List[Optional[str]]
    references: List[List[str]]
    ids: Optional[List[str]] = None
    no_answer_probabilities: Optional[List[Optional[float]]] = None
    inputs: Optional[List[Optional[str]]] = None
    no_answer_order: Optional[List[int]] = None

    def __len__(self) -> int:
        return len(self.references)


def empty_columns() -> Dict[str, list]:
    """A dict with an empty list for every name in :data:`COLUMNS`."""
    return {name: [] for name in COLUMNS}


def _listify(value: Any, name: str) -> list:
    """Any ordered column as a list: a list or tuple, a ``datasets`` Dataset or Column, a numpy
    or pandas array, a pyarrow array, or another sequence; strings, sets and scalars are refused.

    >>> import numpy as np
    >>> _listify(np.array(["Paris", "Rome"]), "predictions")
    ['Paris', 'Rome']
    """
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{name} must be a list, got a single string {_preview(str(value))}. Wrap it in a list: {name}=[...]."
        )
    for method in ("to_pylist", "to_list", "tolist"):  # pyarrow; datasets.Dataset and pandas; numpy
        convert = getattr(value, method, None)
        if callable(convert) and not isinstance(value, dict):
            return list(convert())
    if isinstance(value, collections.abc.Sequence):  # e.g. a datasets Column
        return list(value)
    raise TypeError(
        f"{name} must be a list (or a Dataset, a column, an array), got {type(value).__name__}"
        + (": an unordered set cannot be paired by position." if isinstance(value, (set, frozenset)) else ".")
    )


def _one_record_as_list(value: Any, name: str, key: str) -> Any:
    """A single SQuAD record (as torchmetrics takes them) as a batch of one; other dicts are refused."""
    if not isinstance(value, dict):
        return value
    if "id" in value and key in value:
        return [value]
    raise TypeError(
        f"{name} must be a list, got a dict with keys {sorted(map(str, value))[:5]}; give a list of "
        f"{{'id', '{key}'}} records (a single record is fine too)."
    )


def _preview(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _check_text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        raise TypeError(f"{where} is None; give a string (use \"\" for an empty answer).")
    raise TypeError(f"{where} must be a string, got {type(value).__name__}: {value!r:.60}.")


def check_real(value: Any, where: str) -> float:
    """``value`` as a float64 that is not NaN (infinities are fine), or an error naming ``where``.

    >>> check_real(10**400, "no_answer_threshold")
    Traceback (most recent call last):
    ...
    ValueError: no_answer_threshold is too large for a float64 (at most about 1.8e308 in size); give a probability or a logit-like score.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where} must be a number (a probability or a score), got {type(value).__name__}.")
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(
            f"{where} is too large for a float64 (at most about 1.8e308 in size); "
            "give a probability or a logit-like score."
        ) from None
    if math.isnan(value):
        raise ValueError(f"{where} is NaN; give a real number (a probability or a logit-like score).")
    return value


def _check_id(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"{where} must be a string id, got {type(value).__name__}: {value!r:.60}.")


def _answer_texts(answers: Any, where: str) -> List[str]:
    """Gold texts from ``{"text": [...], ...}`` (datasets) or ``[{"text": ...}, ...]`` (SQuAD JSON)."""
    if isinstance(answers, dict):
        if "text" not in answers:
            raise ValueError(f"{where} has no 'text' key; expected {{'text': [...], 'answer_start': [...]}}.")
        texts = answers["text"]
        if isinstance(texts, str):
            raise TypeError(f"{where}['text'] is a string; it must be a list of gold answers: ['{texts:.40}'].")
        texts = _listify(texts, f"{where}['text']")
        return [_check_text(text, f"{where}['text'][{i}]") for i, text in enumerate(texts)]
    if isinstance(answers, (list, tuple)):
        texts = []
        for i, answer in enumerate(answers):
            if not isinstance(answer, dict) or "text" not in answer:
                raise TypeError(f"{where}[{i}] must be a dict with a 'text' key, as in SQuAD's JSON files.")
            texts.append(_check_text(answer["text"], f"{where}[{i}]['text']"))
        return texts
    raise TypeError(f"{where} must be {{'text': [...], 'answer_start': [...]}}, got {type(answers).__name__}.")


def is_reference_record(value: Any) -> bool:
    """Whether a reference is a SQuAD record (``{"id", "answers"}``, paired by id), not the gold
    answers of one question (a list, a string, or ``{"text": [...]}`` as a datasets "answers" row).

    >>> is_reference_record({"id": "q1", "answers": {"text": ["Paris"]}}), is_reference_record({"text": ["Paris"]})
    (True, False)
    """
    return isinstance(value, dict) and not ("text" in value and "answers" not in value and "id" not in value)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


class _Unusual(Exception):
    """Raised inside a fast path: the row needs the full check (which explains any error)."""


def all_of_type(values, kind: type) -> bool:
    """True if every item of ``values`` has exactly type ``kind`` (one scan in C)."""
    return set(map(type, values)) <= {kind}


def _is_text_list(value) -> bool:
    return type(value) is list and all_of_type(value, str)


def _prediction_rows(predictions: list) -> Dict[str, list]:
    """Prediction columns; common input takes a fast path, anything else the full check."""
    try:
        if type(predictions[0]) is not dict:
            if not all_of_type(predictions, str):
                raise _Unusual
            return {"predictions": predictions, "prediction_ids": [], "no_answer_probabilities": []}
        texts, ids, scores = [], [], []
        for prediction in predictions:
            id_, text = prediction["id"], prediction["prediction_text"]
            score = prediction.get("no_answer_probability")
            if type(id_) is not str or type(text) is not str or not (score is None or type(score) is float):
                raise _Unusual
            if score != score:  # NaN
                raise _Unusual
            ids.append(id_)
            texts.append(text)
            scores.append(score)
        return {"predictions": texts, "prediction_ids": ids, "no_answer_probabilities": scores}
    except (_Unusual, KeyError, TypeError, AttributeError):
        return _checked_prediction_rows(predictions)


def _reference_rows(references: list) -> Dict[str, list]:
    """Reference columns; common input takes a fast path, anything else the full check."""
    answer_lists, ids = [], []
    try:
        if not is_reference_record(references[0]):
            if all_of_type(references, list) and all_of_type(itertools.chain.from_iterable(references), str):
                return {"references": references, "reference_ids": ids}
            for reference in references:
                if type(reference) is str:
                    reference = [reference]
                elif type(reference) is dict:  # {"text": [...], "answer_start": [...]}, a datasets "answers" row
                    reference = reference["text"]
                if not _is_text_list(reference):
                    raise _Unusual
                answer_lists.append(reference)
            return {"references": answer_lists, "reference_ids": ids}
        for reference in references:
            id_, answers = reference["id"], reference["answers"]
            texts = answers["text"] if type(answers) is dict else [answer["text"] for answer in answers]
            if type(id_) is not str or not _is_text_list(texts):
                raise _Unusual
            ids.append(id_)
            answer_lists.append(texts)
        return {"references": answer_lists, "reference_ids": ids}
    except (_Unusual, KeyError, TypeError, AttributeError):
        return _checked_reference_rows(references)


def _checked_prediction_rows(predictions: list) -> Dict[str, list]:
    records = isinstance(predictions[0], dict)
    texts, ids, scores = [], [], []
    for i, prediction in enumerate(predictions):
        where = f"predictions[{i}]"
        if isinstance(prediction, dict) != records:
            raise TypeError(
                f"{where} is a {type(prediction).__name__} but predictions[0] is a {type(predictions[0]).__name__}; "
                "give all predictions as strings or all as {'id', 'prediction_text'} records."
            )
        if not records:
            texts.append(_check_text(prediction, where))
            continue
        for key in ("id", "prediction_text"):
            if key not in prediction:
                raise ValueError(f"{where} has no {key!r} key; a prediction record is {{'id', 'prediction_text'}}.")
        ids.append(_check_id(prediction["id"], f"{where}['id']"))
        texts.append(_check_text(prediction["prediction_text"], f"{where}['prediction_text']"))
        score = prediction.get("no_answer_probability")
        scores.append(None if score is None else check_real(score, f"{where}['no_answer_probability']"))
    return {"predictions": texts, "prediction_ids": ids, "no_answer_probabilities": scores}


def _checked_reference_rows(references: list) -> Dict[str, list]:
    records = is_reference_record(references[0])
    answer_lists, ids = [], []
    for i, reference in enumerate(references):
        where = f"references[{i}]"
        if is_reference_record(reference) != records:
            raise TypeError(
                f"{where} is a {type(reference).__name__} but references[0] is a {type(references[0]).__name__}; "
                "give all references as answer lists or all as {'id', 'answers'} records."
            )
        if records:
            for key in ("id", "answers"):
                if key not in reference:
                    raise ValueError(f"{where} has no {key!r} key; a reference record is {{'id', 'answers'}}.")
            ids.append(_check_id(reference["id"], f"{where}['id']"))
            answer_lists.append(_answer_texts(reference["answers"], f"{where}['answers']"))
        elif isinstance(reference, str):
            answer_lists.append([reference])
        elif isinstance(reference, dict):
            answer_lists.append(_answer_texts(reference, where))
        elif reference is None:
            raise TypeError(f"{where} is None; give the gold answers as a list of strings ([] = unanswerable).")
        else:
            answers = _listify(reference, where)
            answer_lists.append([_check_text(text, f"{where}[{j}]") for j, text in enumerate(answers)])
    return {"references": answer_lists, "reference_ids": ids}


def to_columns(
    predictions: Sequence,
    references: Sequence,
    *,
    inputs: Optional[Sequence[str]] = None,
    no_answer_probabilities: Optional[Sequence[float]] = None,
) -> Dict[str, list]:
    """Check one batch and flatten it into the rows of :data:`COLUMNS`.

    >>> to_columns(["Paris"], ["Paris"])["references"]
    [['Paris']]
    >>> to_columns(["Paris"], [["Paris", "paris"], ["Rome"]])
    Traceback (most recent call last):
    ...
    ValueError: Got 1 predictions but 2 references; give one reference (a list of all gold answers) per prediction.
    """
    predictions = _listify(_one_record_as_list(predictions, "predictions", "prediction_text"), "predictions")
    references = _listify(_one_record_as_list(references, "references", "answers"), "references")
    columns = empty_columns()
    if not predictions and not references:
        return columns
    sides = [test(side[0]) for side, test in ((predictions, _is_dict), (references, is_reference_record)) if side]
    records = sides[0]
    if records != sides[-1]:
        raise TypeError(
            "predictions and references must use the same layout: both SQuAD records with ids "
            "(paired by id) or both plain lists (paired by position)."
        )
    if not records and len(predictions) != len(references):
        raise ValueError(
            f"Got {len(predictions)} predictions but {len(references)} references; "
            "give one reference (a list of all gold answers) per prediction."
        )
    if predictions:
        columns.update(_prediction_rows(predictions))
    if references:
        columns.update(_reference_rows(references))
    if no_answer_probabilities is not None:
        columns["no_answer_probabilities"] = _keyword_scores(no_answer_probabilities, len(predictions), records)
    if inputs is not None:
        columns["inputs"] = _inputs(inputs, len(predictions))
    _pad_rows(columns)
    return columns


def _keyword_scores(scores: Sequence[float], count: int, records: bool) -> List[float]:
    if records:
        raise ValueError(
            "no_answer_probabilities= goes with plain lists; SQuAD prediction records carry "
            "their score under the 'no_answer_probability' key."
        )
    scores = _listify(scores, "no_answer_probabilities")
    if len(scores) != count:
        raise ValueError(f"Got {len(scores)} no_answer_probabilities for {count} predictions; give one each.")
    return [check_real(score, f"no_answer_probabilities[{i}]") for i, score in enumerate(scores)]


def _inputs(inputs: Sequence[str], count: int) -> List[str]:
    inputs = _listify(inputs, "inputs")
    if len(inputs) != count:
        raise ValueError(
            f"Got {len(inputs)} inputs for {count} predictions; give one input (the question or prompt) per prediction."
        )
    return [_check_text(text, f"inputs[{i}]") for i, text in enumerate(inputs)]


def _pad_rows(columns: Dict[str, list]) -> None:
    """Make all columns as long as the longest with None rows.

    Optional columns that were not given become all None. SQuAD records are paired by id,
    so a batch may hold more predictions than references (or the reverse); the padding rows
    carry no id and are skipped by :func:`align`.
    """
    length = max(len(values) for values in columns.values())
    for values in columns.values():
        values.extend([None] * (length - len(values)))


def align(columns: Dict[str, list], *, missing: str = "error", extra: str = "error") -> Examples:
    """Pair the rows of all batches: by id for SQuAD records, by position otherwise.

    ``missing``: "error" (default) or "zero" (a question without a prediction scores 0,
    the official v1.1 rule). ``extra``: "error" (default) or "ignore" (predictions for ids
    no reference has are left out, as the official scripts do).
    """
    if missing not in ("error", "zero"):
        raise ValueError(f"missing must be 'error' or 'zero', got {missing!r}.")
    if extra not in ("error", "ignore"):
        raise ValueError(f"extra must be 'error' or 'ignore', got {extra!r}.")
    prediction_rows = _rows_with_values(columns["predictions"])
    reference_rows = _rows_with_values(columns["references"])
    if not prediction_rows or not reference_rows:
        raise ValueError("Nothing to score: pass at least one prediction and one reference.")
    with_ids = len(prediction_rows) - _count_none(columns["prediction_ids"], prediction_rows)
    if with_ids and with_ids != len(prediction_rows):
        raise ValueError("Some batches were SQuAD records and others plain lists; use one layout for all batches.")
    scores = _optional_column(columns, "no_answer_probabilities", prediction_rows, "a no-answer score")
    inputs = _optional_column(columns, "inputs", prediction_rows, "inputs")
    if not with_ids:
        return Examples(list(columns["predictions"]), list(columns["references"]), None, scores, inputs)
    return _align_by_id(columns, prediction_rows, reference_rows, scores, inputs, missing=missing, extra=extra)


def _rows_with_values(column: list) -> Sequence[int]:
    """The rows of ``column`` that are not None (not padding)."""
    if None not in column:
        return range(len(column))
    return [row for row, value in enumerate(column) if value is not None]


def _count_none(column: list, rows: Sequence[int]) -> int:
    if isinstance(rows, range) and len(rows) == len(column):
        return column.count(None)
    return sum(column[row] is None for row in rows)


def _optional_column(columns: Dict[str, list], name: str, rows: Sequence[int], what: str) -> Optional[list]:
    """The column's values on the prediction rows, or None if it was never given."""
    column = columns[name]
    values = column if isinstance(rows, range) and len(rows) == len(column) else [column[row] for row in rows]
    given = len(values) - _count_none(values, range(len(values)))
    if given == 0:
        return None
    if given < len(values):
        first = next(i for i, value in enumerate(values) if value is None)
        raise ValueError(
            f"{what} is given for {given} of {len(values)} predictions (prediction {first} has none); "
            f"give {what} for every prediction or for none."
        )
    return values


def _rows_by_id(ids: List[str], rows: List[tuple], side: str) -> Dict[str, List[int]]:
    """The positions of each repeated id; a ValueError if a repeated id carries different rows.

    Bootstrap resampling (evaluate's ``strategy="bootstrap"``) repeats whole examples, so an
    id may come several times with the same record; each copy is then one more row to score.
    The same id with different texts, answers or scores is two questions under one name.
    """
    positions: Dict[str, List[int]] = {}
    for index, id_ in enumerate(ids):
        positions.setdefault(id_, []).append(index)
    repeated = {id_: found for id_, found in positions.items() if len(found) > 1}
    for id_, found in repeated.items():
        first = rows[found[0]]
        other = next((rows[index] for index in found[1:] if rows[index] != first), None)
        if other is not None:
            raise ValueError(
                f"Duplicate {side} ids: {id_!r} comes {len(found)} times with different records "
                f"({_preview(repr(first), 80)} and {_preview(repr(other), 80)}). Give each question its own id; "
                "repeated identical records (as resampling makes them) are scored once per row."
            )
    return repeated


def _listing(ids: List[str]) -> str:
    shown = ", ".join(repr(id_) for id_ in ids[:_SHOWN])
    return shown + (f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else "")


def lookalike_ids(prediction_ids: Sequence[str], reference_ids: Sequence[str]) -> str:
    """A sentence on ids that differ only in Unicode normalisation (NFC vs NFD), or "".

    Such ids print alike but are different strings, so they show up as missing and extra.

    >>> print(lookalike_ids(["Zu\\u0308rich"], ["Z\\u00fcrich"]))
     1 of them differ from a reference id only in Unicode normalisation (NFC vs NFD), e.g. 'Zu\\u0308rich' vs 'Z\\xfcrich'; normalise both sides' ids with unicodedata.normalize('NFC', id).
    """
    if not prediction_ids or not reference_ids:
        return ""
    by_form = {unicodedata.normalize("NFC", id_): id_ for id_ in reference_ids}
    pairs = [(id_, by_form[unicodedata.normalize("NFC", id_)]) for id_ in prediction_ids
             if unicodedata.normalize("NFC", id_) in by_form]
    if not pairs:
        return ""
    return (
        f" {len(pairs)} of them differ from a reference id only in Unicode normalisation (NFC vs NFD), "
        f"e.g. {ascii(pairs[0][0])} vs {ascii(pairs[0][1])}; normalise both sides' ids with "
        "unicodedata.normalize('NFC', id)."
    )


def _matched_copies(reference_ids: List[str], matched: List[Optional[int]],
                    repeated_predictions: Dict[str, List[int]]) -> List[Optional[int]]:
    """Pair the k-th copy of a repeated reference id with the k-th copy of its prediction (the
    last one when there are fewer), so that each copy keeps its own place in the predictions'
    order (squad_v2's best-threshold walk)."""
    seen: Dict[str, int] = {}
    paired = []
    for id_, index in zip(reference_ids, matched):
        copies = repeated_predictions.get(id_)
        if copies is not None:
            count = seen.get(id_, 0)
            index = copies[min(count, len(copies) - 1)]
            seen[id_] = count + 1
        paired.append(index)
    return paired


def _align_by_id(columns, prediction_rows, reference_rows, scores, inputs, *, missing: str, extra: str) -> Examples:
    prediction_ids = [columns["prediction_ids"][row] for row in prediction_rows]
    reference_ids = [columns["reference_ids"][row] for row in reference_rows]
    texts = [columns["predictions"][row] for row in prediction_rows]
    repeated_predictions = repeated_references = {}
    if len(set(prediction_ids)) < len(prediction_ids):
        rows = [{key: value for key, value in (("prediction_text", text), ("no_answer_probability", score),
                                                ("input", input_)) if value is not None}
                for text, score, input_ in zip(texts, scores or itertools.repeat(None), inputs or itertools.repeat(None))]
        repeated_predictions = _rows_by_id(prediction_ids, rows, "prediction")
    if len(set(reference_ids)) < len(reference_ids):
        rows = [columns["references"][row] for row in reference_rows]
        repeated_references = _rows_by_id(reference_ids, rows, "reference")
    position = {id_: index for index, id_ in enumerate(prediction_ids)}
    known = set(reference_ids)
    unknown = [id_ for id_ in prediction_ids if id_ not in known]
    absent = [id_ for id_ in reference_ids if id_ not in position]
    if unknown and extra == "error":
        raise ValueError(
            f"{len(unknown)} predictions have ids that no reference has: {_listing(unknown)}."
            f"{lookalike_ids(unknown, absent)} "
            "Remove them, or pass extra='ignore' to leave them out as the official scripts do."
        )
    if absent and missing == "error":
        raise ValueError(
            f"{len(absent)} references have no prediction: {_listing(absent)}.{lookalike_ids(unknown, absent)} "
            "Predict every question, or pass missing='zero' to score them 0 as the official v1.1 script does."
        )
    matched = [position.get(id_) for id_ in reference_ids]
    if repeated_predictions or repeated_references:
        matched = _matched_copies(reference_ids, matched, repeated_predictions)

    def pick(values):
        return None if values is None else [None if index is None else values[index] for index in matched]

    return Examples(
        predictions=pick(texts),
        references=[columns["references"][row] for row in reference_rows],
        ids=reference_ids,
        no_answer_probabilities=pick(scores),
        inputs=pick(inputs),
        # a question without a prediction is never walked (it cannot abstain): any place will do
        no_answer_order=None if scores is None else [-1 if index is None else index for index in matched],
    )
