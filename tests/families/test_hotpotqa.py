"""The hotpotqa preset against HotpotQA's official hotpot_evaluate_v1.py.

Golden values: every figure comes from ../shared/data/expected_rc.json (the official script's
twelve figures per case, at full precision; ../shared/data/hotpotqa/README.md). The fast rules
are checked against the plain twin (qascore.families.hotpotqa.reference) on generated inputs.
"""

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qascore
from qascore.families.hotpotqa import inputs, reference
from qascore.files.score import score_files

from conftest import SHARED_DATA, assert_matches, load_json


def hotpot_cases():
    return [case for case in load_json("expected_rc.json") if case["preset"] == "hotpotqa"]


def plain_inputs(case):
    gold, predicted = load_json(case["data"]), load_json(case["predictions"])
    predictions = [{"answer": predicted["answer"].get(record["_id"]), "sp": predicted["sp"].get(record["_id"])}
                   for record in gold]
    return predictions, gold


@pytest.mark.parametrize("case", hotpot_cases(), ids=lambda case: case["predictions"].split("/")[-1])
def test_every_case_matches_the_official_figures(case):
    predictions, references = plain_inputs(case)
    results = qascore.compute(predictions, references, preset="hotpotqa", missing="zero")
    assert_matches(results, case["expected"])
    assert list(results) == list(case["expected"])
    from_files = score_files(SHARED_DATA / case["data"], SHARED_DATA / case["predictions"], preset="hotpotqa")
    assert from_files["results"] == results
    counts = from_files["counts"]
    assert counts["missing_answer"] + counts["missing_sp"] == case.get("missing_lines", 0)


def test_the_twin_matches_the_official_figures():
    for case in hotpot_cases():
        assert_matches(reference.evaluate(load_json(case["predictions"]), load_json(case["data"])), case["expected"])


ANSWERS = ["yes", "Yes.", "no", "noanswer", "No answer", "yes it is", "the", "", "Paris", "paris city", "a Paris"]
answer = st.sampled_from(ANSWERS) | st.text(max_size=6)
fact = st.one_of(
    st.tuples(st.sampled_from(["P", "Q"]), st.sampled_from([0, 1, 1.0, True, False, "1", 2])).map(list),
    st.sampled_from([["P", 1, 0], ["P"], []]))
facts = st.lists(fact, max_size=4)
prediction = st.fixed_dictionaries({}, optional={"answer": answer, "sp": facts}) | st.none()
gold = st.fixed_dictionaries({"answer": answer, "supporting_facts": facts})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(prediction, gold), min_size=1, max_size=8))
def test_fast_rules_equal_the_twin(questions):
    """The yes/no/noanswer guard, empty answers, fact sets with Python equality, missing parts, joint metrics."""
    predictions = [predicted for predicted, _ in questions]
    references = [dict(record, _id=str(number)) for number, (_, record) in enumerate(questions)]
    by_id = {"answer": {}, "sp": {}}
    for number, predicted in enumerate(predictions):
        for part in ("answer", "sp"):
            if predicted is not None and part in predicted:
                by_id[part][str(number)] = predicted[part]
    results = qascore.compute(predictions, references, preset="hotpotqa", missing="zero")
    twin = reference.evaluate(by_id, references)
    assert results.keys() == twin.keys()
    for name, value in twin.items():
        assert results[name] == pytest.approx(value, rel=0, abs=1e-12), name


scalar = st.one_of(st.text(max_size=3), st.integers(-2, 3), st.booleans(), st.none(), st.floats(0, 2))
usual_entry = st.lists(scalar, max_size=3) | st.tuples(scalar, scalar)
usual_facts = st.lists(usual_entry, max_size=3) | st.tuples(usual_entry)
usual_answer = st.text(max_size=3)
#: what may stand in for a row, an answer or id, a facts value or one fact entry, valid or not,
#: and the keys a row may lose or gain (as None)
odd = {"row": st.one_of(st.none(), scalar, st.lists(scalar, max_size=2), st.fixed_dictionaries({"extra": scalar})),
       "answer": st.one_of(st.none(), st.integers(), st.lists(st.text(max_size=2), max_size=1)),
       "facts": st.one_of(st.none(), scalar, st.fixed_dictionaries({"title": st.lists(st.text(max_size=2), max_size=2),
                                                                     "sent_id": st.lists(st.integers(0, 3), max_size=2)})),
       "entry": st.one_of(scalar, st.lists(st.lists(scalar, min_size=1), min_size=1), st.just(())),
       "key": st.sampled_from(["answer", "sp", "supporting_facts", "_id", "id"])}


def rows_with_one_odd_part(data, usual):
    """One to five rows of the ``usual`` shape (the answer key, the facts key, maybe more), then
    perhaps one part of one row replaced by something of :data:`odd`."""
    answer_key, facts_key = list(usual)[:2]
    rows = data.draw(st.lists(st.fixed_dictionaries(usual), min_size=1, max_size=5))
    part = data.draw(st.sampled_from([None, "row", "answer", "facts", "entry", "key", "id"]))
    if part is None:
        return rows
    row = data.draw(st.integers(0, len(rows) - 1))
    value = data.draw(odd["answer" if part == "id" else part])
    if part == "row":
        rows[row] = value
    elif part in ("answer", "id"):
        rows[row][answer_key if part == "answer" else "_id"] = value
    elif part == "facts":
        rows[row][facts_key] = value
    elif part == "key" and data.draw(st.booleans()):
        rows[row].pop(value, None)
    elif part == "key":
        rows[row].setdefault(value, None)
    elif rows[row][facts_key]:
        rows[row][facts_key] = [value, *rows[row][facts_key][1:]]
    return rows


