"""Per-question exact match and F1, as the official scripts compute them.

:func:`score_examples` returns one EM and one F1 value (0 or 1, and 0 to 1) per question,
each the maximum over that question's gold answers. Two rule sets exist:

- v1.1 rules (``unanswerable=False``; SQuAD v1.1, KorQuAD, MLQA): an empty normalised
  prediction equals an empty normalised gold for EM, but F1 is 0 whenever nothing overlaps.
- v2.0 rules (``unanswerable=True``): gold answers that normalise to nothing are dropped;
  with none left the question is unanswerable and only the empty prediction is right (EM 1
  and F1 1).

Each distinct string is normalised once per call, which is what makes large inputs fast.

>>> from qascore.normalize import SquadNormalizer
>>> score_examples(["the Broncos", "a"], [["Denver Broncos"], ["The"]], SquadNormalizer(), unanswerable=False)
([0, 1], [0.6666666666666666, 0])
>>> score_examples(["a"], [["The"]], SquadNormalizer(), unanswerable=True)
([1], [1])
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from qascore.normalize import Normalizer

__all__ = ["score_examples", "f1_from_tokens"]


def f1_from_tokens(prediction_tokens: Sequence[str], gold_tokens: Sequence[str]) -> float:
    """Token-overlap F1 with the official formula (0 when nothing overlaps).

    >>> f1_from_tokens(["denver", "broncos"], ["broncos"])
    0.6666666666666666
    """
    if len(prediction_tokens) > len(gold_tokens):
        shorter, longer = gold_tokens, prediction_tokens
    else:
        shorter, longer = prediction_tokens, gold_tokens
    available: Dict[str, int] = {}
    for token in shorter:
        available[token] = available.get(token, 0) + 1
    num_same = 0
    for token in longer:
        count = available.get(token)
        if count:
            available[token] = count - 1
            num_same += 1
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(gold_tokens)
    return (2 * precision * recall) / (precision + recall)


class _Cache:
    """Normalised text and F1 tokens of every string seen in one scoring call."""

    def __init__(self, normalizer: Normalizer):
        self._normalize = normalizer.normalize
        self._tokenize = normalizer.tokenize
        self._entries: Dict[str, Tuple[str, List[str]]] = {}

    def __call__(self, text: str) -> Tuple[str, List[str]]:
        entry = self._entries.get(text)
        if entry is None:
            normalized = self._normalize(text)
            entry = self._entries[text] = (normalized, self._tokenize(normalized))
        return entry


def score_examples(
    predictions: Sequence[Optional[str]],
    references: Sequence[Sequence[str]],
    normalizer: Normalizer,
    *,
    unanswerable: bool,
) -> Tuple[List[int], List[float]]:
    """EM and F1 of each prediction against the best of its gold answers.

    A prediction of None (no prediction for that question) scores 0 on both.
    """
    cache = _Cache(normalizer)
    exact_scores: List[int] = []
    f1_scores: List[float] = []
    for prediction, golds in zip(predictions, references):
        if prediction is None:
            exact_scores.append(0)
            f1_scores.append(0)
            continue
        predicted, predicted_tokens = cache(prediction)
        gold_entries = [cache(gold) for gold in golds]
        if unanswerable:
            gold_entries = [entry for entry in gold_entries if entry[0]] or [("", [])]
        exact = 0
        best_f1 = 0
        for gold, gold_tokens in gold_entries:
            if gold == predicted:
                exact = 1
            if unanswerable and (not gold_tokens or not predicted_tokens):
                f1 = int(gold_tokens == predicted_tokens)
            elif gold == predicted and gold:
                f1 = 1.0
            else:
                f1 = f1_from_tokens(predicted_tokens, gold_tokens)
            if f1 > best_f1:
                best_f1 = f1
        exact_scores.append(exact)
        f1_scores.append(best_f1)
    return exact_scores, f1_scores
