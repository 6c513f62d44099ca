"""Per-question exact match and F1, as the official scripts compute them, in numpy.

:func:`score_examples` returns one EM and one F1 value (0 or 1, and 0 to 1) per question,
each the maximum over that question's gold answers. Two rule sets exist:

- v1.1 rules (``unanswerable=False``; SQuAD v1.1, KorQuAD, MLQA): an empty normalised
  prediction equals an empty normalised gold for EM, but F1 is 0 whenever nothing overlaps.
- v2.0 rules (``unanswerable=True``): gold answers that normalise to nothing are dropped;
  with none left the question is unanswerable and only the empty prediction is right (EM 1
  and F1 1).

How it is fast: every distinct string is normalised once (:class:`qascore.scoring.tokens.TokenTable`),
then each (prediction, gold) pair is a pair of integers. Equal integers are an exact match
(and F1 1); for the questions without one, the token overlap is counted with array
operations, once per distinct pair; F1 is the official arithmetic applied to whole float64
arrays, which gives the same bits as the scripts' Python floats.

>>> from qascore.normalize import SquadNormalizer
>>> exact, f1, _ = score_examples(["the Broncos", "a"], [["Denver Broncos"], ["The"]], SquadNormalizer(),
...                               unanswerable=False)
>>> exact.tolist(), f1.tolist()
([0.0, 1.0], [0.6666666666666666, 0.0])
>>> score_examples(["a"], [["The"]], SquadNormalizer(), unanswerable=True).f1.tolist()
[1.0]
"""

from __future__ import annotations

from itertools import chain
from typing import NamedTuple, Optional, Sequence

import numpy as np

from qascore.cyclic_gc import cyclic_gc_paused
from qascore.normalize import Normalizer
from qascore.scoring.tokens import TokenTable, number_distinct

__all__ = ["QuestionScores", "score_examples"]


class QuestionScores(NamedTuple):
    """Per question: ``exact`` and ``f1`` (float64), and ``answered`` (int8), the codes of
    :func:`qascore.scoring.no_answer.answered_codes` (1 a non-empty prediction, 0 the empty
    one, -1 none), read off the numbering of the predictions instead of passes over them."""

    exact: np.ndarray
    f1: np.ndarray
    answered: np.ndarray


def score_examples(
    predictions: Sequence[Optional[str]],
    references: Sequence[Sequence[str]],
    normalizer: Normalizer,
    *,
    unanswerable: bool,
) -> QuestionScores:
    """EM and F1 of each prediction against the best of its gold answers, and whether it answers.

    A prediction of None (no prediction for that question) scores 0 on both.

    >>> from qascore.normalize import SquadNormalizer
    >>> scores = score_examples(["Paris", None, ""], [["paris"], ["Rome"], ["Oslo"]], SquadNormalizer(),
    ...                         unanswerable=False)
    >>> scores.exact.tolist(), scores.f1.tolist(), scores.answered.tolist()
    ([1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1, -1, 0])
    """
    with cyclic_gc_paused():
        return _score(predictions, references, normalizer, unanswerable=unanswerable)


_NONE, _EMPTY = 0, 1  # the numbers of None and "" among the predictions


def _score(predictions, references, normalizer, *, unanswerable):
    count = len(references)
    golds_per_question = np.fromiter(map(len, references), dtype=np.int64, count=count)
    # numbered apart: the golds' own dict is small (answers repeat), so its lookups stay in cache
    gold_text_ids, gold_texts = number_distinct(chain.from_iterable(references))
    # None (no prediction) and "" (the empty answer) are numbered first, as 0 and 1: no pass looks for them
    prediction_text_ids, prediction_texts = number_distinct(chain([None, ""], predictions))
    prediction_text_ids = prediction_text_ids[2:]
    missing = prediction_text_ids == _NONE
    answered = np.ones(count, dtype=np.int8)
    answered[prediction_text_ids == _EMPTY] = 0
    answered[missing] = -1
    prediction_texts[_NONE] = ""  # normalised as the empty answer; its scores are set to 0 at the end
    table = TokenTable(normalizer.normalize_many(gold_texts + prediction_texts), normalizer.tokenize)
    gold = table.string_of_text[gold_text_ids]  # normalised-string ids
    prediction = table.string_of_text[len(gold_texts) + prediction_text_ids]
    question_of_pair = np.repeat(np.arange(count), golds_per_question)
    if unanswerable:  # v2.0: gold answers that normalise to nothing do not count
        kept = gold != table.empty_string
        question_of_pair, gold = question_of_pair[kept], gold[kept]
    prediction_of_pair = prediction[question_of_pair]
    question_exact = _best_per_question(question_of_pair, prediction_of_pair == gold, count)
    # F1 of a question with an exact match is 1 (under v1.1 0 if the match is empty: nothing overlaps);
    # only the other questions need token overlap
    question_f1 = _best_per_question(*_open_pairs_f1(table, question_of_pair, prediction_of_pair, gold,
                                                     question_exact), count)
    matched = question_exact == 1
    question_f1[matched] = 1.0 if unanswerable else table.lengths[prediction[matched]] > 0
    if unanswerable:  # no gold answer left: only the empty prediction is right
        no_gold = np.bincount(question_of_pair, minlength=count) == 0
        question_exact[no_gold] = prediction[no_gold] == table.empty_string
        question_f1[no_gold] = table.lengths[prediction[no_gold]] == 0
    question_exact[missing] = question_f1[missing] = 0.0
    return QuestionScores(question_exact, question_f1, answered)


def _open_pairs_f1(table: TokenTable, question_of_pair, prediction, gold, question_exact):
    """The pairs of questions without an exact match, and their F1 (0 unless some token overlaps)."""
    open_pairs = np.flatnonzero(question_exact[question_of_pair] == 0)
    prediction, gold = prediction[open_pairs], gold[open_pairs]
    f1 = np.zeros(len(open_pairs))
    overlapping = np.flatnonzero(table.may_overlap(prediction, gold))
    f1[overlapping] = _official_f1(table, prediction[overlapping], gold[overlapping])
    return question_of_pair[open_pairs], f1


def _official_f1(table: TokenTable, prediction: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """The scripts' F1 arithmetic on arrays, operation for operation, so every value is bit-identical."""
    strings = table.string_count
    distinct, pair_of_distinct = np.unique(prediction * strings + gold, return_inverse=True)
    prediction, gold = distinct // strings, distinct % strings
    same = table.overlap(prediction, gold)
    prediction_length = table.lengths[prediction]
    gold_length = table.lengths[gold]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = 1.0 * same / prediction_length
        recall = 1.0 * same / gold_length
        f1 = (2 * precision * recall) / (precision + recall)
    f1[same == 0] = 0.0
    return f1[pair_of_distinct.reshape(-1)]


def _best_per_question(question_of_pair: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The maximum score over each question's pairs, as float64 (0 for a question without pairs).

    ``question_of_pair`` is sorted, so each question's pairs are one contiguous run.
    """
    best = np.zeros(count)
    if len(question_of_pair):
        starts = np.flatnonzero(np.r_[True, question_of_pair[1:] != question_of_pair[:-1]])
        best[question_of_pair[starts]] = np.maximum.reduceat(scores, starts)
    return best
