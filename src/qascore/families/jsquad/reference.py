"""JGLUE's JSQuAD scoring, transcribed plainly: transformers 4.9.2's ``squad_metrics.py`` with
JGLUE's patch, as ``run_squad.py``'s ``evaluate()`` calls it (``squad_evaluate(examples,
predictions)``, no no-answer probabilities).

This twin of :mod:`qascore.families.jsquad.rules` works one question at a time with
``Counter``; the tests check the fast rules against it and the benchmark times it.

>>> squad_evaluate([("q1", ["東京タワー"]), ("q2", ["大阪"])], {"q1": "東京", "q2": "大阪。"})["f1"]
78.57142857142858
"""

from __future__ import annotations

import collections
from typing import Dict, List, Sequence, Tuple

__all__ = ["normalize_answer", "compute_exact", "compute_f1", "squad_evaluate"]


def normalize_answer(text: str) -> str:
    """Lower case, trailing 。 stripped, white space collapsed (punctuation is kept)."""
    return " ".join(text.lower().rstrip("。").split())


def compute_exact(gold: str, prediction: str) -> int:
    return int(normalize_answer(gold) == normalize_answer(prediction))


def compute_f1(gold: str, prediction: str) -> float:
    gold_chars = list(normalize_answer(gold))
    prediction_chars = list(normalize_answer(prediction))
    common = collections.Counter(gold_chars) & collections.Counter(prediction_chars)
    same = sum(common.values())
    if len(gold_chars) == 0 or len(prediction_chars) == 0:
        return int(gold_chars == prediction_chars)
    if same == 0:
        return 0
    precision = 1.0 * same / len(prediction_chars)
    recall = 1.0 * same / len(gold_chars)
    return (2 * precision * recall) / (precision + recall)


def _total(values) -> float:
    result = 0
    for value in values:
        result += value
    return result


def _eval_dict(exact: Dict[str, float], f1: Dict[str, float], ids: List[str]) -> dict:
    total = len(ids)
    return {"exact": 100.0 * _total(exact[k] for k in ids) / total, "f1": 100.0 * _total(f1[k] for k in ids) / total,
            "total": total}


def _best_threshold(predictions: Dict[str, str], scores: Dict[str, float], has_answer: Dict[str, bool]):
    score = best = sum(1 for k in has_answer if not has_answer[k])
    for question_id in predictions:  # every no-answer probability is 0.0: the predictions' order
        if question_id not in scores:
            continue
        if has_answer[question_id]:
            score += scores[question_id]
        elif predictions[question_id]:
            score += -1
        if score > best:
            best = score
    return 100.0 * best / len(scores), 0.0


def squad_evaluate(examples: Sequence[Tuple[str, List[str]]], predictions: Dict[str, str]) -> dict:
    """The figures for ``examples`` (id, gold answers) and ``{id: text}`` predictions.

    A question without a prediction makes the official breakdown fail (KeyError); so here.
    """
    has_answer = {question_id: bool(answers) for question_id, answers in examples}
    exact, f1 = {}, {}
    for question_id, answers in examples:
        golds = [answer for answer in answers if normalize_answer(answer)] or [""]
        if question_id not in predictions:
            continue
        exact[question_id] = max(compute_exact(gold, predictions[question_id]) for gold in golds)
        f1[question_id] = max(compute_f1(gold, predictions[question_id]) for gold in golds)
    results = _eval_dict(exact, f1, list(exact))
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        ids = [question_id for question_id, answered in has_answer.items() if answered == wanted]
        if ids:
            results.update({f"{prefix}_{key}": value for key, value in _eval_dict(exact, f1, ids).items()})
    for name, scores in (("exact", exact), ("f1", f1)):
        results[f"best_{name}"], results[f"best_{name}_thresh"] = _best_threshold(predictions, scores, has_answer)
    return results
