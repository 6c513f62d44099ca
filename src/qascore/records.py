"""Input formats: check what the user passed and turn it into aligned examples.

Two layouts are accepted, and every preset takes both:

- plain: ``predictions`` is a list of strings, ``references`` holds the gold answers of
  each question (a list of all of them, one string, or any other shape :func:`answers_of`
  reads), paired by position;
- SQuAD records, as evaluate's ``squad`` and ``squad_v2`` take them: predictions
  ``{"id", "prediction_text"[, "no_answer_probability"]}`` and references
  ``{"id", "answers": {"text": [...], "answer_start": [...]}}`` (or ``"answers"`` in another
  shape :func:`answers_of` reads), paired by id.

:func:`layout_of` tells the two apart and :func:`answers_of` reads one question's gold answers
in every shape they come in. :func:`to_columns` checks one batch and flattens it into
:data:`COLUMNS`; :func:`align` pairs the columns of all batches into :class:`Examples`, the
only thing the scoring code sees (by id through :func:`qascore.pairing.pair_rows`). Every
problem is reported here, where the input enters, with what to do about it.

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
from typing import Any, Dict, List, Optional, Sequence

from qascore.pairing import Examples, lookalike_ids, pair_rows

__all__ = ["COLUMNS", "Examples", "layout_of", "answers_of", "to_columns", "align", "paired_by_id", "padded",
           "unpadded", "empty_columns", "all_of_type", "check_real", "lookalike_ids"]

#: The flat columns one batch becomes. The prediction columns (predictions, prediction_ids,
#: no_answer_probabilities, inputs) have one row per prediction and the reference columns one
#: per reference; an optional column that was not given is empty.
COLUMNS = ("predictions", "references", "prediction_ids", "reference_ids", "no_answer_probabilities", "inputs")
_REFERENCE_COLUMNS = ("references", "reference_ids")


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


_ANSWER_SHAPES = ("a list of strings, one string, {'text': [...], 'answer_start': [...]} or a list of "
                  "{'text', 'answer_start'} objects")


def answers_of(value: Any, where: str) -> List[str]:
    """The gold answers of one question as a list of strings, from every shape they come in:
    a list of strings, one string, a datasets "answers" row ``{"text": [...], "answer_start":
    [...]}``, or a list of ``{"text", "answer_start"}`` objects as in SQuAD's JSON files.
    ``where`` names the value in error messages.

    >>> answers_of({"text": ["Denver Broncos", "Broncos"], "answer_start": [0, 7]}, "references[0]")
    ['Denver Broncos', 'Broncos']
    >>> answers_of([{"text": "Paris", "answer_start": 0}], "references[0]['answers']"), answers_of("Rome", "references[1]")
    (['Paris'], ['Rome'])
    >>> answers_of({"text": "Paris"}, "references[0]")
    Traceback (most recent call last):
    ...
    TypeError: references[0]['text'] is a string; it must be a list of gold answers: ['Paris'].
    """
    if type(value) is list:  # the common shapes first, checked in C
        if all_of_type(value, str):
            return value
        if all_of_type(value, dict):
            texts = [answer.get("text") for answer in value]
            if all_of_type(texts, str):
                return texts
    elif type(value) is dict and type(value.get("text")) is list and all_of_type(value["text"], str):
        return value["text"]
    if isinstance(value, str):
        return [value]
    if value is None:
        raise TypeError(f"{where} is None; give the gold answers as a list of strings ([] = unanswerable).")
    if isinstance(value, dict):
        if "text" not in value:
            raise ValueError(f"{where} has no 'text' key; expected {{'text': [...], 'answer_start': [...]}}.")
        texts = value["text"]
        if isinstance(texts, str):
            raise TypeError(f"{where}['text'] is a string; it must be a list of gold answers: ['{texts:.40}'].")
        texts = _listify(texts, f"{where}['text']")
        return [_check_text(text, f"{where}['text'][{i}]") for i, text in enumerate(texts)]
    try:
        answers = _listify(value, where)
    except TypeError:
        raise TypeError(f"{where} must be the gold answers: {_ANSWER_SHAPES}; got {type(value).__name__}: "
                        f"{value!r:.60}.") from None
    texts = []
    for i, answer in enumerate(answers):
        if isinstance(answer, dict):
            if "text" not in answer:
                raise TypeError(f"{where}[{i}] must be a dict with a 'text' key, as in SQuAD's JSON files.")
            texts.append(_check_text(answer["text"], f"{where}[{i}]['text']"))
        else:
            texts.append(_check_text(answer, f"{where}[{i}]"))
    return texts


def is_reference_record(value: Any) -> bool:
    """Whether a reference is a SQuAD record (``{"id", "answers"}``, paired by id), not the gold
    answers of one question (a list, a string, or ``{"text": [...]}`` as a datasets "answers" row).

    >>> is_reference_record({"id": "q1", "answers": {"text": ["Paris"]}}), is_reference_record({"text": ["Paris"]})
    (True, False)
    """
    return isinstance(value, dict) and not ("text" in value and "answers" not in value and "id" not in value)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def layout_of(predictions: Sequence, references: Sequence) -> Optional[str]:
    """"records" (SQuAD records, paired by id) or "plain" (paired by position), read off the first
    item of each side; None when both are empty. A TypeError when the two sides disagree.

    >>> layout_of(["Paris"], [{"text": ["Paris"], "answer_start": [0]}]), layout_of([], [{"id": "q1", "answers": []}])
    ('plain', 'records')
    """
    sides = [test(side[0]) for side, test in ((predictions, _is_dict), (references, is_reference_record)) if len(side)]
    if not sides:
        return None
    if sides[0] != sides[-1]:
        raise TypeError(
            "predictions and references must use the same layout: both SQuAD records with ids "
            "(paired by id) or both plain lists (paired by position)."
        )
    return "records" if sides[0] else "plain"


def paired_by_id(columns: Dict[str, list]) -> bool:
    """Whether columns of :func:`to_columns` are paired by id: only SQuAD records give them ids."""
    return bool(columns["prediction_ids"] or columns["reference_ids"])


class _Unusual(Exception):
    """Raised inside a fast path: the row needs the full check (which explains any error)."""


def all_of_type(values, kind: type) -> bool:
    """True if every item of ``values`` has exactly type ``kind`` (one scan in C)."""
    return set(map(type, values)) <= {kind}


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


# The fast path names no row: on any problem the full check runs again and names it.
_UNNAMED = "references"


def _reference_rows(references: list) -> Dict[str, list]:
    """Reference columns; common input takes a fast path, anything else the full check."""
    try:
        if not is_reference_record(references[0]):
            if all_of_type(references, list) and all_of_type(itertools.chain.from_iterable(references), str):
                return {"references": references, "reference_ids": []}  # answers_of of each is itself
            return {"references": [answers_of(reference, _UNNAMED) for reference in references], "reference_ids": []}
        answer_lists, ids = [], []
        for reference in references:
            id_ = reference["id"]
            if type(id_) is not str:
                raise _Unusual
            ids.append(id_)
            answer_lists.append(answers_of(reference["answers"], _UNNAMED))
        return {"references": answer_lists, "reference_ids": ids}
    except (_Unusual, KeyError, TypeError, ValueError, AttributeError):
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
            answer_lists.append(answers_of(reference["answers"], f"{where}['answers']"))
        else:
            answer_lists.append(answers_of(reference, where))
    return {"references": answer_lists, "reference_ids": ids}


def to_columns(
    predictions: Sequence,
    references: Sequence,
    *,
    inputs: Optional[Sequence[str]] = None,
    no_answer_probabilities: Optional[Sequence[float]] = None,
) -> Dict[str, list]:
    """Check one batch and flatten it into :data:`COLUMNS`.

    >>> to_columns(["Paris"], ["Paris"])
    {'predictions': ['Paris'], 'references': [['Paris']], 'prediction_ids': [], 'reference_ids': [], 'no_answer_probabilities': [], 'inputs': []}
    >>> to_columns(["Paris"], [["Paris", "paris"], ["Rome"]])
    Traceback (most recent call last):
    ...
    ValueError: Got 1 predictions but 2 references; give one reference (a list of all gold answers) per prediction.
    """
    predictions = _listify(_one_record_as_list(predictions, "predictions", "prediction_text"), "predictions")
    references = _listify(_one_record_as_list(references, "references", "answers"), "references")
    columns = empty_columns()
    layout = layout_of(predictions, references)
    if layout is None:
        return columns
    if layout == "plain" and len(predictions) != len(references):
        raise ValueError(
            f"Got {len(predictions)} predictions but {len(references)} references; "
            "give one reference (a list of all gold answers) per prediction."
        )
    if predictions:
        columns.update(_prediction_rows(predictions))
    if references:
        columns.update(_reference_rows(references))
    if no_answer_probabilities is not None:
        columns["no_answer_probabilities"] = _keyword_scores(no_answer_probabilities, len(predictions), layout)
    if inputs is not None:
        columns["inputs"] = _inputs(inputs, len(predictions))
    return columns


def _keyword_scores(scores: Sequence[float], count: int, layout: str) -> List[float]:
    if layout == "records":
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


def padded(columns: Dict[str, list]) -> Dict[str, list]:
    """The columns made as long as the longest with None rows, as evaluate's Arrow storage needs
    them (the qa_em_f1 module writes these); :func:`unpadded` undoes it.

    >>> padded(to_columns(["Paris"], ["Paris"]))["prediction_ids"]
    [None]
    """
    length = max(map(len, columns.values()))
    return {name: values + [None] * (length - len(values)) for name, values in columns.items()}


def unpadded(columns: Dict[str, list]) -> Dict[str, list]:
    """Columns of :func:`padded` rows (as evaluate gathers them) back as :func:`to_columns` gives them.

    A prediction column keeps the rows that hold a prediction, a reference column those that
    hold a reference; a column with nothing in those rows was not given and is empty.

    >>> unpadded(padded(to_columns(["Paris"], ["Paris"]))) == to_columns(["Paris"], ["Paris"])
    True
    """
    rows = {side: _rows_with_values(columns[side]) for side in ("predictions", "references")}
    kept = {}
    for name in COLUMNS:
        values = columns[name]
        side_rows = rows["references" if name in _REFERENCE_COLUMNS else "predictions"]
        if len(side_rows) != len(values):
            values = [values[row] for row in side_rows]
        kept[name] = [] if values.count(None) == len(values) else list(values)
    return kept


def _rows_with_values(column: list) -> Sequence[int]:
    """The rows of ``column`` that are not None (not padding)."""
    if None not in column:
        return range(len(column))
    return [row for row, value in enumerate(column) if value is not None]


def align(columns: Dict[str, list], *, missing: str = "error", extra: str = "error") -> Examples:
    """Pair the columns of all batches: by id for SQuAD records, by position otherwise.

    ``missing``: "error" (default) or "zero" (a question without a prediction scores 0,
    the official v1.1 rule). ``extra``: "error" (default) or "ignore" (predictions for ids
    no reference has are left out, as the official scripts do).
    """
    if missing not in ("error", "zero"):
        raise ValueError(f"missing must be 'error' or 'zero', got {missing!r}.")
    if extra not in ("error", "ignore"):
        raise ValueError(f"extra must be 'error' or 'ignore', got {extra!r}.")
    predictions, references = columns["predictions"], columns["references"]
    if not predictions or not references:
        raise ValueError("Nothing to score: pass at least one prediction and one reference.")
    prediction_ids, reference_ids = columns["prediction_ids"], columns["reference_ids"]
    by_id = paired_by_id(columns)
    if by_id and (len(prediction_ids) != len(predictions) or len(reference_ids) != len(references)
                  or None in prediction_ids or None in reference_ids):
        raise ValueError("Some batches were SQuAD records and others plain lists; use one layout for all batches.")
    scores = _optional_column(columns["no_answer_probabilities"], len(predictions), "a no-answer score")
    inputs = _optional_column(columns["inputs"], len(predictions), "inputs")
    if not by_id:
        return Examples(list(predictions), list(references), None, scores, inputs)
    if len(set(prediction_ids)) < len(prediction_ids):
        rows = [{key: value for key, value in (("prediction_text", text), ("no_answer_probability", score),
                                                ("input", input_)) if value is not None}
                for text, score, input_ in zip(predictions, scores or itertools.repeat(None),
                                               inputs or itertools.repeat(None))]
        _check_copies(prediction_ids, rows, "prediction")
    if len(set(reference_ids)) < len(reference_ids):
        _check_copies(reference_ids, references, "reference")
    examples, _ = pair_rows(reference_ids, list(references), prediction_ids, predictions,
                            no_answer_probabilities=scores, inputs=inputs, missing=missing, extra=extra)
    return examples


def _optional_column(values: list, count: int, what: str) -> Optional[list]:
    """The column's values, or None if it was never given (empty, or None in every row)."""
    given = len(values) - values.count(None)
    if given == 0:
        return None
    if given < count:
        where = f" (prediction {values.index(None)} has none)" if None in values else ""
        raise ValueError(
            f"{what} is given for {given} of {count} predictions{where}; "
            f"give {what} for every prediction or for none."
        )
    return values


def _check_copies(ids: List[str], rows: list, side: str) -> None:
    """A ValueError if a repeated id carries different rows.

    Bootstrap resampling (evaluate's ``strategy="bootstrap"``) repeats whole examples, so an
    id may come several times with the same record; each copy is then one more row to score.
    The same id with different texts, answers or scores is two questions under one name.
    """
    positions: Dict[str, List[int]] = {}
    for index, id_ in enumerate(ids):
        positions.setdefault(id_, []).append(index)
    for id_, found in positions.items():
        first = rows[found[0]]
        other = next((rows[index] for index in found[1:] if rows[index] != first), None)
        if other is not None:
            raise ValueError(
                f"Duplicate {side} ids: {id_!r} comes {len(found)} times with different records "
                f"({_preview(repr(first), 80)} and {_preview(repr(other), 80)}). Give each question its own id; "
                "repeated identical records (as resampling makes them) are scored once per row."
            )
