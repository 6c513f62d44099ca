"""The drop preset against DROP's official drop_eval.py.

Golden values: every figure comes from ../shared/data/expected_rc.json (the official script's
own figures for each case, at full precision; ../shared/data/drop/README.md says how they
were made). The fast rules are checked against the plain twin
(qascore.families.drop.reference) on generated inputs that hit the rules' subtleties.
"""

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qascore
from qascore.families.drop import reference
from qascore.files.score import score_files

from conftest import SHARED_DATA, assert_matches, load_json


def drop_cases():
    return [case for case in load_json("expected_rc.json") if case["preset"] == "drop"]


def plain_inputs(case):
    """The case's files as compute()'s plain lists: predictions by position (None: missing), answer-object lists."""
    data, predicted = load_json(case["data"]), load_json(case["predictions"])
    pairs = [qa for passage in data.values() for qa in passage["qa_pairs"]]
    references = [[qa["answer"], *qa.get("validated_answers", [])] for qa in pairs]
    return [predicted.get(qa["query_id"]) for qa in pairs], references


@pytest.mark.parametrize("case", drop_cases(), ids=lambda case: case["predictions"].split("/")[-1])
def test_every_case_matches_the_official_figures(case):
    predictions, references = plain_inputs(case)
    results = qascore.compute(predictions, references, preset="drop", missing="zero")
    assert_matches(results, case["expected"])
    assert set(results) == set(case["expected"])  # the per-type keys the script prints, no others
    from_files = score_files(SHARED_DATA / case["data"], SHARED_DATA / case["predictions"], preset="drop")
    assert from_files["results"] == results
    assert from_files["counts"]["missing"] == case.get("missing_lines", 0)


def test_the_twin_matches_the_official_figures():
    for case in drop_cases():
        assert_matches(reference.evaluate(load_json(case["data"]), load_json(case["predictions"])), case["expected"])


# ---------------------------------------------------------------- the fast rules against the twin

WORDS = ["the", "A", "an", "3", "3.0", "03", "+3", "-3", "3,000", "$5", "50%", "1/2", "1e3", "5E0", "1_000", "nan",
         "NaN", "inf", "Infinity", "３", "٣", "yard", "38-yard", "Paris", "paris", "u.s.", "'", "...", "x\tthe",
         "5\tthe", "in'finity", "\u0130", "ΟΔΟΣ", "", " ", "-", "--"]
span = st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join) | st.text(max_size=8)
spans = st.lists(span, min_size=1, max_size=3)
answer = st.one_of(
    st.builds(lambda number: {"number": number, "spans": [], "date": {}}, st.sampled_from(["3", "3000", "0", "1.5"])),
    st.builds(lambda values: {"number": "", "spans": values, "date": {"day": "", "month": "", "year": ""}}, spans),
    st.builds(lambda day, month, year: {"number": "", "spans": [], "date": {"day": day, "month": month, "year": year}},
              st.sampled_from(["", "7"]), st.sampled_from(["", "February"]), st.sampled_from(["", "2016", "1990"])),
)
question = st.tuples(st.one_of(st.none(), span, st.lists(span, max_size=3)), st.lists(answer, min_size=1, max_size=3))


def _twin(questions):
    """The twin's figures for questions given as (prediction or None, [answer, validated answers...])."""
    data = {"p": {"qa_pairs": [{"query_id": str(number), "answer": answers[0], "validated_answers": answers[1:]}
                               for number, (_, answers) in enumerate(questions)]}}
    predictions = {str(number): predicted for number, (predicted, _) in enumerate(questions) if predicted is not None}
    return reference.evaluate(data, predictions)


@settings(max_examples=300, deadline=None)
@given(st.lists(question, min_size=1, max_size=8))
def test_fast_rules_equal_the_twin(questions):
    """Numbers as floats, hyphens, punctuation, articles, span sets, alignment, rounding, types, blank golds."""
    predicted = [prediction for prediction, _ in questions]
    golds = [answers for _, answers in questions]
    blank = [all(not reference.answer_strings(one)[0][0].strip() for one in answers) for answers in golds]
    if any(is_blank and prediction is not None for is_blank, prediction in zip(blank, predicted)):
        with pytest.raises(ValueError, match="every gold answer is blank"):
            qascore.compute(predicted, golds, preset="drop", missing="zero")
        return
    results = qascore.compute(predicted, golds, preset="drop", missing="zero")
    assert results == _twin(questions)


@settings(max_examples=300, deadline=None)
@given(st.lists(span, min_size=1, max_size=4), st.lists(span, min_size=1, max_size=4))
def test_pair_metrics_equal_the_twin(predicted, gold):
    """get_metrics for one prediction against one gold, through compute."""
    exact, f1 = reference.get_metrics(predicted, gold)
    if not gold[0].strip():
        return  # a blank gold is skipped by the script
    results = qascore.compute([predicted], [{"spans": gold}], preset="drop", return_per_example=True)
    assert results["per_example"]["global_em"] == [exact]
    assert results["per_example"]["global_f1"] == [f1]


