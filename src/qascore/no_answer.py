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

from array import array
from typing import List, Optional, Sequence, Tuple

__all__ = ["apply_threshold", "best_threshold", "answered_codes", "DEFAULT_ABSTENTIONS", "map_abstentions"]

#: Phrases a generative model may answer instead of the empty answer. With
#: ``map_abstentions=True`` a prediction whose normalised text equals the normalised form of
#: one of these counts as the empty answer (SQuAD v2.0 "no answer").
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
    "unknown",
    "n/a",
    "none",
    "i don't know",
)


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
) -> Tuple[float, float]:
    """The best achievable score (0-100) over all thresholds, and the threshold reaching it.

    ``answered`` per question: 1 for a non-empty prediction, 0 for the empty one, -1 for
    no prediction at all (``missing="zero"``; never abstains). Starts from abstaining on
    everything and lowers the threshold past one question at a time in ascending order of
    no-answer score, as the official script does (ties keep their input order).
    """
    current = best = sum(1 for answerable in has_answer if not answerable)
    best_thresh = 0.0
    for index in sorted(range(len(scores)), key=no_answer_scores.__getitem__):
        if answered[index] < 0:
            continue
        if has_answer[index]:
            current += scores[index]
        elif answered[index]:
            current -= 1
        if current > best:
            best = current
            best_thresh = no_answer_scores[index]
    return 100.0 * best / len(scores), best_thresh


def answered_codes(predictions: Sequence[Optional[str]]) -> array:
    """1 for a non-empty prediction, 0 for the empty string, -1 for None (no prediction).

    >>> answered_codes(["Paris", "", None]).tolist()
    [1, 0, -1]
    """
    if None not in predictions:
        return array("b", map(bool, predictions))
    return array("b", [-1 if prediction is None else bool(prediction) for prediction in predictions])


def map_abstentions(predictions: Sequence[Optional[str]], abstentions: Sequence[str], normalize) -> List[Optional[str]]:
    """Replace predictions that normalise to one of ``abstentions`` by the empty answer.

    >>> from qascore.normalize import SquadNormalizer
    >>> map_abstentions(["Unanswerable.", "Paris"], DEFAULT_ABSTENTIONS, SquadNormalizer().normalize)
    ['', 'Paris']
    """
    phrases = {normalize(phrase) for phrase in abstentions}
    phrases.discard("")
    return [
        "" if prediction is not None and normalize(prediction) in phrases else prediction
        for prediction in predictions
    ]
