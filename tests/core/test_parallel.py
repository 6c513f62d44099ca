"""qascore.compute(..., num_proc=N) gives exactly the single-process numbers, on real predictions.

Expected values are not typed in: each case compares against qascore.compute with one
process on the same input (whose own figures are checked against the official scorers in
test_core_parity.py).
"""

import pytest

import qascore

from conftest import case_options, official_cases, prediction_records, reference_records

CASES = official_cases()[0]
LOGISTIC_REGRESSION = CASES[3]  # 28 ids dev lacks, 13 dev ids missing: exercises missing= and extra=
XLNET_NULL_ODDS = CASES[14]  # squad_v2 with no-answer logits


def test_cases_are_the_ones_named():
    assert "logistic-regression" in LOGISTIC_REGRESSION["predictions"]
    assert "null_odds" in XLNET_NULL_ODDS["no_answer_probability"]


@pytest.mark.parametrize("num_proc", [2, 3])
def test_plain_lists_match_one_process_exactly(num_proc):
    answers = {record["id"]: record["prediction_text"] for record in prediction_records(LOGISTIC_REGRESSION)}
    references = reference_records(LOGISTIC_REGRESSION["data"])
    texts = [answers.get(reference["id"], "") for reference in references]
    golds = [reference["answers"]["text"] for reference in references]
    expected = qascore.compute(texts, golds, return_per_example=True)
    assert qascore.compute(texts, golds, num_proc=num_proc, return_per_example=True) == expected


@pytest.mark.parametrize("preset, language", [("squad", None), ("korquad", None), ("mlqa", "en")])
def test_records_match_one_process_exactly(preset, language):
    options = dict(case_options(LOGISTIC_REGRESSION), preset=preset, return_per_example=True)
    if language:
        options["language"] = language
    args = (prediction_records(LOGISTIC_REGRESSION), reference_records(LOGISTIC_REGRESSION["data"]))
    assert qascore.compute(*args, num_proc=2, **options) == qascore.compute(*args, **options)


def test_squad_v2_with_scores_inputs_and_intervals_match_one_process_exactly():
    references = reference_records(XLNET_NULL_ODDS["data"])
    inputs = [f"Question {i}: what?" for i in range(len(references))]
    predictions = prediction_records(XLNET_NULL_ODDS)
    options = dict(case_options(XLNET_NULL_ODDS), preset="squad_v2", confidence_level=0.9, n_resamples=200)
    by_id = {record["id"]: record for record in predictions}
    aligned = [by_id[reference["id"]] for reference in references]
    two = qascore.compute(aligned, references, inputs=inputs, num_proc=2, **options)
    assert two == qascore.compute(aligned, references, inputs=inputs, **options)
    assert abs(two["exact"] - XLNET_NULL_ODDS["expected"]["exact"]) <= 1e-9


def test_errors_name_their_position_in_the_whole_input():
    # each worker checks its own slice; the parent then re-checks everything to report the true position
    with pytest.raises(ValueError, match=r"2 questions have no gold answer \(references\[2\], references\[3\]\)"):
        qascore.compute(["a", "b", "c", "d"], [["a"], ["b"], [], []], num_proc=2)
    with pytest.raises(TypeError, match=r"predictions\[3\] must be a string"):
        qascore.compute(["a", "b", "c", 4], [["a"], ["b"], ["c"], ["d"]], num_proc=2)


@pytest.mark.parametrize("predictions, references, inputs, message", [
    (["a", "b", "c"], [["a"], ["b"]], None, "Got 3 predictions but 2 references"),
    (["a", "b"], [["a"], ["b"], ["c"]], None, "Got 2 predictions but 3 references"),
    (["a", "b", "c", "d"], [["a"], ["b"], ["c"], ["d"]], ["q"] * 3, "Got 3 inputs for 4 predictions"),
    (["a", "b", "c", "d"], [["a"], ["b"], ["c"], ["d"]], ["q"] * 5, "Got 5 inputs for 4 predictions"),
])
def test_columns_of_different_lengths_are_refused_not_cut(predictions, references, inputs, message):
    with pytest.raises(ValueError, match=message):
        qascore.compute(predictions, references, inputs=inputs, num_proc=2)


@pytest.mark.parametrize("num_proc", [0, 1.5, True])
def test_bad_num_proc(num_proc):
    with pytest.raises(ValueError, match="num_proc must be an integer >= 1"):
        qascore.compute(["a"], [["a"]], num_proc=num_proc)


def test_num_proc_is_not_part_of_the_signature():
    with pytest.raises(TypeError, match="Unknown option 'num_proc'"):
        qascore.signature(num_proc=2)


def test_paired_examples_without_a_prediction_need_missing_zero():
    from qascore.api import compute_paired
    from qascore.records import Examples

    examples = Examples(predictions=["Paris", None], references=[["Paris"], ["Rome"]], ids=["q1", "q2"])
    with pytest.raises(ValueError, match=r"1 questions have no prediction \(None\).*missing='zero'"):
        compute_paired(examples)
    assert compute_paired(examples, missing="zero", num_proc=2) == {"exact_match": 50.0, "f1": 50.0}
