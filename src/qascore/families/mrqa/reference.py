"""``mrqa_official_eval.py``'s rules, transcribed plainly: one question at a time with ``Counter``.

The twin of :mod:`qascore.families.mrqa.rules`; the tests check the fast rules against it and
the benchmark times it.

>>> evaluate({"q1": ["Denver Broncos"], "q2": ["Paris"]}, {"q1": "the Broncos"})
{'exact_match': 0.0, 'f1': 33.33333333333333}
>>> evaluate({"q1": ["Denver Broncos"], "q2": ["Paris"]}, {"q1": "the Broncos"}, skip_no_answer=True)
{'exact_match': 0.0, 'f1': 66.66666666666666}
"""

from __future__ import annotations

import collections
import re
import string
from typing import Dict, List

__all__ = ["normalize_answer", "f1_score", "exact_match_score", "evaluate"]

_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower case, ASCII punctuation and English articles removed, white space collapsed."""
    text = "".join(char for char in text.lower() if char not in _PUNCTUATION)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())


def f1_score(prediction: str, gold: str) -> float:
    prediction_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    same = sum((collections.Counter(prediction_tokens) & collections.Counter(gold_tokens)).values())
    if same == 0:
        return 0
    precision = 1.0 * same / len(prediction_tokens)
    recall = 1.0 * same / len(gold_tokens)
    return (2 * precision * recall) / (precision + recall)


def exact_match_score(prediction: str, gold: str) -> bool:
    return normalize_answer(prediction) == normalize_answer(gold)


def evaluate(answers: Dict[str, List[str]], predictions: Dict[str, str], skip_no_answer: bool = False) -> dict:
    """``{qid: gold answers}`` and ``{qid: text}`` to the script's figures (percentages)."""
    f1 = exact_match = total = 0
    for question_id, golds in answers.items():
        if question_id not in predictions:
            if not skip_no_answer:
                total += 1
            continue
        total += 1
        prediction = predictions[question_id]
        exact_match += max(exact_match_score(prediction, gold) for gold in golds)
        f1 += max(f1_score(prediction, gold) for gold in golds)
    return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}