def outcome(function, *arguments):
    """What a call gives: its value, or the type and message of what it raised."""
    try:
        return function(*arguments)
    except (TypeError, ValueError) as error:
        return type(error), str(error)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_column_checks_equal_the_record_checks(data):
    """The few-pass column checks give what the per-record checks give, values and errors alike."""
    def by_record(parts, rows):
        checked = [parts(row, index) for index, row in enumerate(rows)]
        return tuple(map(list, zip(*checked)))
    predictions = rows_with_one_odd_part(data, {"answer": usual_answer, "sp": usual_facts})
    references = rows_with_one_odd_part(data, {"answer": usual_answer, "supporting_facts": usual_facts,
                                               "_id": usual_answer})
    assert outcome(inputs.prediction_columns, predictions) == outcome(by_record, inputs.prediction_parts, predictions)
    assert outcome(inputs.reference_columns, references) == outcome(by_record, inputs.reference_parts, references)


def test_the_guard_and_the_fact_sets():
    results = qascore.compute([{"answer": "yes it is", "sp": [["P", 1.0], ["P", 1]]}],
                              [{"answer": "yes", "supporting_facts": [["P", True]]}], preset="hotpotqa")
    assert (results["f1"], results["sp_em"], results["joint_em"]) == (0.0, 1.0, 0.0)


def test_datasets_layout_and_bad_inputs():
    hf = {"title": ["P", "P"], "sent_id": [0, 1]}
    assert qascore.compute([{"answer": "x", "sp": hf}], [{"answer": "x", "supporting_facts": [["P", 0], ["P", 1]]}],
                           preset="hotpotqa")["joint_em"] == 1.0
    with pytest.raises(TypeError, match=r"predictions\[0\]\['sp'\]\[0\] must be a \[title, sentence index\]"):
        qascore.compute([{"answer": "x", "sp": ["P0"]}], [{"answer": "x", "supporting_facts": []}], preset="hotpotqa")
    with pytest.raises(ValueError, match="missing='zero'"):
        qascore.compute([{"answer": "x"}], [{"answer": "x", "supporting_facts": []}], preset="hotpotqa")


def test_files_need_both_parts(tmp_path):
    data = tmp_path / "dev.json"
    data.write_text(json.dumps([{"_id": "q1", "answer": "yes", "supporting_facts": [["P", 0]]}]))
    predictions = tmp_path / "pred.json"
    predictions.write_text(json.dumps({"answer": {"q1": "yes"}}))
    with pytest.raises(ValueError, match="its 'sp' object is missing"):
        score_files(data, predictions, preset="hotpotqa")


# ---------------------------------------------------------------- the data file's fast path (msgspec) and its fallback

_PREDICTIONS = json.dumps({"answer": {"q1": "yes"}, "sp": {"q1": [["P", 0]]}})


def test_fast_and_checked_readers_give_the_same_records():
    from qascore.families.hotpotqa import files
    from qascore.files.readers import read_file_bytes

    path = SHARED_DATA / "hotpotqa" / "hotpot_squad_dev.json"
    raw = read_file_bytes(path)
    fast = files._decode_fast(raw)
    assert fast is not None  # the shared file takes the fast path
    assert fast == files._decode_checked(raw, path, "error", {})


@pytest.mark.parametrize("text, message", [
    ('[{"_id": "q1", "answer": "a", "answer": "b", "supporting_facts": []}]', "[0] repeats key 'answer' (2 times)"),
    ('[{"_id": "q1", "answer": "a", "supporting_facts": [], "supporting_facts": [["P", 0]]}]',
     "[0] repeats key 'supporting_facts' (2 times)"),
    ('[{"\\u005fid": "q0", "_id": "q1", "answer": "a", "supporting_facts": []}]', "[0] repeats key '_id' (2 times)"),
])
def test_a_repeated_read_key_is_still_refused(tmp_path, text, message):
    from qascore.families.hotpotqa import files

    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_text(text)
    predictions.write_text(_PREDICTIONS)
    assert files._decode_fast(data.read_bytes()) is None
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}; remove the repeats"):
        score_files(data, predictions, preset="hotpotqa")
    assert score_files(data, predictions, preset="hotpotqa", duplicate_keys="last")["counts"]["overridden"] == {
        str(data): 1}


@pytest.mark.parametrize("records, message", [
    ([{"_id": "q1", "answer": 3, "supporting_facts": []}], "Expected `str`, got `int` - at `$[0].answer`"),
    ([{"_id": "q1", "supporting_facts": []}], "Object missing required field `answer` - at `$[0]`"),
    ([{"_id": "q1", "answer": "a", "supporting_facts": [[{"x": 1}]]}],
     "Expected `bool | int | float | str | null`, got `object` - at `$[0].supporting_facts[0][0]`"),
    ({"_id": "q1"}, "a HotpotQA data file is a JSON list of questions {'_id', 'answer', 'supporting_facts', ...}; "
                    "got a JSON dict"),
])
def test_a_file_the_types_do_not_fit_gives_the_checked_error(tmp_path, records, message):
    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_text(json.dumps(records))
    predictions.write_text(_PREDICTIONS)
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}$"):
        score_files(data, predictions, preset="hotpotqa")


def test_a_record_that_is_not_utf8_is_named_by_its_byte(tmp_path):
    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_bytes(b'[{"_id": "q1", "answer": "caf\xe9", "supporting_facts": []}]')
    predictions.write_text(_PREDICTIONS)
    with pytest.raises(ValueError, match=r"byte offset 29 \(line 1\): not valid UTF-8"):
        score_files(data, predictions, preset="hotpotqa")
