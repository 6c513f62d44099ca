"""DROP's EM and F1 per question, as ``drop_eval.py`` computes them, in bulk.

The script normalises the prediction again for every gold answer, builds a numpy matrix and
runs ``scipy.optimize.linear_sum_assignment`` even for one span against one span, and rounds
with numpy scalars, per pair. Here:

- every distinct span of the call is normalised once, all together (:func:`normalize_spans`):
  the spans are lower-cased and split into tokens in one pass, each distinct token is
  normalised once, and the normalised spans are joined back in one pass;
- pairs of one predicted span and one gold span (nearly all of them) are scored on arrays:
  the bag overlaps are set intersections mapped in C, the F1 arithmetic is the script's,
  operation for operation, on float64 arrays (so every value has the same bits);
- the assignment runs only when both sides have at least two spans; with one span on either
  side the optimal one-to-one alignment is simply the best pair;
- the rounding (``round(numpy.float64, 2)``: x100, round half to even, /100), the maximum
  over gold answers and each question's answer type are taken on arrays
  (:func:`best_per_question`).

>>> normalize_spans(["The 3,000-yard run", "-5 and $5"])
['3000.0 yard run', '5.0 and 5.0']
>>> exact, f1, types = score_questions([("3000 yards",)], [[(("3,000",), "number")]], ["number"])
>>> exact.tolist(), f1.tolist(), types
([0.0], [0.67], ['number'])
"""

from __future__ import annotations

import re
import string
from typing import List, Optional, Sequence, Tuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from qascore.normalize import ENGLISH_ARTICLES
from qascore.scoring.tokens import number_distinct

__all__ = ["normalize_spans", "score_questions", "best_per_question"]

_PUNCTUATION = str.maketrans("", "", string.punctuation)
_ALPHABETIC_NUMBERS = {"nan": "nan", "inf": "inf", "infinity": "inf"}  # what float() reads among letter-only words
_SEPARATOR = "\x01"  # between spans when they are normalised together; neither space, hyphen, cased nor a letter


def _is_number(text: str) -> bool:
    """True when Python's ``float`` reads ``text`` (so ``1e3``, ``nan``, ``٣`` and `` 5 `` are numbers)."""
    if text.isalpha():  # the usual word: a number only if float() spells it so
        return text in _ALPHABETIC_NUMBERS
    try:
        float(text)
    except ValueError:
        return False
    return True


_MAY_BE_NUMBER = re.compile(r"\d|nan|inf")  # float() reads no lower-case text without a digit, nan or inf


def normalize_token(token: str) -> str:
    """One lower-cased token as the script normalises it: ASCII punctuation out unless ``float``
    reads the token, ``str(float(...))`` if it then reads as a number, articles out, white space
    collapsed.

    >>> normalize_token("$5"), normalize_token("1e3"), normalize_token("the"), normalize_token("u.s.")
    ('5.0', '1000.0', '', 'us')
    """
    if token.isalpha():  # no punctuation, no inner word boundary: only articles and nan/inf change
        if token in ("a", "an", "the"):
            return ""
        return _ALPHABETIC_NUMBERS.get(token, token)
    if _MAY_BE_NUMBER.search(token) is None or not _is_number(token):
        token = token.translate(_PUNCTUATION)
        if _MAY_BE_NUMBER.search(token) is None:  # not a number now either
            if token.isalpha() or not token:
                return "" if token in ("a", "an", "the") else token
            return " ".join(ENGLISH_ARTICLES.sub(" ", token).split())
    if _is_number(token):
        token = str(float(token))
    return " ".join(ENGLISH_ARTICLES.sub(" ", token).split())


def normalize_spans(spans: List[str]) -> List[str]:
    """Each span normalised as ``drop_eval.py``'s ``_normalize_answer`` does.

    Tokens come from splitting at ASCII spaces and hyphens; lower-casing the joined text is
    the same as lower-casing each token (no token boundary is a cased or case-ignorable
    character), and each distinct token is normalised once.
    """
    joined = f" {_SEPARATOR} ".join(spans)
    if joined.count(_SEPARATOR) != max(len(spans) - 1, 0):  # a span holds the separator: one by one
        return [normalize_spans_one(span) for span in spans]
    tokens = joined.replace("-", " ").lower().split(" ")
    parts = {token: normalize_token(token) for token in dict.fromkeys(tokens)}
    parts[_SEPARATOR] = _SEPARATOR
    normalized = " ".join(filter(None, map(parts.__getitem__, tokens)))
    return [span.strip(" ") for span in normalized.split(_SEPARATOR)] if spans else []


