"""CMRC 2018's EM and F1 per question, fast: each distinct text segmented once, LCS on arrays.

F1 is the scorer's longest-common-substring F1 (:mod:`qascore.families.cmrc2018.reference`
is the plain transcription): precision is the length of the longest common *contiguous* run
of segments over the prediction's segments, recall the same over the gold's, 0 without a
common segment, and the best gold counts. EM is 1 when the prediction's exact-match string
(:func:`~qascore.families.cmrc2018.segmentation.exact_form`) equals a gold's.

How it is fast: every distinct text is reduced to its exact-match string once, and every
distinct string is segmented once (segments depend only on that string), each segment an
integer. A (prediction, gold) pair with equal strings has the whole string in common; for
the other distinct pairs the longest common run is found on arrays: the positions where
the two strings hold the same segment, sorted along their diagonals, where consecutive
positions form the common runs.

>>> exact, f1 = score_questions(["北京大学", "北京", None], [["北京大学"], ["北京大学", "清华"], ["上海"]])
>>> exact.tolist(), f1.tolist()
([1.0, 0.0, 0.0], [1.0, 0.6666666666666666, 0.0])
"""

from __future__ import annotations

from itertools import chain
from typing import List, Optional, Sequence, Tuple

import numpy as np

from qascore.families.cmrc2018.segmentation import exact_form, f1_segments
from qascore.scoring.tokens import number_distinct

__all__ = ["score_questions", "longest_common_runs"]


def score_questions(predictions: Sequence[Optional[str]],
                    references: Sequence[Sequence[str]]) -> Tuple[np.ndarray, np.ndarray]:
    """Per-question EM (0 or 1) and F1 (0 to 1) as float64 arrays; a None prediction scores 0.

    Every question needs at least one gold answer (the caller checks).
    """
    count = len(references)
    golds_per_question = np.fromiter(map(len, references), dtype=np.int64, count=count)
    texts = chain(chain.from_iterable(references), ("" if text is None else text for text in predictions))
    text_ids, distinct_texts = number_distinct(texts)
    form_of_text, forms = number_distinct(map(exact_form, distinct_texts))
    form_ids = form_of_text[text_ids]
    gold, prediction = form_ids[:-count or None], form_ids[len(form_ids) - count:]
    segments = _Segments(forms)
    question_of_pair = np.repeat(np.arange(count), golds_per_question)
    prediction_of_pair = prediction[question_of_pair]
    exact = _best(question_of_pair, (prediction_of_pair == gold).astype(np.float64), count)
    f1 = _best(question_of_pair, _pair_f1(segments, prediction_of_pair, gold), count)
    missing = np.fromiter((text is None for text in predictions), dtype=bool, count=count)
    exact[missing] = f1[missing] = 0.0
    return exact, f1


class _Segments:
    """The F1 segments of distinct strings as integers: string ``s`` owns ``ids[offsets[s]:offsets[s + 1]]``."""

    def __init__(self, strings: List[str]):
        segmented = list(map(f1_segments, strings))
        self.lengths = np.fromiter(map(len, segmented), dtype=np.int64, count=len(strings))
        self.offsets = np.zeros(len(strings) + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=self.offsets[1:])
        flat = list(chain.from_iterable(segmented))
        self.ids, distinct = number_distinct(flat)
        self.kinds = max(len(distinct), 1)


def _pair_f1(segments: _Segments, prediction: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """The scorer's F1 of each (prediction, gold) pair of string ids, computed once per distinct pair."""
    strings = len(segments.lengths)
    distinct, pair_of_distinct = np.unique(prediction * strings + gold, return_inverse=True)
    prediction, gold = distinct // strings, distinct % strings
    common = np.where(prediction == gold, segments.lengths[gold], 0)
    unequal = np.flatnonzero(prediction != gold)
    common[unequal] = longest_common_runs(segments, prediction[unequal], gold[unequal])
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = 1.0 * common / segments.lengths[prediction]
        recall = 1.0 * common / segments.lengths[gold]
        f1 = (2 * precision * recall) / (precision + recall)
    f1[common == 0] = 0.0
    return f1[pair_of_distinct.reshape(-1)]


def _cells(segments: _Segments, strings: np.ndarray):
    """For each string of ``strings`` (pair k), its positions: (pair, position, segment id) arrays."""
    lengths = segments.lengths[strings]
    pair = np.repeat(np.arange(len(strings)), lengths)
    position = np.arange(len(pair)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return pair, position, segments.ids[segments.offsets[strings][pair] + position]


def longest_common_runs(segments: _Segments, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Length of the longest common contiguous run of segments of each pair ``(first[k], second[k])``."""
    result = np.zeros(len(first), dtype=np.int64)
    if not len(first):
        return result
    first_pair, i, first_id = _cells(segments, first)
    second_pair, j, second_id = _cells(segments, second)
    second_keys = second_pair * segments.kinds + second_id
    order = np.argsort(second_keys, kind="stable")
    second_keys, j = second_keys[order], j[order]
    wanted = first_pair * segments.kinds + first_id
    low = np.searchsorted(second_keys, wanted, side="left")
    found = np.searchsorted(second_keys, wanted, side="right") - low
    cell = np.repeat(np.arange(len(wanted)), found)  # one row per equal (i, j) position
    if not len(cell):
        return result
    start = np.repeat(np.cumsum(found) - found, found)
    matched_j = j[np.repeat(low, found) + np.arange(len(cell)) - start]
    pair, matched_i = first_pair[cell], i[cell]
    width = int(max(segments.lengths[first].max(), segments.lengths[second].max())) + 1
    # consecutive positions of one diagonal of one pair have consecutive keys
    keys = np.sort((pair * (2 * width) + (matched_j - matched_i + width)) * width + matched_i)
    continues = np.r_[False, keys[1:] == keys[:-1] + 1]
    index = np.arange(len(keys))
    run = index - np.maximum.accumulate(np.where(continues, 0, index)) + 1
    np.maximum.at(result, keys // (2 * width * width), run)
    return result


def _best(question_of_pair: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The maximum score over each question's (contiguous) pairs."""
    best = np.zeros(count)
    if len(question_of_pair):
        starts = np.flatnonzero(np.r_[True, question_of_pair[1:] != question_of_pair[:-1]])
        best[question_of_pair[starts]] = np.maximum.reduceat(scores, starts)
    return best
