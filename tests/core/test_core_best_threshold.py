"""squad_v2's best thresholds follow the official script's order, ties included, on every interface.

``evaluate-v2.0.py``'s ``find_best_thresh`` walks ``sorted(na_probs, key=na_probs.get)``: a stable
sort of the no-answer scores in the order the predictions (or the ``--na-prob-file`` keys) come,
so with tied scores ``best_exact``/``best_f1`` and their thresholds depend on that order.
``official_v2`` below runs the shipped plain twin of that script
(:func:`qascore.scoring.reference.evaluate_v2`: raw scores, the threshold, the aggregates and the
best-threshold walk); every interface must give its numbers for any order of predictions and references.
"""

import json

import evaluate
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qascore
from qascore.files.score import score_files

from helpers_official import official_v2

# ---------------------------------------------------------------- the official rules


def assert_official(results, expected):
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, abs=1e-9), f"{key}: got {results[key]!r}, official {value!r}"


# ---------------------------------------------------------------- data with heavy ties

WORDS = ["Paris", "Rome", "the Paris", "a", "Lyon city", ""]
TIED_SCORES = [0.0, 0.0, 0.0, 0.5, 0.5, -1.0, 2.0]


@st.composite
def tied_v2(draw):
    """squad_v2 records with few distinct no-answer scores, predictions and references each shuffled."""
    size = draw(st.integers(1, 10))
    gold = [(f"q{i}", draw(st.lists(st.sampled_from(WORDS[:-1]), max_size=2))) for i in range(size)]
    predictions = [(qid, draw(st.sampled_from(WORDS)), draw(st.sampled_from(TIED_SCORES))) for qid, _ in gold]
    predictions = draw(st.permutations(predictions))
    gold_in_order = draw(st.permutations(gold))
    return gold_in_order, predictions


def records(gold, predictions):
    prediction_records = [{"id": qid, "prediction_text": text, "no_answer_probability": score}
                          for qid, text, score in predictions]
    reference_records = [{"id": qid, "answers": {"text": answers, "answer_start": [0] * len(answers)}}
                         for qid, answers in gold]
    return prediction_records, reference_records


def expected_for(gold, predictions, threshold=1.0):
    return official_v2(gold, {qid: text for qid, text, _ in predictions},
                       {qid: score for qid, _, score in predictions}, threshold)


def test_the_issue_example_follows_the_prediction_order():
    gold = [("q1", ["Paris"]), ("q2", []), ("q3", [])]
    predictions = [("q2", "Rome", 0.5), ("q1", "Paris", 0.5), ("q3", "", 0.9)]
    results = qascore.compute(*records(gold, predictions), preset="squad_v2")
    assert results["best_exact"] == pytest.approx(200 / 3) and results["best_exact_thresh"] == 0.0
    assert_official(results, expected_for(gold, predictions))


def test_every_score_tied_as_run_qa_passes_them():
    """run_qa.py and many compute_metrics pass no_answer_probability 0.0 for every prediction."""
    gold = [("q1", []), ("q2", ["Rome"]), ("q3", ["Paris"]), ("q4", [])]
    for predictions in ([("q1", "x", 0.0), ("q2", "Rome", 0.0), ("q3", "Paris", 0.0), ("q4", "", 0.0)],
                        [("q3", "Paris", 0.0), ("q2", "Rome", 0.0), ("q1", "x", 0.0), ("q4", "", 0.0)]):
        assert_official(qascore.compute(*records(gold, predictions), preset="squad_v2"),
                        expected_for(gold, predictions))


@settings(max_examples=300, deadline=None)
@given(tied_v2(), st.sampled_from([1.0, 0.5, 0.0]))
def test_records_in_any_order_give_the_official_figures(example, threshold):
    gold, predictions = example
    results = qascore.compute(*records(gold, predictions), preset="squad_v2", no_answer_threshold=threshold)
    assert_official(results, expected_for(gold, predictions, threshold))


@settings(max_examples=150, deadline=None)
@given(tied_v2())
def test_plain_lists_walk_ties_in_position_order(example):
    gold, predictions = example
    answers = dict(gold)
    paired_gold = [(qid, answers[qid]) for qid, _, _ in predictions]  # plain lists are paired by position
    results = qascore.compute([text for _, text, _ in predictions], [answers for _, answers in paired_gold],
                              no_answer_probabilities=[score for _, _, score in predictions], preset="squad_v2")
    assert_official(results, expected_for(paired_gold, predictions))


@settings(max_examples=150, deadline=None)
@given(tied_v2(), st.integers(1, 4))
def test_record_batches_of_a_scorer_keep_the_prediction_order(example, batch_size):
    gold, predictions = example
    prediction_records, reference_records = records(gold, predictions)
    scorer = qascore.QAScorer(preset="squad_v2")
    for start in range(0, max(len(prediction_records), len(reference_records)), batch_size):
        scorer.add_batch(predictions=prediction_records[start:start + batch_size],
                         references=reference_records[start:start + batch_size])
    assert_official(scorer.compute(), expected_for(gold, predictions))


@pytest.fixture(scope="module")
def v2_module(metric_dir):
    return evaluate.load(metric_dir, "squad_v2")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tied_v2(), st.integers(1, 4))
def test_evaluate_arrow_path_keeps_the_prediction_order(v2_module, example, batch_size):
    gold, predictions = example
    prediction_records, reference_records = records(gold, predictions)
    for start in range(0, len(prediction_records), batch_size):
        v2_module.add_batch(predictions=prediction_records[start:start + batch_size],
                            references=reference_records[start:start + batch_size])
    assert_official(v2_module.compute(), expected_for(gold, predictions))


def _tied_example(seed, size=40):
    import random

    rng = random.Random(seed)
    gold = [(f"q{i}", rng.choice([[], ["Paris"], ["Rome", "Lyon city"]])) for i in range(size)]
    predictions = [(qid, rng.choice(WORDS), rng.choice(TIED_SCORES)) for qid, _ in gold]
    rng.shuffle(predictions)
    rng.shuffle(gold)
    return gold, predictions


@pytest.mark.parametrize("seed", [0, 1])
def test_several_processes_keep_the_prediction_order(seed):
    gold, predictions = _tied_example(seed)
    assert_official(qascore.compute(*records(gold, predictions), preset="squad_v2", num_proc=2),
                    expected_for(gold, predictions))


@pytest.mark.parametrize("seed", [0, 3])
def test_files_walk_ties_in_the_na_prob_file_order(tmp_path, seed):
    """`qascore score --na-prob-file`: the official script walks that file's keys in their order."""
    gold, predictions = _tied_example(seed, size=60)
    document = {"version": "v2.0", "data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [
        {"id": qid, "question": "?", "answers": [{"text": a, "answer_start": 0} for a in answers],
         "is_impossible": not answers} for qid, answers in gold]}]}]}
    (tmp_path / "data.json").write_text(json.dumps(document))
    texts = {qid: text for qid, text, _ in sorted(predictions)}  # predictions in another order again
    (tmp_path / "predictions.json").write_text(json.dumps(texts))
    (tmp_path / "na_prob.json").write_text(json.dumps({qid: score for qid, _, score in predictions}))
    scored = score_files(tmp_path / "data.json", tmp_path / "predictions.json", preset="squad_v2",
                         no_answer_file=tmp_path / "na_prob.json")
    assert_official(scored["results"], official_v2(gold, texts, {qid: score for qid, _, score in predictions}))