def normalize_spans_one(span: str) -> str:
    """One span normalised on its own (the fallback of :func:`normalize_spans`)."""
    return " ".join(filter(None, map(normalize_token, span.replace("-", " ").lower().split(" "))))


def _bag_f1(shared: np.ndarray, predicted_size: np.ndarray, gold_size: np.ndarray) -> np.ndarray:
    """The script's bag F1 on arrays: precision 1 for an empty prediction, recall 1 for an empty gold."""
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted_size == 0, 1.0, shared / predicted_size.astype(np.float64))
        recall = np.where(gold_size == 0, 1.0, shared / gold_size.astype(np.float64))
        f1 = (2 * precision * recall) / (precision + recall)
    return np.where((precision == 0.0) & (recall == 0.0), 0.0, f1)


class _Spans:
    """The distinct spans of one call: normalised text id, bag of tokens, numbers among them."""

    def __init__(self, texts: List[str]):
        normalized = normalize_spans(texts)
        self.text_id, _ = number_distinct(normalized)
        self.bags = list(map(frozenset, map(str.split, normalized)))
        numbers = frozenset(word for word in frozenset(" ".join(normalized).split()) if _is_number(word))
        self.numbers = [bag & numbers for bag in self.bags] if numbers else [frozenset()] * len(self.bags)
        self.sizes = np.fromiter(map(len, self.bags), dtype=np.int64, count=len(self.bags))

    def pair_f1(self, predicted: np.ndarray, gold: np.ndarray) -> np.ndarray:
        """F1 of each (predicted span, gold span) pair, 0 where the gold holds numbers and the prediction none."""
        bags, numbers = self.bags, self.numbers
        predicted_list, gold_list = predicted.tolist(), gold.tolist()
        shared = np.fromiter(map(len, map(frozenset.intersection, map(bags.__getitem__, predicted_list),
                                          map(bags.__getitem__, gold_list))), dtype=np.int64, count=len(gold))
        gold_numbers = list(map(numbers.__getitem__, gold_list))
        numbers_missed = np.fromiter(
            (bool(wanted) and wanted.isdisjoint(given)
             for wanted, given in zip(gold_numbers, map(numbers.__getitem__, predicted_list))),
            dtype=bool, count=len(gold))
        f1 = _bag_f1(shared, self.sizes[predicted], self.sizes[gold])
        f1[numbers_missed] = 0.0
        return f1


def _aligned_f1(spans: _Spans, predicted: List[List[int]], gold: List[List[int]]) -> np.ndarray:
    """Per pair of span lists, the mean F1 over the optimal one-to-one alignment of their spans
    (unaligned spans count 0), unrounded. The F1 of every span pair is computed in one go."""
    predicted_counts = np.fromiter(map(len, predicted), dtype=np.int64, count=len(predicted))
    gold_counts = np.fromiter(map(len, gold), dtype=np.int64, count=len(gold))
    rows = [span for one, other in zip(predicted, gold) for span in one for _ in other]
    columns = [span for one, other in zip(predicted, gold) for _ in one for span in other]
    every_f1 = spans.pair_f1(np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64))
    sizes = predicted_counts * gold_counts
    starts = np.cumsum(sizes) - sizes
    widths = np.maximum(predicted_counts, gold_counts)
    aligned_f1 = np.zeros(len(predicted))
    nonempty = np.flatnonzero(sizes > 0)
    if len(nonempty):  # one span on either side: the best single pair is the optimal alignment
        best = np.zeros(len(predicted))
        best[nonempty] = np.maximum.reduceat(every_f1, starts[nonempty])
        simple = (sizes > 0) & (np.minimum(predicted_counts, gold_counts) == 1)
        aligned_f1[simple] = best[simple] / widths[simple]
    for index in np.flatnonzero(np.minimum(predicted_counts, gold_counts) > 1).tolist():
        scores = every_f1[starts[index]:starts[index] + sizes[index]].reshape(predicted_counts[index],
                                                                             gold_counts[index]).T
        chosen_rows, chosen_columns = linear_sum_assignment(-scores)  # rows: gold spans, as the script has them
        aligned = np.zeros(widths[index])
        aligned[chosen_rows] = scores[chosen_rows, chosen_columns]
        aligned_f1[index] = np.mean(aligned)
    return aligned_f1


