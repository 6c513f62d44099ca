"""SQuAD v2.0 no-answer handling: abstention thresholds, best thresholds, abstention strings.

Follows evaluate-v2.0.py: a question is answered "no answer" when its no-answer score is
strictly greater than the threshold; the best threshold is searched over the scores in
ascending order. Scores may be probabilities or logit-like odds; all arithmetic is float64.

>>> apply_threshold([1, 0], [0.2, 0.95], [True, False], threshold=0.9)
[1, 1.0]
>>> best_threshold([1, 0], [0.2, 0.95], [True, False], answered=[1, 1])
(100.0, 0.2)
"""

from __future__ import annotations

import string
from array import array
from typing import List, Optional, Sequence, Tuple

import numpy as np

__all__ = ["apply_threshold", "best_threshold", "answered_codes", "DEFAULT_ABSTENTIONS", "abstention_form", "map_abstentions"]

#: Phrases a generative model may answer instead of the empty answer. With
#: ``map_abstentions=True`` a prediction that *is* one of these, up to case, spacing, curly
#: apostrophes and punctuation or quotes around it (see :func:`abstention_form`), counts as
#: the empty answer (SQuAD v2.0 "no answer"). Words that are real answers are left out:
#: "None" (SQuAD v2.0 dev: "How many original treaties establishing the EU protected
#: fundamental rights?"), "unknown" (11 gold answers in SQuAD and NQ-open dev) and "N/A"
#: (2 gold answers) all occur as gold answers in ../shared/data; pass ``abstentions=`` to
#: add them for data where they cannot be answers.
DEFAULT_ABSTENTIONS = (
    "unanswerable",
    "no answer",
    "not answerable",
    "cannot be answered",
    "can't be answered",
    "cannot answer",
    "no answer found",
    "the question cannot be answered",
    "not mentioned",
    "not stated",
    "not given",
    "i don't know",
)

# Stripped from both ends of a prediction before it is compared with the phrases.
_AROUND = string.punctuation + string.whitespace + "\u2018\u2019\u201c\u201d\u00ab\u00bb"


def apply_threshold(
    scores: Sequence[float],
    no_answer_scores: Sequence[float],
    has_answer: Sequence[bool],
    *,
    threshold: float,
) -> List[float]:
    """Replace the score of each abstained question by 1.0 if it is unanswerable, else 0.0."""
    return [
        float(not answerable) if no_answer > threshold else score
        for score, no_answer, answerable in zip(scores, no_answer_scores, has_answer)
    ]


def best_threshold(
    scores: Sequence[float],
    no_answer_scores: Sequence[float],
    has_answer: Sequence[bool],
    answered: Sequence[int],
    order: Optional[Sequence[int]] = None,
) -> Tuple[float, float]:
    """The best achievable score (0-100) over all thresholds, and the threshold reaching it.

    ``answered`` per question: 1 for a non-empty prediction, 0 for the empty one, -1 for
    no prediction at all (``missing="zero"``; never abstains). Starts from abstaining on
    everything and lowers the threshold past one question at a time in ascending order of
    no-answer score, keeping the first threshold that reaches the best score, as the
    official script's ``find_best_thresh`` does. Its sort is stable over the predictions'
    order, so tied scores are walked in ``order`` (each question's place among the
    predictions; default: the questions' own order), and the result depends on it:

    >>> best_threshold([1.0, 0.0], [0.5, 0.5], [True, False], [1, 1], order=[0, 1])
    (100.0, 0.5)
    >>> best_threshold([1.0, 0.0], [0.5, 0.5], [True, False], [1, 1], order=[1, 0])
    (50.0, 0.0)
    """
    count = len(scores)
    no_answer = np.asarray(no_answer_scores, dtype=np.float64)
    order = np.arange(count) if order is None else np.asarray(order, dtype=np.int64)
    walk = np.lexsort((order, no_answer))  # by score, ties by order (lexsort is stable)
    answerable = np.asarray(has_answer, dtype=bool)
    codes = np.asarray(answered, dtype=np.int8)[walk]
    # what lowering the threshold past each question changes: its score if it has a gold answer,
    # -1 if it has none but was answered, 0 if it was left empty (or has no prediction)
    change = np.where(answerable[walk], np.asarray(scores, dtype=np.float64)[walk], -(codes > 0).astype(np.float64))
    change[codes < 0] = 0.0
    start = float(count - np.count_nonzero(answerable))
    running = np.add.accumulate(np.concatenate(([start], change)))[1:]  # left to right, as the official loop adds
    if running.max() <= start:
        return 100.0 * start / count, 0.0
    first_best = int(np.argmax(running))  # the first place the maximum is reached
    return 100.0 * float(running[first_best]) / count, float(no_answer[walk[first_best]])


def answered_codes(predictions: Sequence[Optional[str]]) -> array:
    """1 for a non-empty prediction, 0 for the empty string, -1 for None (no prediction).

    >>> answered_codes(["Paris", "", None]).tolist()
    [1, 0, -1]
    """
    if None not in predictions:
        if "" not in predictions:  # every prediction answers (the usual case): no pass of bool()
            return array("b", bytes([1]) * len(predictions))
        return array("b", map(bool, predictions))
    return array("b", [-1 if prediction is None else bool(prediction) for prediction in predictions])


def abstention_form(text: str) -> str:
    """The form in which a prediction is compared with the abstention phrases.

    Case-folded, curly apostrophes made straight, inner spaces collapsed, and punctuation and
    quotes at either end removed; nothing else (no SQuAD normalisation, which would make
    "n/a" and the answer "Na" alike).

    >>> abstention_form(' "I Don\u2019t  know." '), abstention_form("N/A"), abstention_form("Na")
    ("i don't know", 'n/a', 'na')
    """
    return " ".join(text.casefold().replace("\u2019", "'").split()).strip(_AROUND)


def map_abstentions(predictions: Sequence[Optional[str]], abstentions: Sequence[str]) -> List[Optional[str]]:
    """Replace predictions that are one of ``abstentions`` (in :func:`abstention_form`) by the empty answer.

    >>> map_abstentions(["Unanswerable.", "Paris", "No answer", "no answer yet"], DEFAULT_ABSTENTIONS)
    ['', 'Paris', '', 'no answer yet']
    >>> map_abstentions(["Na", "N/A"], ["n/a"])
    ['Na', '']
    """
    phrases = {abstention_form(phrase) for phrase in abstentions}
    phrases.discard("")
    return [
        "" if prediction is not None and abstention_form(prediction) in phrases else prediction
        for prediction in predictions
    ]
