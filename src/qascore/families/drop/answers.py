"""DROP's inputs, checked where they enter: predictions as spans, gold answers as candidates.

A prediction is a string (one span) or a list of strings (several spans); None means the
question has no prediction. A reference is DROP's own: an answer object
``{"number": str, "spans": [str, ...], "date": {"day", "month", "year"}}``, a list of them
(the ``answer`` first, then the ``validated_answers``), or a whole ``qa_pairs`` record
``{"query_id", "answer", "validated_answers"?, ...}``. A gold answer is read the way
``drop_eval.py``'s ``answer_json_to_strings`` reads it: a non-empty number wins, then the
spans (type ``span`` for one, ``spans`` for more), then the date as ``"day month year"``.

>>> answer_strings({"number": "", "spans": ["Paris", "Rome"], "date": {"day": "", "month": "", "year": ""}})
(('Paris', 'Rome'), 'spans')
>>> answer_strings({"date": {"day": 7, "month": "February", "year": 2016}})
(('7 February 2016',), 'date')
>>> prediction_spans(["Paris", "Rome"], 0)
('Paris', 'Rome')
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from qascore.families import is_string_list

__all__ = ["Question", "answer_strings", "prediction_spans", "question_of", "check_lengths"]

DATE_KEYS = ("day", "month", "year")
_ANSWER_KEYS = frozenset(("number", "spans", "date"))
_DATE_KEYS = frozenset(DATE_KEYS)


@dataclass
class Question:
    """One question's gold answers as the script scores them.

    Attributes:
        candidates: ``(strings, type)`` of every gold answer that counts (the script skips
            a gold answer whose first string is blank).
        unpredicted_type: the type a question without a prediction is counted under (its
            ``answer``'s type).
        query_id: the question's id when the reference carried one.
    """

    candidates: List[Tuple[Tuple[str, ...], str]]
    unpredicted_type: str
    query_id: Optional[str] = None


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def answer_strings(answer, where: str = "answer") -> Tuple[Tuple[str, ...], str]:
    """One gold answer object as ``(strings, type)``; a ValueError/TypeError saying what is wrong.

    ``number``, ``spans`` or ``date`` that is None counts as absent (evaluate's storage
    fills absent fields with None). A date's parts are read only when the answer is a date.
    """
    if not isinstance(answer, dict):
        raise TypeError(f"{where} must be a DROP answer object {{'number', 'spans', 'date'}}; "
                        f"got {type(answer).__name__} {answer!r:.60}.")
    if not answer.keys() <= _ANSWER_KEYS:
        unknown = next(key for key in answer if key not in _ANSWER_KEYS)
        raise ValueError(f"{where} has key {unknown!r}; a DROP answer has only number, spans and date.")
    number = answer.get("number")
    if number:
        if not (isinstance(number, (str, float)) or _is_integer(number)):
            raise TypeError(f"{where}['number'] must be a string such as '3'; got {number!r:.60}.")
        return (str(number),), "number"
    spans = answer.get("spans")
    if spans is not None and not is_string_list(spans):
        raise TypeError(f"{where}['spans'] must be a list of strings; got {spans!r:.60}.")
    if spans:
        return tuple(spans), "span" if len(spans) == 1 else "spans"
    date = answer.get("date")
    if date is None:
        raise ValueError(f"{where} has no number, no spans and no date; give one of them.")
    if not isinstance(date, dict) or date.keys() != _DATE_KEYS:
        raise ValueError(f"{where}['date'] must be {{'day', 'month', 'year'}} (empty strings for missing parts); "
                         f"got {date!r:.80}.")
    if not all(isinstance(date[key], str) or _is_integer(date[key]) for key in DATE_KEYS):
        raise TypeError(f"{where}['date'] parts must be strings or integers; got {date!r:.80}.")
    return ("{0} {1} {2}".format(date["day"], date["month"], date["year"]),), "date"


def question_of(reference, index: int) -> Question:
    """A reference (answer object, list of them, or ``qa_pairs`` record) as a :class:`Question`."""
    query_id = None
    if isinstance(reference, dict) and "answer" in reference:
        query_id = reference.get("query_id")
        if query_id is not None and not isinstance(query_id, str):
            raise TypeError(f"references[{index}]['query_id'] must be a string; got {query_id!r:.60}.")
        validated = reference.get("validated_answers")
        if validated and not isinstance(validated, (list, tuple)):
            raise TypeError(f"references[{index}]['validated_answers'] must be a list of answer objects; "
                            f"got {validated!r:.60}.")
        answers = [reference["answer"], *validated] if validated else [reference["answer"]]
    elif isinstance(reference, dict):
        answers = [reference]
    elif isinstance(reference, (list, tuple)) and reference:
        answers = reference
    else:
        raise TypeError(f"references[{index}] must be a DROP answer object, a non-empty list of them (the answer, "
                        f"then the validated answers) or a qa_pairs record; got {reference!r:.60}.")
    try:
        candidates = list(map(answer_strings, answers))
    except (TypeError, ValueError):  # again, naming the answer at fault
        for number, answer in enumerate(answers):
            answer_strings(answer, f"references[{index}]{_place(reference, number)}")
        raise
    return Question([candidate for candidate in candidates if candidate[0][0].strip()], candidates[0][1], query_id)


def _place(reference, number: int) -> str:
    """Where answer ``number`` of a reference is, for an error message."""
    if isinstance(reference, dict) and "answer" in reference:
        return "['answer']" if number == 0 else f"['validated_answers'][{number - 1}]"
    return "" if isinstance(reference, dict) else f"[{number}]"


def prediction_spans(prediction, index: int) -> Optional[Tuple[str, ...]]:
    """A prediction as its spans (a string is one span); None stays None (no prediction)."""
    if prediction is None or isinstance(prediction, str):
        return prediction if prediction is None else (prediction,)
    if is_string_list(prediction):
        return tuple(prediction)
    raise TypeError(f"predictions[{index}] must be a string or a list of strings (spans); got {prediction!r:.60}.")


def check_lengths(predictions: Sequence, references: Sequence) -> None:
    """Lists of equal length, one prediction per reference."""
    for name, values in (("predictions", predictions), ("references", references)):
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"{name} must be a list; got {type(values).__name__}.")
    if len(predictions) != len(references):
        raise ValueError(f"Got {len(predictions)} predictions but {len(references)} references; "
                         "pass one prediction per reference.")
