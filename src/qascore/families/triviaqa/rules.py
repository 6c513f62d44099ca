"""TriviaQA's EM and F1 for many questions at once (the twin of :mod:`.reference`).

Every prediction and ground truth is normalised in one pass over their join
(:func:`qascore.families.joined_text.normalize_many`). EM compares integer codes of the normal
forms. F1 needs the number of tokens each (prediction, ground truth) pair shares, counted with
repeats: each token of a text is written as (token, how many times it came before), which
turns the multiset intersection into a set intersection, done for all distinct pairs at once
with numpy. The F1 formula is the script's, in the same floating-point operations.

>>> em, f1 = score_questions(["The Beatles", None, "new york city"], [["beatles"], ["rome"], ["new york"]])
>>> em.tolist(), [round(value, 4) for value in f1.tolist()]
([1.0, 0.0, 0.0], [1.0, 0.0, 0.8])
"""

from __future__ import annotations

import re
import string
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from qascore.families.joined_text import normalize_many, squeeze_spaces
from qascore.families.triviaqa.reference import normalize_answer

__all__ = ["normalize_all", "score_questions", "sum_in_order"]

_TO_SPACE = str.maketrans({character: " " for character in string.punctuation + "‘’´`"})
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def _normalize_joined(joined: str) -> str:
    """:func:`.reference.normalize_answer` on NUL-joined texts (``_`` is ASCII punctuation too)."""
    return squeeze_spaces(_ARTICLES.sub(" ", joined.lower().translate(_TO_SPACE)))


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
    """Each text's tokens as distinct codes (token, occurrence), flat; and each text's offset and length."""
    vocabulary: Dict[str, int] = {}
    tokens, occurrences, lengths = [], [], []
    for text in texts:
        seen: Dict[int, int] = {}
        words = text.split()
        lengths.append(len(words))
        for word in words:
            token = vocabulary.setdefault(word, len(vocabulary))
            occurrences.append(seen.get(token, 0))
            seen[token] = occurrences[-1] + 1
            tokens.append(token)
    codes = np.asarray(occurrences, dtype=np.int64) * max(len(vocabulary), 1) + np.asarray(tokens, dtype=np.int64)
    length = np.asarray(lengths, dtype=np.int64)
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
    prediction (None) scores 0. ``normal_forms``, when given, receives the normal forms
    (``predictions``, None where missing, and ``answers``)."""
    given = [prediction for prediction in predictions if prediction is not None]
    truths = [truth for truths_of in truth_lists for truth in truths_of]
    per_question = np.asarray([len(truths_of) for truths_of in truth_lists], dtype=np.int64)
    owner = np.repeat(np.arange(len(truth_lists)), per_question)
    normal = normalize_all(given + truths)
    distinct: Dict[str, int] = {}
    code = np.fromiter((distinct.setdefault(text, len(distinct)) for text in normal), dtype=np.int64,
                       count=len(normal))
    present = np.fromiter((prediction is not None for prediction in predictions), dtype=bool, count=len(predictions))
    prediction_code = np.full(len(predictions), -1, dtype=np.int64)
    prediction_code[present] = code[:len(given)]
    truth_code = code[len(given):]
    scored = prediction_code[owner] >= 0
    pairs, back = np.unique(np.stack([prediction_code[owner][scored], truth_code[scored]]), axis=1,
                            return_inverse=True)
    texts = list(distinct)
    left, right = pairs[0], pairs[1]
    num_same = _shared_tokens(left, right, texts).astype(np.float64)
    lengths = np.asarray([len(text.split()) for text in texts], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = 1.0 * num_same / lengths[left]
        recall = 1.0 * num_same / lengths[right]
        pair_f1 = np.where(num_same == 0, 0.0, (2 * precision * recall) / (precision + recall))
    truth_f1 = np.zeros(len(truths))
    truth_f1[scored] = pair_f1[back.reshape(-1)]
    truth_em = (prediction_code[owner] == truth_code).astype(np.float64)
    if normal_forms is not None:
        forms = iter(normal[:len(given)])
        normal_forms["predictions"] = [next(forms) if known else None for known in present]
        ends = np.cumsum(per_question).tolist()
        normal_forms["answers"] = [normal[len(given) + end - count:len(given) + end]
                                   for end, count in zip(ends, per_question.tolist())]
    return _max_per_question(truth_em, per_question), _max_per_question(truth_f1, per_question)


def _max_per_question(values: np.ndarray, per_question: np.ndarray) -> np.ndarray:
    """The maximum over each question's consecutive run of values (every run is non-empty)."""
    if not len(per_question):
        return np.zeros(0)
    return np.maximum.reduceat(values, np.cumsum(per_question) - per_question)
