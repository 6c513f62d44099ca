"""``mrqa_official_eval.py``'s rules, transcribed plainly: one question at a time.

The twin of :mod:`qascore.families.mrqa.rules`; the tests check the fast rules against it and
the benchmark times it.

>>> evaluate({"q1": ["Denver Broncos"], "q2": ["Paris"]}, {"q1": "the Broncos"})
{'exact_match': 0.0, 'f1': 33.33333333333333}
>>> evaluate({"q1": ["Denver Broncos"], "q2": ["Paris"]}, {"q1": "the Broncos"}, skip_no_answer=True)
{'exact_match': 0.0, 'f1': 66.66666666666666}
"""

from __future__ import annotations

from typing import Dict, List

# mrqa_official_eval.py's normalisation, F1 and exact match are SQuAD v1.1's, word for word.
from qascore.scoring.reference import exact_match_score, f1_score, normalize_answer

__all__ = ["normalize_answer", "f1_score", "exact_match_score", "evaluate"]


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
