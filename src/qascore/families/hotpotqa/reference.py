"""HotpotQA's official rules, written out plainly: the twin the fast scorer is tested against.

A restatement of ``hotpot_evaluate_v1.py`` (hotpotqa/hotpot at 3635853): one question at a
time, Counter overlaps and Python sets, exactly as the script walks them. :func:`evaluate`
takes the parsed predictions and gold files and returns the script's twelve figures.

>>> answer_metrics("Yes, it is", "yes")
(False, 0, 0, 0)
>>> facts_metrics([["Paris", 0], ["Paris", 0]], [["Paris", 0], ["Paris", 2]])
(0.0, 1.0, 0.5)
"""

from __future__ import annotations

import re
import string
from collections import Counter
from typing import Dict, List, Tuple

__all__ = ["normalize_answer", "answer_metrics", "facts_metrics", "evaluate", "FIGURES"]

FIGURES = ("em", "f1", "prec", "recall", "sp_em", "sp_f1", "sp_prec", "sp_recall",
           "joint_em", "joint_f1", "joint_prec", "joint_recall")
_GUARDED = ("yes", "no", "noanswer")
_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD v1.1's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(char for char in text.lower() if char not in _PUNCTUATION)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def _answer_f1(prediction: str, gold: str) -> Tuple[float, float, float]:
    predicted, wanted = normalize_answer(prediction), normalize_answer(gold)
    if predicted in _GUARDED and predicted != wanted:
        return 0, 0, 0
    if wanted in _GUARDED and predicted != wanted:
        return 0, 0, 0
    predicted_tokens, gold_tokens = predicted.split(), wanted.split()
    same = sum((Counter(predicted_tokens) & Counter(gold_tokens)).values())
    if same == 0:
        return 0, 0, 0
    precision = 1.0 * same / len(predicted_tokens)
    recall = 1.0 * same / len(gold_tokens)
    return (2 * precision * recall) / (precision + recall), precision, recall


def answer_metrics(prediction: str, gold: str):
    """``(em, f1, precision, recall)`` of one answer; yes/no/noanswer must match exactly."""
    return (normalize_answer(prediction) == normalize_answer(gold), *_answer_f1(prediction, gold))


def facts_metrics(prediction: List, gold: List) -> Tuple[float, float, float]:
    """``(em, precision, recall)`` of one question's supporting facts, compared as sets of tuples."""
    predicted, wanted = set(map(tuple, prediction)), set(map(tuple, gold))
    true_positives = sum(1 for fact in predicted if fact in wanted)
    false_positives = len(predicted) - true_positives
    false_negatives = sum(1 for fact in wanted if fact not in predicted)
    precision = 1.0 * true_positives / (true_positives + false_positives) if true_positives + false_positives else 0.0
    recall = 1.0 * true_positives / (true_positives + false_negatives) if true_positives + false_negatives else 0.0
    return (1.0 if false_positives + false_negatives == 0 else 0.0), precision, recall


def evaluate(prediction: Dict[str, dict], gold: List[dict]) -> Dict[str, float]:
    """The script's figures (fractions 0-1) for the parsed predictions and gold (dev) files."""
    totals = dict.fromkeys(FIGURES, 0)
    for record in gold:
        question_id = record["_id"]
        joint = True
        if question_id in prediction["answer"]:
            em, f1, precision, recall = answer_metrics(prediction["answer"][question_id], record["answer"])
            totals["em"] += em
            totals["f1"] += f1
            totals["prec"] += precision
            totals["recall"] += recall
        else:
            joint = False
        if question_id in prediction["sp"]:
            sp_em, sp_precision, sp_recall = facts_metrics(prediction["sp"][question_id], record["supporting_facts"])
            sp_f1 = 2 * sp_precision * sp_recall / (sp_precision + sp_recall) if sp_precision + sp_recall > 0 else 0.0
            totals["sp_em"] += sp_em
            totals["sp_f1"] += sp_f1
            totals["sp_prec"] += sp_precision
            totals["sp_recall"] += sp_recall
        else:
            joint = False
        if joint:
            joint_precision, joint_recall = precision * sp_precision, recall * sp_recall
            joint_f1 = (2 * joint_precision * joint_recall / (joint_precision + joint_recall)
                        if joint_precision + joint_recall > 0 else 0.0)
            totals["joint_em"] += em * sp_em
            totals["joint_f1"] += joint_f1
            totals["joint_prec"] += joint_precision
            totals["joint_recall"] += joint_recall
    return {name: total / len(gold) for name, total in totals.items()}
