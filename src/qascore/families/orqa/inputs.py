"""What the ORQA presets accept from :func:`qascore.compute`, checked where it enters.

* plain lists, paired by position: predictions are strings (None for a question without a
  prediction, with ``missing="zero"``), references are lists of answer strings (a single
  string is one answer; under curated_trec* they are regular expressions), already taken
  from the field ``answer_field`` names (which then only records it in the signature);
* the script's own lines, paired by question text as the script pairs them: references
  ``{"question", "answer": [...]}`` (``answer_field`` picks the list field) and predictions
  ``{"question", "prediction"}``. Here a question given twice is an error (the files reader
  has ``duplicate_keys="last"`` for the script's last-line-wins).

>>> from qascore.options import make_options
>>> paired(["Paris"], [{"question": "capital?", "answer": ["Paris"]}], make_options("nq_open"))
Traceback (most recent call last):
...
ValueError: references are {"question", "answer"} records, so predictions must be {"question", "prediction"} records too (prediction 0 is 'Paris').
"""

from __future__ import annotations

from itertools import chain
from typing import List, Optional, Sequence, Tuple

from qascore.families import checked_prediction

__all__ = ["paired"]


def paired(predictions: Sequence, references: Sequence, options) -> Tuple[List[Optional[str]], List[List[str]],
                                                                          Optional[List[str]]]:
    """``(predictions, answer lists, question texts or None)``, checked, in reference order."""
    for name, values in (("predictions", predictions), ("references", references)):
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"{name} must be a list; got {type(values).__name__}.")
    field = options.family_option("answer_field")
    if references and all(isinstance(reference, dict) for reference in references):
        return _paired_records(predictions, references, field, options)
    if len(predictions) != len(references):
        raise ValueError(f"Got {len(predictions)} predictions but {len(references)} references; "
                         "pass one prediction per reference (None for a question without one, with missing='zero').")
    if _plain_and_well_formed(predictions, references, options):
        return list(predictions), list(references), None
    answer_lists = [_answers(reference, f"reference {index}") for index, reference in enumerate(references)]
    checked = [checked_prediction(prediction, f"prediction {index}", options)
               for index, prediction in enumerate(predictions)]
    return checked, answer_lists, None


def _plain_and_well_formed(predictions, references, options) -> bool:
    """True when every prediction is a string (or None, with missing='zero') and every reference a
    non-empty list of strings: checked in C-level passes; else each item is checked and named."""
    allowed = {str, type(None)} if options.missing == "zero" else {str}
    return (set(map(type, predictions)) <= allowed and set(map(type, references)) <= {list}
            and (not references or min(map(len, references)) > 0)
            and set(map(type, chain.from_iterable(references))) <= {str})


def _answers(value, where: str) -> List[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(answer, str) for answer in value):
        raise TypeError(f"{where} must be a list of answer strings; got {value!r:.80}.")
    if not value:
        raise ValueError(f"{where} has no answer; the official script needs at least one per question "
                         "(it fails on an empty list).")
    return list(value)


def _question(record, index: int, kind: str, field: str) -> str:
    if not isinstance(record, dict):
        raise ValueError(f"references are {{\"question\", \"answer\"}} records, so predictions must be "
                         f"{{\"question\", \"prediction\"}} records too ({kind} {index} is {record!r:.60}).")
    question = record.get("question")
    if not isinstance(question, str):
        raise TypeError(f"{kind} {index} needs 'question', the question text (a string); got {question!r:.60}.")
    if field not in record:
        raise ValueError(f"{kind} {index} has no {field!r}; its keys are {', '.join(map(str, record))}.")
    return question


def _paired_records(predictions, references, field: str, options):
    gold = {}
    for index, record in enumerate(references):
        question = _question(record, index, "reference", field)
        if question in gold:
            raise ValueError(f"references {gold[question][0]} and {index} are both question {question!r}; "
                             "keep one (the official script keeps the last line).")
        gold[question] = (index, _answers(record[field], f"reference {index} {field!r}"))
    predicted = {}
    for index, record in enumerate(predictions):
        question = _question(record, index, "prediction", "prediction")
        if question in predicted:
            raise ValueError(f"predictions {predicted[question][0]} and {index} are both for question {question!r}; "
                             "keep one (the official script keeps the last line).")
        predicted[question] = (index, checked_prediction(record["prediction"], f"prediction {index}", options))
    extra = [question for question in predicted if question not in gold]
    if extra and options.extra != "ignore":
        raise ValueError(f"{len(extra)} predictions are for questions not in the references (first: {extra[0]!r}); "
                         "pass extra='ignore' to leave them out as the official script does.")
    missing = [question for question in gold if question not in predicted]
    if missing and options.missing != "zero":
        raise ValueError(f"{len(missing)} questions have no prediction (first: {missing[0]!r}); pass missing='zero' "
                         "to score them 0 as the official script does.")
    questions = list(gold)
    return ([predicted[question][1] if question in predicted else None for question in questions],
            [gold[question][1] for question in questions], questions)
