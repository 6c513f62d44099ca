"""TriviaQA's EM and F1 for many questions at once (the twin of :mod:`.reference`).

Every prediction and ground truth is normalised in one pass over their join
(:func:`qascore.joined_text.normalize_many`). EM compares integer codes of the normal
forms. F1 needs the number of tokens each (prediction, ground truth) pair shares, counted with
repeats: each token of a text is written as (token, how many times it came before), which
turns the multiset intersection into a set intersection, done for all distinct pairs at once
with numpy. The F1 formula is the script's, in the same floating-point operations.

>>> em, f1 = score_questions(["The Beatles", None, "new york city"], [["beatles"], ["rome"], ["new york"]])
>>> em.tolist(), [round(value, 4) for value in f1.tolist()]
([1.0, 0.0, 0.0], [1.0, 0.0, 0.8])
"""

from __future__ import annotations

import operator
import string
from itertools import chain, compress, repeat
from typing import List, Optional, Sequence, Tuple

import numpy as np

from qascore.families.triviaqa.reference import normalize_answer
from qascore.joined_text import normal_codes, normalize_many, squeeze_spaces
from qascore.normalize import ENGLISH_ARTICLES

__all__ = ["normalize_all", "score_questions", "sum_in_order"]

_TO_SPACE = str.maketrans({character: " " for character in string.punctuation + "‘’´`"})


def _normalize_joined(joined: str) -> str:
    """:func:`.reference.normalize_answer` on NUL-joined texts (``_`` is ASCII punctuation too)."""
    return squeeze_spaces(ENGLISH_ARTICLES.sub(" ", joined.lower().translate(_TO_SPACE)))


def normalize_all(texts: Sequence[str]) -> List[str]:
    """:func:`.reference.normalize_answer` of each text.

    >>> normalize_all(["Sunset_Blvd.", "‘Tis an apple"])
    ['sunset blvd', 'tis apple']
    """
    return normalize_many(texts, _normalize_joined, normalize_answer)


def sum_in_order(values: np.ndarray) -> float:
    """``values`` added one after another from the first, as the script's ``+=`` loop adds them
    (``sum`` and ``np.sum`` add in other orders, which can change the last digit)."""
    return float(np.add.accumulate(values)[-1]) if len(values) else 0.0


def _occurrence_codes(texts: List[str]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each text's tokens as distinct codes (token, occurrence), flat; and each text's offset and length.

    ``texts`` are normal forms (single spaces, none at the ends), so their tokens are those of
    their join. The k-th repeat of a token within a text gets occurrence k.
    """
    length = np.fromiter(map(len, map(str.split, texts)), dtype=np.int64, count=len(texts))
    words = " ".join(texts).split()
    vocabulary = dict(zip(dict.fromkeys(words), range(len(words))))
    token = np.fromiter(map(vocabulary.__getitem__, words), dtype=np.int64, count=len(words))
    text = np.repeat(np.arange(len(texts)), length)
    order = np.lexsort((np.arange(len(words)), token, text))
    new_group = np.ones(len(words), dtype=bool)
    new_group[1:] = (text[order][1:] != text[order][:-1]) | (token[order][1:] != token[order][:-1])
    rank = np.arange(len(words))
    occurrence = np.empty(len(words), dtype=np.int64)
    occurrence[order] = rank - np.maximum.accumulate(np.where(new_group, rank, 0))
    codes = occurrence * max(len(vocabulary), 1) + token
    return codes, np.cumsum(length) - length, length


def _expand(pair_texts: np.ndarray, offset: np.ndarray, length: np.ndarray, codes: np.ndarray):
    """(pair index, code) of every token of each pair's text."""
    counts = length[pair_texts]
    pair = np.repeat(np.arange(len(pair_texts)), counts)
    starts = np.repeat(offset[pair_texts] - (np.cumsum(counts) - counts), counts)
    return pair, codes[starts + np.arange(len(pair))]


def _shared_tokens(left: np.ndarray, right: np.ndarray, texts: List[str]) -> np.ndarray:
    """For each pair (``left[i]``, ``right[i]``) of text indices, how many tokens the two share."""
    codes, offset, length = _occurrence_codes(texts)
    left_pair, left_code = _expand(left, offset, length, codes)
    right_pair, right_code = _expand(right, offset, length, codes)
    width = int(codes.max()) + 1 if len(codes) else 1
    if len(left) * width >= 2 ** 62:  # pragma: no cover - beyond any QA set; keys would overflow int64
        raise ValueError("too many distinct (prediction, ground truth) pairs and tokens to count at once")
    shared = np.intersect1d(left_pair * width + left_code, right_pair * width + right_code, assume_unique=True)
    return np.bincount(shared // width, minlength=len(left))


def score_questions(predictions: Sequence[Optional[str]], truth_lists: Sequence[Sequence[str]],
                    normal_forms: Optional[dict] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Per-question EM (0 or 1) and F1, the maxima over each question's ground truths; a missing
    prediction (None) scores 0. ``normal_forms``, when given, receives what was compared:
    ``predictions`` (normal forms, None where missing), ``answers`` (the ground truths' normal
    forms, flat) and ``answer_question`` (the question of each)."""
    present = np.fromiter(map(operator.is_not, predictions, repeat(None)), dtype=bool, count=len(predictions))
    given = list(compress(predictions, present))
    truths = list(chain.from_iterable(truth_lists))
    per_question = np.fromiter(map(len, truth_lists), dtype=np.int64, count=len(truth_lists))
    owner = np.repeat(np.arange(len(truth_lists)), per_question)
    code, forms = normal_codes(given + truths, _normalize_joined, normalize_answer)
    prediction_code = np.full(len(predictions), -1, dtype=np.int64)
    prediction_code[present] = code[:len(given)]
    truth_code = code[len(given):]
    paired_code = prediction_code[owner]
    scored = paired_code >= 0
    pairs, back = np.unique(paired_code[scored] * len(forms) + truth_code[scored], return_inverse=True)
    left, right = pairs // max(len(forms), 1), pairs % max(len(forms), 1)
    num_same = _shared_tokens(left, right, forms).astype(np.float64)
    lengths = np.fromiter(map(len, map(str.split, forms)), dtype=np.float64, count=len(forms))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = 1.0 * num_same / lengths[left]
        recall = 1.0 * num_same / lengths[right]
        pair_f1 = np.where(num_same == 0, 0.0, (2 * precision * recall) / (precision + recall))
    truth_f1 = np.zeros(len(truths))
    truth_f1[scored] = pair_f1[back.reshape(-1)]
    truth_em = (paired_code == truth_code).astype(np.float64)
    if normal_forms is not None:
        with_missing = forms + [None]  # code -1 is a missing prediction
        normal_forms["predictions"] = list(map(with_missing.__getitem__, prediction_code.tolist()))
        normal_forms["answers"] = list(map(forms.__getitem__, truth_code.tolist()))
        normal_forms["answer_question"] = owner
    return _max_per_question(truth_em, per_question), _max_per_question(truth_f1, per_question)


def _max_per_question(values: np.ndarray, per_question: np.ndarray) -> np.ndarray:
    """The maximum over each question's consecutive run of values (every run is non-empty)."""
    if not len(per_question):
        return np.zeros(0)
    return np.maximum.reduceat(values, np.cumsum(per_question) - per_question)