def test_numpy_rounding_and_the_number_gate():
    """round(np.float64, 2) rounds half to even at x100 (0.225 -> 0.22); a missing gold number forces 0."""
    assert qascore.compute(["3 yards run"], [{"spans": ["3 yards"]}], preset="drop")["global_f1"] == 0.8
    assert qascore.compute(["4 yards"], [{"spans": ["3 yards"]}], preset="drop")["global_f1"] == 0.0
    assert qascore.compute(["-5"], [{"number": "5"}], preset="drop")["global_em"] == 1.0
    assert np.round(0.225, 2) == 0.22


def test_bad_inputs_are_refused_where_they_enter():
    with pytest.raises(ValueError, match="has key 'numbr'"):
        qascore.compute(["3"], [{"numbr": "3"}], preset="drop")
    with pytest.raises(ValueError, match=r"references\[0\]\['validated_answers'\]\[0\] has no number"):
        qascore.compute(["3"], [{"query_id": "q", "answer": {"number": "3"}, "validated_answers": [{}]}], preset="drop")
    with pytest.raises(TypeError, match=r"predictions\[0\] must be a string or a list of strings"):
        qascore.compute([3], [{"number": "3"}], preset="drop")
    with pytest.raises(ValueError, match="missing='zero'"):
        qascore.compute([None], [{"number": "3"}], preset="drop")
    with pytest.raises(ValueError, match="normalizer= does not apply"):
        qascore.compute(["3"], [{"number": "3"}], preset="drop", normalizer="squad")


def test_files_are_read_strictly(tmp_path):
    answer = {"number": "3", "spans": [], "date": {}}
    data = tmp_path / "dev.json"
    data.write_text(json.dumps({"p1": {"qa_pairs": [{"query_id": "q1", "answer": {**answer, "number": 3.5}}]}}))
    predictions = tmp_path / "pred.json"
    predictions.write_text('{"q1": "3", "q1": "4"}')
    with pytest.raises(ValueError, match="repeats key 'q1'"):
        score_files(data, predictions, preset="drop")
    data.write_text(json.dumps({"p1": {"qa_pairs": [{"query_id": "q1", "answer": {"number": True}}]}}))
    predictions.write_text('{"q1": "3"}')
    with pytest.raises(ValueError, match=r'\$\["p1"\]\.qa_pairs\[0\]\.answer\.number'):
        score_files(data, predictions, preset="drop")
    data.write_text(json.dumps({"p1": {"qa_pairs": [{"query_id": "q1", "answer": answer}]},
                                "p2": {"qa_pairs": [{"query_id": "q1", "answer": answer}]}}))
    with pytest.raises(ValueError, match="query_id 'q1' occurs twice"):
        score_files(data, predictions, preset="drop")
    assert score_files(data, predictions, preset="drop", duplicate_keys="last")["results"]["number_count"] == 2


# ---------------------------------------------------------------- the data file, read by read_json
# (msgspec first, kept only when every string of the file is held; a repeat sends it to the checked parse)


@pytest.mark.parametrize("text, message", [
    ('{"p1": {"qa_pairs": [{"query_id": "q1", "query_id": "q2", "answer": {"spans": ["x"]}}]}}',
     "p1.qa_pairs[0] repeats key 'query_id' (2 times)"),
    ('{"p1": {"qa_pairs": [{"query_id": "q1", "answer": {"date": {"day": "1", "day": "2", "month": "", '
     '"year": ""}}}]}}',
     "p1.qa_pairs[0].answer.date repeats key 'day' (2 times)"),
    ('{"p1": {"qa_pairs": [{"query_id": "q1", "answer": {"spans": ["x"]}}]}, '
     '"p1": {"qa_pairs": [{"query_id": "q2", "answer": {"spans": ["y"]}}]}}',
     "the top-level object repeats key 'p1' (2 times)"),
    ('{"p1": {"qa_pairs": [{"\\u0071uery_id": "q1", "query_id": "q2", "answer": {"spans": ["x"]}}]}}',
     "p1.qa_pairs[0] repeats key 'query_id' (2 times)"),
])
def test_a_repeated_read_key_is_still_refused(tmp_path, text, message):
    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_text(text)
    predictions.write_text('{"q1": "x"}')
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}; remove the repeats"):
        score_files(data, predictions, preset="drop")


@pytest.mark.parametrize("passage, message", [
    ({"qa_pairs": [{"query_id": "q1", "answer": {"number": ["3"]}}]},
     'Expected `int | float | str | null`, got `array` - at `$["p1"].qa_pairs[0].answer.number`'),
    ({"qa_pairs": [{"query_id": "q1", "answer": {"numbr": "3"}}]},
     'Object contains unknown field `numbr` - at `$["p1"].qa_pairs[0].answer`'),
    ({"qa_pairs": [{"answer": {"spans": ["x"]}}]},
     'Object missing required field `query_id` - at `$["p1"].qa_pairs[0]`'),
])
def test_a_file_the_types_do_not_fit_gives_the_checked_error(tmp_path, passage, message):
    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_text(json.dumps({"p1": passage}))
    predictions.write_text('{"q1": "x"}')
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}$"):
        score_files(data, predictions, preset="drop")
    data.write_text("[]")
    with pytest.raises(ValueError, match="a DROP data file is a JSON object"):
        score_files(data, predictions, preset="drop")
