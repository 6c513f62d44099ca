"""The lenient rules of :mod:`qascore.scoring.lenient`, written plainly: one question, one gold at a time.

This twin is slow and obviously follows the rules as stated; the tests check that the fast
scorer gives the same numbers on generated inputs, and the benchmark times one against the
other.

>>> from qascore.normalize import SquadNormalizer
>>> lenient_reference(["the 24th season"], [["twenty-fourth season"]], SquadNormalizer())["lenient_match"]
[1.0]
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Dict, List, Optional, Sequence

from qascore.normalize import Normalizer
from qascore.scoring.lenient import LENIENT_METRICS, MATCH_THRESHOLD, MONTHS, NUMBER_WORDS, read_number_words

__all__ = ["lenient_reference", "loose_normalize"]

_DASHES = "-/\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DAY = re.compile(r"[1-9]|[12][0-9]|3[01]")
_ORDINAL_DIGITS = re.compile(r"([0-9]+)(st|nd|rd|th)")


def loose_normalize(text: str, normalizer: Normalizer) -> str:
    """One text after the loose rules, step by step.

    >>> from qascore.normalize import SquadNormalizer
    >>> loose_normalize("May twenty-first, 1970", SquadNormalizer())
    '21 may 1970'
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = "".join(" " if char in _DASHES else char for char in text)
    text = re.sub(r"(?<=\w)['\u2019]s\b", "", text)
    words = normalizer.normalize(text).split(" ")
    spelled: List[str] = []
    index = 0
    while index < len(words):
        if words[index] in NUMBER_WORDS:
            run_end = index
            while run_end < len(words) and words[run_end] in NUMBER_WORDS:
                run_end += 1
            spelled.extend(str(number) for number in read_number_words(words[index:run_end]))
            index = run_end
            continue
        ordinal = _ORDINAL_DIGITS.fullmatch(words[index])
        spelled.append(ordinal.group(1) if ordinal else words[index])
        index += 1
    dated: List[str] = []
    index = 0
    while index < len(spelled):
        if spelled[index] in MONTHS and index + 1 < len(spelled) and _DAY.fullmatch(spelled[index + 1]):
            dated += [spelled[index + 1], spelled[index]]
            index += 2
        else:
            dated.append(spelled[index])
            index += 1
    return " ".join(dated)


def _f1(prediction: List[str], gold: List[str]) -> float:
    same = sum((Counter(prediction) & Counter(gold)).values())
    if same == 0:
        return 0.0
    precision, recall = 1.0 * same / len(prediction), 1.0 * same / len(gold)
    return (2 * precision * recall) / (precision + recall)


def _numbers(tokens: List[str]) -> set:
    return {token for token in tokens if token.isascii() and token.isdigit()}


def _metric(name: str, prediction: str, gold: str, normalizer: Normalizer) -> float:
    """Metric ``name`` of one prediction against one gold answer."""
    normalized_prediction, normalized_gold = normalizer.normalize(prediction), normalizer.normalize(gold)
    tokens, gold_tokens = normalizer.tokenize(normalized_prediction), normalizer.tokenize(normalized_gold)
    if normalized_prediction == normalized_gold:
        return 1.0
    if not gold_tokens:
        return float(not tokens)
    size = len(gold_tokens)
    if name == "contains":
        return float(any(tokens[start:start + size] == gold_tokens for start in range(len(tokens) - size + 1)))
    if name == "prefix_exact_match":
        return float(tokens[:size] == gold_tokens)
    if name == "suffix_exact_match":
        return float(len(tokens) >= size and tokens[len(tokens) - size:] == gold_tokens)
    if name == "token_recall":
        return sum((Counter(tokens) & Counter(gold_tokens)).values()) / size
    loose_prediction, loose_gold = loose_normalize(prediction, normalizer), loose_normalize(gold, normalizer)
    loose_tokens, loose_gold_tokens = normalizer.tokenize(loose_prediction), normalizer.tokenize(loose_gold)
    if loose_prediction == loose_gold and loose_gold_tokens:
        return 1.0
    if name == "loose_exact_match":
        return 0.0
    return float(_f1(loose_tokens, loose_gold_tokens) >= MATCH_THRESHOLD
                 and _numbers(loose_tokens) <= _numbers(loose_gold_tokens))


def lenient_reference(
    predictions: Sequence[Optional[str]],
    references: Sequence[Sequence[str]],
    normalizer: Normalizer,
    *,
    metrics: Sequence[str] = LENIENT_METRICS,
    unanswerable: bool = False,
) -> Dict[str, List[float]]:
    """Each metric per question: the best over the question's gold answers (see the fast twin)."""
    results: Dict[str, List[float]] = {name: [] for name in metrics}
    for prediction, golds in zip(predictions, references):
        if unanswerable:
            golds = [gold for gold in golds if normalizer.tokenize(normalizer.normalize(gold))]
        for name in metrics:
            if prediction is None:
                score = 0.0
            elif not golds:  # unanswerable: only a prediction without tokens is right
                score = float(not normalizer.tokenize(normalizer.normalize(prediction)))
            else:
                score = max(_metric(name, prediction, gold, normalizer) for gold in golds)
            results[name].append(score)
    return results
