"""The shipped twin of the official scorers (qascore.scoring.reference) gives the official figures.

The tests check qascore's fast scorer against this twin (tests/core/test_core_scoring.py,
tests/core/test_core_best_threshold.py, tests/core/test_clients.py); this file anchors the twin itself to
what the official scripts printed for real systems (../shared/data/expected.json: evaluate-v1.1.py,
evaluate-v2.0.py with and without null odds, KorQuAD evaluate-v1.0.py, mlqa_evaluation_v1.py).
"""

import pytest

from qascore.normalize import get_normalizer
from qascore.scoring.reference import evaluate_v2, evaluate_v11, score_pairs

from conftest import assert_matches, load_json, official_cases

CASES, CASE_IDS = official_cases()


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_twin_prints_the_official_figures(case):
    dataset = load_json(case["data"])["data"]
    predictions = load_json(case["predictions"])
    if case["preset"] == "squad":
        results = evaluate_v11(dataset, predictions)
    elif case["preset"] == "squad_v2":
        null_odds = load_json(case["no_answer_probability"]) if "no_answer_probability" in case else None
        results = evaluate_v2(dataset, predictions, null_odds, case.get("no_answer_threshold", 1.0))
    else:  # KorQuAD and MLQA: v1.1's loop with their own normalisation and tokens
        normalizer = get_normalizer(case["preset"], language=case.get("language"))
        questions = [qa for article in dataset for paragraph in article["paragraphs"] for qa in paragraph["qas"]]
        exact, f1 = score_pairs([predictions.get(qa["id"]) for qa in questions],
                                [[answer["text"] for answer in qa["answers"]] for qa in questions], normalizer,
                                unanswerable=False)
        exact_total = f1_total = 0
        for exact_score, f1_score in zip(exact, f1):  # added one at a time, as the official loops do
            exact_total += exact_score
            f1_total += f1_score
        results = {"exact_match": 100.0 * exact_total / len(questions), "f1": 100.0 * f1_total / len(questions)}
    assert_matches(results, case["expected"])