def score_questions(
    predictions: Sequence[Optional[Tuple[str, ...]]],
    candidates: Sequence[Sequence[Tuple[Tuple[str, ...], str]]],
    unpredicted_types: Sequence[str],
) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """EM, F1 (float64 arrays) and answer type of each question.

    ``predictions[i]`` are question i's predicted spans (None: no prediction, scored 0 and
    counted under ``unpredicted_types[i]``); ``candidates[i]`` its gold answers as
    ``(strings, type)``, blank ones already left out.
    """
    texts: List[str] = []
    pairs: List[Tuple[int, int, int, int, int]] = []  # question, predicted start, count, gold start, count
    pair_types: List[str] = []
    for question, (predicted, golds) in enumerate(zip(predictions, candidates)):
        if predicted is None:
            continue
        start = len(texts)
        texts.extend(predicted)
        for strings, answer_type in golds:
            pairs.append((question, start, len(predicted), len(texts), len(strings)))
            texts.extend(strings)
            pair_types.append(answer_type)
    text_of_position, distinct = number_distinct(texts)
    spans = _Spans(distinct)
    layout = np.array(pairs, dtype=np.int64).reshape(-1, 5)
    question_of_pair, predicted_start, predicted_count, gold_start, gold_count = layout.T
    single = (predicted_count == 1) & (gold_count == 1)
    exact = np.zeros(len(pairs))
    raw_f1 = np.zeros(len(pairs))
    one_predicted, one_gold = text_of_position[predicted_start[single]], text_of_position[gold_start[single]]
    exact[single] = spans.text_id[one_predicted] == spans.text_id[one_gold]
    raw_f1[single] = spans.pair_f1(one_predicted, one_gold)
    several = np.flatnonzero(~single)
    positions = text_of_position.tolist()
    predicted_lists = [positions[start:start + size] for start, size in
                       zip(predicted_start[several].tolist(), predicted_count[several].tolist())]
    gold_lists = [positions[start:start + size] for start, size in
                  zip(gold_start[several].tolist(), gold_count[several].tolist())]
    text_ids = spans.text_id.tolist()
    exact[several] = [len(one) == len(other) and {text_ids[span] for span in one} == {text_ids[span] for span in other}
                      for one, other in zip(predicted_lists, gold_lists)]
    raw_f1[several] = _aligned_f1(spans, predicted_lists, gold_lists)
    return best_per_question(len(predictions), question_of_pair, exact, raw_f1, pair_types, unpredicted_types)


def best_per_question(count: int, question_of_pair: np.ndarray, exact: np.ndarray, raw_f1: np.ndarray,
                      pair_types: List[str], unpredicted_types: Sequence[str]):
    """Per question the maximum EM and rounded F1 over its pairs, and its type: that of the last
    pair whose EM and F1 both equal the running maxima (the script's ``max_type``).

    ``raw_f1`` is each pair's unrounded F1, rounded here as ``round(numpy.float64(f1), 2)``
    rounds it. ``question_of_pair`` is sorted. Questions without pairs score 0 under
    ``unpredicted_types``.

    >>> exact, f1, types = best_per_question(2, np.array([0, 0]), np.array([1.0, 0.0]), np.array([0.5, 0.805]),
    ...                                      ["number", "span"], ["number", "date"])
    >>> exact.tolist(), f1.tolist(), types
    ([1.0, 0.0], [0.8, 0.0], ['number', 'date'])
    """
    best_exact, best_f1 = np.zeros(count), np.zeros(count)
    types = list(unpredicted_types)
    if not len(question_of_pair):
        return best_exact, best_f1, types
    hundredths = np.rint(raw_f1 * 100)  # numpy's round(x, 2) is rint(x * 100) / 100
    # running maxima within each question, on integers (exact): an offset per question keeps questions apart
    exact_key = exact + 2.0 * question_of_pair
    f1_key = hundredths + 200.0 * question_of_pair
    running_exact, running_f1 = np.maximum.accumulate(exact_key), np.maximum.accumulate(f1_key)
    starts = np.flatnonzero(np.r_[True, question_of_pair[1:] != question_of_pair[:-1]])
    ends = np.r_[starts[1:], len(question_of_pair)] - 1
    best_exact[question_of_pair[starts]] = running_exact[ends] - 2.0 * question_of_pair[ends]
    best_f1[question_of_pair[starts]] = (running_f1[ends] - 200.0 * question_of_pair[ends]) / 100
    sets_type = np.flatnonzero((exact_key == running_exact) & (f1_key == running_f1))
    last = sets_type[np.r_[question_of_pair[sets_type][1:] != question_of_pair[sets_type][:-1], True]]
    for pair in last.tolist():
        types[question_of_pair[pair]] = pair_types[pair]
    return best_exact, best_f1, types
