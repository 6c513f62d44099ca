"""The official scorers' rules written plainly, one pair at a time: the twin of the fast scorer.

qascore's scorer (:mod:`qascore.scoring.exact_f1`) numbers strings and counts token overlaps
with numpy. This module does the same thing the way ``evaluate-v1.1.py`` and
``evaluate-v2.0.py`` do it (a ``collections.Counter`` intersection per pair, Python floats, a
loop over the questions), in our own words. The tests check the fast scorer against it, bit for
bit, on every preset and normaliser, and check it against the figures the official scripts
printed (``../shared/data/expected.json``); the benchmarks use it as the official algorithm.

>>> normalize_answer("The  Denver Broncos!")
'denver broncos'
>>> f1_score("the Broncos", "Denver Broncos")
0.6666666666666666
>>> evaluate_v11([{"paragraphs": [{"qas": [{"id": "q1", "answers": [{"text": "1976"}]}]}]}], {"q1": "in 1976"})
{'exact_match': 0.0, 'f1': 66.66666666666666}
"""

from __future__ import annotations

import re
import string
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

__all__ = ["normalize_answer", "f1_score", "exact_match_score", "score_pairs", "evaluate_v11", "evaluate_v2",
           "find_best_thresh"]

_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower-case, drop ASCII punctuation and the articles a/an/the, collapse spaces.

    >>> normalize_answer("An  apple, a day.")
    'apple day'
    """
    without_punctuation = "".join(char for char in text.lower() if char not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", without_punctuation).split())


def f1_score(prediction: str, gold: str) -> float:
    """v1.1's token F1: 0 when nothing overlaps (so two empty answers score 0).

    >>> f1_score("a red car", "red cars")
    0.5
    """
    return _f1(normalize_answer(prediction).split(), normalize_answer(gold).split(), unanswerable=False)


def exact_match_score(prediction: str, gold: str) -> bool:
    """True when both answers normalise to the same string.

    >>> exact_match_score("The Broncos.", "broncos")
    True
    """
    return normalize_answer(prediction) == normalize_answer(gold)


def _f1(predicted: List[str], gold: List[str], *, unanswerable: bool) -> float:
    if unanswerable and (not predicted or not gold):  # v2.0: empty against empty is right
        return int(predicted == gold)
    same = sum((Counter(predicted) & Counter(gold)).values())
    if same == 0:
        return 0
    precision = 1.0 * same / len(predicted)
    recall = 1.0 * same / len(gold)
    return (2 * precision * recall) / (precision + recall)


def score_pairs(predictions: Sequence[Optional[str]], references: Sequence[Sequence[str]], normalizer=None, *,
                unanswerable: bool) -> Tuple[list, list]:
    """Per-question (exact, F1), each the best over the gold answers (0 without any, or without a prediction).

    ``normalizer`` is a :class:`qascore.normalize.Normalizer` (its ``normalize`` and ``tokenize``);
    None is SQuAD's rule above. ``unanswerable`` applies v2.0's rules: gold answers that
    normalise to nothing are dropped (``[""]`` if none is left), and empty against empty has F1 1.

    >>> score_pairs(["the", "Paris"], [["A"], ["Paris", "Rome"]], unanswerable=False)
    ([1, 1], [0, 1.0])
    >>> score_pairs(["the"], [["A"]], unanswerable=True)
    ([1], [1])
    """
    normalize = normalize_answer if normalizer is None else normalizer.normalize
    tokenize = str.split if normalizer is None else normalizer.tokenize
    exact_scores, f1_scores = [], []
    for prediction, golds in zip(predictions, references):
        if prediction is None:
            exact_scores.append(0)
            f1_scores.append(0)
            continue
        if unanswerable:
            golds = [gold for gold in golds if normalize(gold)] or [""]
        predicted = normalize(prediction)
        exact, f1 = [0], [0]
        for gold in golds:
            gold_text = normalize(gold)
            exact.append(int(predicted == gold_text))
            f1.append(_f1(tokenize(predicted), tokenize(gold_text), unanswerable=unanswerable))
        exact_scores.append(max(exact))
        f1_scores.append(max(f1))
    return exact_scores, f1_scores


def _questions(dataset: list):
    for article in dataset:
        for paragraph in article["paragraphs"]:
            yield from paragraph["qas"]


def evaluate_v11(dataset: list, predictions: Dict[str, str]) -> Dict[str, float]:
    """``evaluate-v1.1.py``: every question of the ``data`` list counts (a repeated one each time),
    a question without a prediction scores 0; percent.

    >>> evaluate_v11([{"paragraphs": [{"qas": [{"id": "a", "answers": [{"text": "x"}]}]}]}], {"a": "x"})
    {'exact_match': 100.0, 'f1': 100.0}
    """
    exact = f1 = total = 0
    for qa in _questions(dataset):
        total += 1
        if qa["id"] not in predictions:
            continue
        golds = [answer["text"] for answer in qa["answers"]]
        exact += max(exact_match_score(predictions[qa["id"]], gold) for gold in golds)
        f1 += max(f1_score(predictions[qa["id"]], gold) for gold in golds)
    return {"exact_match": 100.0 * exact / total, "f1": 100.0 * f1 / total}


def find_best_thresh(predictions: Dict[str, str], scores: Dict[str, float], na_probs: Dict[str, float],
                     has_answer: Dict[str, bool]) -> Tuple[float, float]:
    """v2.0's best threshold: walk the questions by no-answer score, a stable sort in ``na_probs``'
    own order (so tied scores keep it), keeping the first threshold that reaches the best score.

    >>> find_best_thresh({"q2": "Rome", "q1": "Paris"}, {"q1": 1, "q2": 0}, {"q2": 0.5, "q1": 0.5},
    ...                  {"q1": True, "q2": False})
    (50.0, 0.0)
    """
    current = best = sum(1 for question in has_answer if not has_answer[question])
    best_thresh = 0.0
    for question in sorted(na_probs, key=lambda key: na_probs[key]):
        if question not in scores:
            continue
        if has_answer[question]:
            current += scores[question]
        elif predictions[question]:
            current -= 1
        if current > best:
            best, best_thresh = current, na_probs[question]
    return 100.0 * best / len(scores), best_thresh


def evaluate_v2(dataset: list, predictions: Dict[str, str], na_probs: Optional[Dict[str, float]] = None,
                threshold: float = 1.0) -> Dict[str, float]:
    """``evaluate-v2.0.py``: exact, F1 and total, per HasAns/NoAns group when it has questions, and,
    with ``na_probs``, the best thresholds; a question without a prediction is left out, a repeated
    id counts once (the script keys everything by id).

    >>> data = [{"paragraphs": [{"qas": [{"id": "q1", "answers": []}, {"id": "q2", "answers": [{"text": "x"}]}]}]}]
    >>> evaluate_v2(data, {"q1": "", "q2": "x"})
    {'exact': 100.0, 'f1': 100.0, 'total': 2, 'HasAns_exact': 100.0, 'HasAns_f1': 100.0, 'HasAns_total': 1, 'NoAns_exact': 100.0, 'NoAns_f1': 100.0, 'NoAns_total': 1}
    """
    has_answer = {qa["id"]: bool(qa["answers"]) for qa in _questions(dataset)}
    exact_raw, f1_raw = {}, {}
    for qa in _questions(dataset):
        if qa["id"] in predictions:
            golds = [answer["text"] for answer in qa["answers"]]
            (exact,), (f1,) = score_pairs([predictions[qa["id"]]], [golds], unanswerable=True)
            exact_raw[qa["id"]], f1_raw[qa["id"]] = exact, f1
    abstains = {question: 0.0 for question in predictions} if na_probs is None else na_probs
    results: Dict[str, float] = {}
    groups = [("", list(exact_raw))]
    groups += [(prefix, [q for q in exact_raw if has_answer[q] == answerable])
               for prefix, answerable in (("HasAns_", True), ("NoAns_", False))]
    thresholded = {name: {q: float(not has_answer[q]) if abstains[q] > threshold else score
                          for q, score in raw.items()} for name, raw in (("exact", exact_raw), ("f1", f1_raw))}
    for prefix, questions in groups:
        if not questions:
            continue
        for name in ("exact", "f1"):
            results[f"{prefix}{name}"] = 100.0 * sum(thresholded[name][q] for q in questions) / len(questions)
        results[f"{prefix}total"] = len(questions)
    if na_probs is not None:
        for name, raw in (("exact", exact_raw), ("f1", f1_raw)):
            results[f"best_{name}"], results[f"best_{name}_thresh"] = find_best_thresh(predictions, raw, na_probs,
                                                                                   has_answer)
    return results
