"""Parity with the official scorers on all 25 cases of ../shared/data/expected.json.

Each case is scored through three doors: qascore.compute with SQuAD records (paired by
id), qascore.compute with plain lists (paired by position), and the qa_em_f1 evaluate
module. Expected figures: what the official script printed (see conftest.py).
"""

import evaluate
import pytest

import qascore

from conftest import assert_matches, case_options, load_json, official_cases, prediction_records, reference_records

CASES, CASE_IDS = official_cases()


def test_expected_json_has_all_25_cases():
    presets = [case["preset"] for case in CASES]
    assert len(CASES) == 25
    assert presets.count("squad") == 10 and presets.count("squad_v2") == 7
    assert presets.count("korquad") == 1 and presets.count("mlqa") == 7


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_records_match_official(case):
    results = qascore.compute(
        prediction_records(case), reference_records(case["data"]), preset=case["preset"], **case_options(case)
    )
    assert_matches(results, case["expected"])


def plain_lists(case):
    """The case as position-paired lists over the references, in data-file order.

    A question the system did not answer gets no list entry in the official files; here it
    gets the empty prediction, which scores 0 against its non-empty gold answers exactly as
    the official rule scores a missing prediction (asserted below).
    """
    predictions = load_json(case["predictions"])
    null_odds = load_json(case["no_answer_probability"]) if "no_answer_probability" in case else None
    references = reference_records(case["data"])
    texts, answers, scores = [], [], []
    for reference in references:
        id_ = reference["id"]
        if id_ not in predictions:
            assert reference["answers"]["text"], "a missing prediction must have gold answers to score 0 as ''"
        texts.append(predictions.get(id_, ""))
        answers.append(reference["answers"]["text"])
        if null_odds is not None:
            scores.append(null_odds[id_])
    return texts, answers, (scores if null_odds is not None else None)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_plain_lists_match_official(case):
    texts, answers, scores = plain_lists(case)
    options = {k: v for k, v in case_options(case).items() if k not in ("missing", "extra")}
    results = qascore.compute(texts, answers, no_answer_probabilities=scores, preset=case["preset"], **options)
    assert_matches(results, case["expected"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_evaluate_module_matches_official(case, metric_dir):
    metric = evaluate.load(metric_dir, case["preset"])
    results = metric.compute(
        predictions=prediction_records(case), references=reference_records(case["data"]), **case_options(case)
    )
    assert_matches(results, case["expected"])


@pytest.mark.parametrize("index", [0, 14, 17, 24], ids=[CASE_IDS[i] for i in (0, 14, 17, 24)])
def test_evaluate_module_batches_match_official(index, metric_dir):
    """Through evaluate's Arrow storage: batches of records, gathered and paired by id."""
    case = CASES[index]
    metric = evaluate.load(metric_dir, case["preset"])
    predictions = prediction_records(case)
    references = reference_records(case["data"])
    size = 997  # does not divide either length, so batches hold unequal numbers of each
    for start in range(0, max(len(predictions), len(references)), size):
        metric.add_batch(predictions=predictions[start:start + size], references=references[start:start + size])
    assert_matches(metric.compute(**case_options(case)), case["expected"])
