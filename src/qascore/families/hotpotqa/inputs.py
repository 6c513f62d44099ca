"""HotpotQA's inputs, checked where they enter.

A prediction is ``{"answer": str, "sp": facts}`` (either part may be None or absent: that
part is missing, as a question absent from the prediction file's ``answer`` or ``sp``
object); None means both parts are missing. A reference is a HotpotQA dev record
``{"_id"?, "answer": str, "supporting_facts": facts, ...}``. Facts are a list of
``[title, sentence index]`` entries (any JSON scalars: the script compares entries as
tuples, so ``[title, "1"]`` is not ``[title, 1]`` and three-element entries never match),
or the ``datasets`` layout ``{"title": [...], "sent_id": [...]}`` of the hotpot_qa dataset.

Whole columns are checked by :func:`prediction_columns` and :func:`reference_columns`: the
usual input (dicts, facts as lists of ``[title, index]`` lists) in a few C-level passes over
all questions, anything else one record at a time, which names the first problem.

>>> facts_of({"title": ["Paris", "Paris"], "sent_id": [0, 2]}, "sp")
[('Paris', 0), ('Paris', 2)]
>>> prediction_columns([{"answer": "yes", "sp": [["Paris", 0]]}, {"answer": "no"}])
(['yes', 'no'], [[('Paris', 0)], None])
"""

from __future__ import annotations

import operator
from itertools import chain, compress, islice, repeat
from typing import List, Optional, Sequence, Tuple

__all__ = ["facts_of", "prediction_parts", "reference_parts", "prediction_columns", "reference_columns"]

_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_SEQUENCES = frozenset((list, tuple))
_PREDICTION_KEYS = frozenset(("answer", "sp"))
_OPTIONAL_TEXT = frozenset((str, type(None)))


def facts_of(facts, where: str) -> List[tuple]:
    """Facts as a list of tuples; a TypeError saying what is wrong."""
    if isinstance(facts, dict) and set(facts) == {"title", "sent_id"}:
        titles, sentences = facts["title"], facts["sent_id"]
        if not (isinstance(titles, (list, tuple)) and isinstance(sentences, (list, tuple))
                and len(titles) == len(sentences)):
            raise TypeError(f"{where}: 'title' and 'sent_id' must be lists of equal length; got {facts!r:.80}.")
        facts = list(zip(titles, sentences))
    if not isinstance(facts, (list, tuple)):
        raise TypeError(f"{where} must be a list of [title, sentence index] entries; got {facts!r:.60}.")
    if set(map(type, facts)) <= _SEQUENCES:  # the usual case, checked in C: lists of scalars
        entries = list(map(tuple, facts))
        if set(map(type, chain.from_iterable(entries))) <= _SCALAR_TYPES:
            return entries
    for number, entry in enumerate(facts):
        if not isinstance(entry, (list, tuple)) or not all(isinstance(part, _SCALARS) for part in entry):
            raise TypeError(f"{where}[{number}] must be a [title, sentence index] list of strings or numbers; "
                            f"got {entry!r:.60}.")
    return [tuple(entry) for entry in facts]


def prediction_parts(prediction, index: int) -> Tuple[Optional[str], Optional[List[tuple]]]:
    """``(answer, facts)`` of one prediction, None for a missing part."""
    if prediction is None:
        return None, None
    if not isinstance(prediction, dict) or not set(prediction) <= {"answer", "sp"}:
        raise TypeError(f"predictions[{index}] must be {{'answer': str, 'sp': [[title, sentence index], ...]}}; "
                        f"got {prediction!r:.80}.")
    answer, facts = prediction.get("answer"), prediction.get("sp")
    if answer is not None and not isinstance(answer, str):
        raise TypeError(f"predictions[{index}]['answer'] must be a string; got {answer!r:.60}.")
    return answer, None if facts is None else facts_of(facts, f"predictions[{index}]['sp']")


def reference_parts(reference, index: int) -> Tuple[str, List[tuple], Optional[str]]:
    """``(answer, supporting facts, id)`` of one reference."""
    if not isinstance(reference, dict) or "answer" not in reference or "supporting_facts" not in reference:
        raise TypeError(f"references[{index}] must be a HotpotQA record {{'answer', 'supporting_facts'}}; "
                        f"got {reference!r:.80}.")
    answer, question_id = reference["answer"], reference.get("_id", reference.get("id"))
    if not isinstance(answer, str):
        raise TypeError(f"references[{index}]['answer'] must be a string; got {answer!r:.60}.")
    if question_id is not None and not isinstance(question_id, str):
        raise TypeError(f"references[{index}]['_id'] must be a string; got {question_id!r:.60}.")
    return answer, facts_of(reference["supporting_facts"], f"references[{index}]['supporting_facts']"), question_id


def prediction_columns(predictions: Sequence) -> Tuple[list, list]:
    """``(answers, facts)``: :func:`prediction_parts` of every prediction, in column order."""
    if set(map(type, predictions)) <= {dict} and all(keys <= _PREDICTION_KEYS
                                                     for keys in set(map(frozenset, predictions))):
        answers = list(map(dict.get, predictions, repeat("answer")))
        facts = _facts_columns(list(map(dict.get, predictions, repeat("sp"))))
        if facts is not None and set(map(type, answers)) <= _OPTIONAL_TEXT:
            return answers, facts
    parts = [prediction_parts(prediction, index) for index, prediction in enumerate(predictions)]
    return [answer for answer, _ in parts], [facts for _, facts in parts]


def reference_columns(references: Sequence) -> Tuple[list, list, list]:
    """``(answers, supporting facts, ids)``: :func:`reference_parts` of every reference, in column order."""
    if set(map(type, references)) <= {dict}:
        answers = list(map(dict.get, references, repeat("answer")))
        facts = list(map(dict.get, references, repeat("supporting_facts")))
        ids = list(map(dict.get, references, repeat("_id")))
        if set(map(type, answers)) <= {str} and set(map(type, ids)) <= {str} and None not in facts:
            checked = _facts_columns(facts)
            if checked is not None:
                return answers, checked, ids
    parts = [reference_parts(reference, index) for index, reference in enumerate(references)]
    return [answer for answer, _, _ in parts], [facts for _, facts, _ in parts], [id_ for _, _, id_ in parts]


def _facts_columns(facts: list) -> Optional[List[Optional[List[tuple]]]]:
    """:func:`facts_of` of each value (None stays None) when every value is a list or tuple of
    ``[title, index]`` lists or tuples of scalars; None for anything else (the caller then
    checks one record at a time)."""
    given = list(compress(facts, map(operator.is_not, facts, repeat(None))))
    if not set(map(type, given)) <= _SEQUENCES:
        return None
    flat = list(chain.from_iterable(given))
    if not set(map(type, flat)) <= _SEQUENCES:
        return None
    entries = iter(map(tuple, flat))
    grouped = list(map(list, map(islice, repeat(entries), map(len, given))))
    if not set(map(type, chain.from_iterable(chain.from_iterable(grouped)))) <= _SCALAR_TYPES:
        return None
    if len(given) == len(facts):
        return grouped
    regrouped = iter(grouped)
    return [None if value is None else next(regrouped) for value in facts]
