"""HotpotQA's per-question metrics, as ``hotpot_evaluate_v1.py`` computes them, on arrays.

Answers: SQuAD v1.1's normalisation and token F1 (:mod:`qascore.scoring.tokens` counts the
overlaps of all questions at once), with the script's guard: when the normalised prediction
or gold is ``yes``, ``no`` or ``noanswer`` and the two differ, F1, precision and recall are 0.
Supporting facts: sets of tuples, so repeats collapse and Python equality decides (a sentence
index ``1.0`` or ``true`` equals ``1``). Joint precision and recall are the products of the
answer's and the facts'; joint F1 is their F1; joint EM the product of the EMs. Every formula
is the script's, operation for operation, on float64 arrays.

>>> scores = score_questions(["Yes, it is", "Paris"], ["yes", "paris"], [[("P", 0)], None], [[("P", 0)], [("Q", 1)]])
>>> scores["em"].tolist(), scores["sp_em"].tolist(), scores["joint_em"].tolist()
([0.0, 1.0], [1.0, 0.0], [0.0, 0.0])
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np

from qascore.normalize import SquadNormalizer
from qascore.scoring.tokens import TokenTable

__all__ = ["score_questions", "answer_scores", "facts_scores"]

_GUARDED = ("yes", "no", "noanswer")


def _f1(precision: np.ndarray, recall: np.ndarray) -> np.ndarray:
    """``2 * p * r / (p + r)``, 0 where ``p + r`` is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)


def answer_scores(predictions: List[str], golds: List[str]) -> Dict[str, np.ndarray]:
    """``em``, ``f1``, ``prec`` and ``recall`` of each (prediction, gold answer) pair."""
    normalizer = SquadNormalizer()
    normalized = normalizer.normalize_many(list(predictions) + list(golds))
    table = TokenTable(normalized, normalizer.tokenize)
    predicted, gold = table.string_of_text[:len(predictions)], table.string_of_text[len(predictions):]
    exact = predicted == gold
    guarded_strings = np.array([string in _GUARDED for string in table.strings])
    guarded = (guarded_strings[predicted] | guarded_strings[gold]) & ~exact
    same = table.overlap(predicted, gold)
    open_pairs = (same > 0) & ~guarded
    precision, recall = np.zeros(len(predictions)), np.zeros(len(predictions))
    precision[open_pairs] = 1.0 * same[open_pairs] / table.lengths[predicted[open_pairs]]
    recall[open_pairs] = 1.0 * same[open_pairs] / table.lengths[gold[open_pairs]]
    f1 = np.zeros(len(predictions))
    f1[open_pairs] = (2 * precision[open_pairs] * recall[open_pairs]) / (precision[open_pairs] + recall[open_pairs])
    return {"em": exact.astype(np.float64), "f1": f1, "prec": precision, "recall": recall}


def facts_scores(predictions: List[list], golds: List[list]) -> Dict[str, np.ndarray]:
    """``sp_em``, ``sp_f1``, ``sp_prec`` and ``sp_recall`` of each (predicted, gold facts) pair."""
    count = len(predictions)
    predicted_sets = list(map(set, predictions))
    gold_sets = list(map(set, golds))
    true_positives = np.fromiter(map(len, map(set.intersection, predicted_sets, gold_sets)), dtype=np.int64,
                                 count=count)
    false_positives = np.fromiter(map(len, predicted_sets), dtype=np.int64, count=count) - true_positives
    false_negatives = np.fromiter(map(len, gold_sets), dtype=np.int64, count=count) - true_positives
    with np.errstate(divide="ignore", invalid="ignore"):
        predicted_total, gold_total = true_positives + false_positives, true_positives + false_negatives
        precision = np.where(predicted_total > 0, 1.0 * true_positives / predicted_total, 0.0)
        recall = np.where(gold_total > 0, 1.0 * true_positives / gold_total, 0.0)
    return {"sp_em": (false_positives + false_negatives == 0).astype(np.float64), "sp_f1": _f1(precision, recall),
            "sp_prec": precision, "sp_recall": recall}


def score_questions(answers: Sequence[Optional[str]], gold_answers: Sequence[str],
                    facts: Sequence[Optional[list]], gold_facts: Sequence[list]) -> Dict[str, np.ndarray]:
    """The twelve per-question metrics; an answer or facts prediction of None (missing) scores 0
    on its part and on the joint metrics. Facts are lists of hashable tuples."""
    count = len(gold_answers)
    has_answer = np.array([answer is not None for answer in answers], dtype=bool).reshape(-1)
    has_facts = np.array([fact is not None for fact in facts], dtype=bool).reshape(-1)
    scores = {name: np.zeros(count) for name in ("em", "f1", "prec", "recall", "sp_em", "sp_f1", "sp_prec",
                                                  "sp_recall")}
    answered, supported = np.flatnonzero(has_answer), np.flatnonzero(has_facts)
    for name, values in answer_scores([answers[i] for i in answered], [gold_answers[i] for i in answered]).items():
        scores[name][answered] = values
    for name, values in facts_scores([facts[i] for i in supported], [gold_facts[i] for i in supported]).items():
        scores[name][supported] = values
    both = has_answer & has_facts
    joint_precision = np.where(both, scores["prec"] * scores["sp_prec"], 0.0)
    joint_recall = np.where(both, scores["recall"] * scores["sp_recall"], 0.0)
    scores["joint_em"] = np.where(both, scores["em"] * scores["sp_em"], 0.0)
    scores["joint_f1"] = np.where(both, _f1(joint_precision, joint_recall), 0.0)
    scores["joint_prec"], scores["joint_recall"] = joint_precision, joint_recall
    return scores
