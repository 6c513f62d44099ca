"""The coqa preset against CoQA's official evaluate-v1.0.py.

Golden values: every figure comes from ../shared/data/expected_rc.json (the figures the script
prints, rounded as it rounds them, and ``expected_unrounded``: the same run before its
rounding; ../shared/data/coqa/README.md). The fast rules are checked against the plain twin
(qascore.families.coqa.reference) on generated inputs.
"""

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qascore
from qascore.families.coqa import reference
from qascore.families.coqa.rules import domain_figures
from qascore.files.score import score_files

from conftest import SHARED_DATA, assert_matches, load_json


def coqa_cases():
    return [case for case in load_json("expected_rc.json") if case["preset"] == "coqa"]


def plain_inputs(case):
    """Turns in the data's order; a repeated (id, turn_id) prediction keeps its last answer, as the script's dict."""
    data, predicted = load_json(case["data"]), load_json(case["predictions"])
    answers = {(entry["id"], entry["turn_id"]): entry["answer"] for entry in predicted}
    predictions, references = [], []
    for story in data["data"]:
        sets = [story["answers"], *story["additional_answers"].values()]
        for index, question in enumerate(story["questions"]):
            predictions.append(answers.get((story["id"], question["turn_id"])))
            references.append({"answers": [answers_[index]["input_text"] for answers_ in sets],
                               "source": story["source"]})
    return predictions, references


@pytest.mark.parametrize("case", coqa_cases(), ids=lambda case: case["predictions"].split("/")[-1])
def test_every_case_matches_the_official_figures(case):
    predictions, references = plain_inputs(case)
    results = qascore.compute(predictions, references, preset="coqa", missing="zero")
    assert_matches(results, case["expected"])
    assert set(results) == set(case["expected"])
    # the script keeps the last of repeated predictions: --duplicate-keys last
    from_files = score_files(SHARED_DATA / case["data"], SHARED_DATA / case["predictions"], preset="coqa",
                             duplicate_keys="last", per_example=True)
    per_example = from_files["results"].pop("per_example")
    assert from_files["results"] == results
    sources = [reference_["source"] for reference_ in references]
    unrounded = domain_figures(np.array(per_example["overall_em"]), np.array(per_example["overall_f1"]), sources,
                               rounded=False)
    assert_matches(unrounded, case["expected_unrounded"])


def test_repeated_predictions_are_an_error_by_default():
    case = next(case for case in coqa_cases() if case["predictions"].endswith("missing.json"))
    with pytest.raises(ValueError, match="is predicted twice.*--duplicate-keys last"):
        score_files(SHARED_DATA / case["data"], SHARED_DATA / case["predictions"], preset="coqa")


def test_the_twin_matches_the_official_figures():
    for case in coqa_cases():
        figures = reference.evaluate(load_json(case["data"]), load_json(case["predictions"]))
        assert_matches(figures, case["expected"])


GOLDS = ["unknown", "Unknown.", "yes", "no", "the", ".", "", "Paris", "paris city", "a Paris", "Rome"]
text = st.sampled_from(GOLDS) | st.text(max_size=6)
turn = st.tuples(st.none() | text, st.lists(text, min_size=1, max_size=5), st.sampled_from(reference.IN_DOMAIN
                                                                                           + reference.OUT_DOMAIN))


@settings(max_examples=300, deadline=None)
@given(st.lists(turn, min_size=1, max_size=10))
def test_fast_rules_equal_the_twin(turns):
    """Leave-one-out averaging over 1-5 golds, empty answers, missing turns, domain sums in the script's order."""
    predictions = [predicted for predicted, _, _ in turns]
    references = [{"answers": golds, "source": source} for _, golds, source in turns]
    stories = [{"id": str(number), "source": source, "questions": [{"turn_id": 1}],
                "answers": [{"turn_id": 1, "input_text": golds[0]}],
                "additional_answers": {str(k): [{"turn_id": 1, "input_text": gold}] for k, gold in enumerate(golds[1:])}}
               for number, (_, golds, source) in enumerate(turns)]
    predicted = [{"id": str(number), "turn_id": 1, "answer": answer} for number, (answer, _, _) in enumerate(turns)
                 if answer is not None]
    for rounded in (True, False):
        twin = reference.evaluate({"data": stories}, predicted, rounded=rounded)
        per_question = qascore.compute(predictions, references, preset="coqa", missing="zero", return_per_example=True)
        ours = domain_figures(np.array(per_question["per_example"]["overall_em"]),
                              np.array(per_question["per_example"]["overall_f1"]),
                              [source for _, _, source in turns], rounded=rounded)
        assert ours == twin
    per_question.pop("per_example")
    assert per_question == reference.evaluate({"data": stories}, predicted)


def test_plain_lists_give_the_overall_figures_and_bad_sources_are_refused():
    assert qascore.compute(["yes"], [["yes", "no"]], preset="coqa") == {"overall_em": 50.0, "overall_f1": 50.0,
                                                                          "overall_turns": 1}
    with pytest.raises(ValueError, match="knows the sources"):
        qascore.compute(["yes"], [{"answers": ["yes"], "source": "news"}], preset="coqa")


# ---------------------------------------------------------------- the fast path (msgspec) and its fallback

_STORY = {"id": "s1", "source": "race", "story": "...", "questions": [{"input_text": "?", "turn_id": 1}],
          "answers": [{"input_text": "yes", "span_text": "yes", "turn_id": 1}],
          "additional_answers": {"0": [{"input_text": "Yes", "turn_id": 1}]}}
_PREDICTIONS = json.dumps([{"id": "s1", "turn_id": 1, "answer": "yes"}])


def test_fast_and_checked_readers_give_the_same_stories_and_predictions():
    from qascore.families.coqa import files
    from qascore.files.readers import read_file_bytes

    pairs = [(SHARED_DATA / "coqa" / "coqa_squad_dev.json", files._DATA, files._data_holders, files._Data)]
    pairs += [(path, files._PREDICTIONS, files._predictions_holders, files.List[files._Prediction])
              for path in sorted((SHARED_DATA / "coqa" / "predictions").glob("*.json"))]
    for path, decoder, holders, kind in pairs:
        raw = read_file_bytes(path)
        fast = files._decode_fast(raw, decoder, holders)
        assert fast is not None  # the shared files take the fast path
        assert fast == files._decode_checked(raw, path, kind, "", "error", {})


@pytest.mark.parametrize("text, message", [
    ('{"data": [{"id": "s1", "source": "race", "source": "mctest", "questions": [], "answers": []}]}',
     "data[0] repeats key 'source' (2 times)"),
    ('{"data": [{"id": "s1", "source": "race", "questions": [{"turn_id": 1, "turn_id": 2}], '
     '"answers": [{"input_text": "a"}]}]}', "data[0].questions[0] repeats key 'turn_id' (2 times)"),
    ('{"data": [{"id": "s1", "source": "race", "questions": [{"turn_id": 1}], '
     '"answers": [{"input_text": "a", "input_text": "b"}]}]}', "data[0].answers[0] repeats key 'input_text' (2 times)"),
])
def test_a_repeated_read_key_is_still_refused(tmp_path, text, message):
    from qascore.families.coqa import files

    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_text(text)
    predictions.write_text(_PREDICTIONS)
    assert files._decode_fast(data.read_bytes(), files._DATA, files._data_holders) is None
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}; remove the repeats"):
        score_files(data, predictions, preset="coqa")


def test_a_repeated_key_of_a_prediction_is_still_refused(tmp_path):
    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_text(json.dumps({"data": [_STORY]}))
    predictions.write_text('[{"id": "s1", "turn_id": 1, "answer": "no", "answer": "yes"}]')
    with pytest.raises(ValueError, match=f"^{re.escape(f'{predictions}: [0] repeats key')} 'answer' \\(2 times\\)"):
        score_files(data, predictions, preset="coqa")
    results = score_files(data, predictions, preset="coqa", duplicate_keys="last")
    assert results["counts"]["overridden"] == {str(predictions): 1} and results["results"]["overall_em"] == 100.0


@pytest.mark.parametrize("story, message", [
    ({**_STORY, "answers": [{"input_text": 3}]},
     "Expected `str`, got `int` - at `$.data[0].answers[0].input_text` (a CoQA data file is {'data': [story, ...]})"),
    ({**_STORY, "additional_answers": []},
     "Expected `object`, got `array` - at `$.data[0].additional_answers` (a CoQA data file is {'data': [story, ...]})"),
    ({**_STORY, "source": "web"}, "data[0].source is 'web'; evaluate-v1.0.py knows the sources"),
])
def test_a_file_the_types_do_not_fit_gives_the_checked_error(tmp_path, story, message):
    data, predictions = tmp_path / "dev.json", tmp_path / "pred.json"
    data.write_text(json.dumps({"data": [story]}))
    predictions.write_text(_PREDICTIONS)
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}"):
        score_files(data, predictions, preset="coqa")
    data.write_text(json.dumps({"data": [_STORY]}))
    predictions.write_text(json.dumps([{"id": "s1", "turn_id": [1], "answer": "yes"}]))
    with pytest.raises(ValueError, match=re.escape("got `array` - at `$[0].turn_id` (CoQA predictions are [{'id', ")):
        score_files(data, predictions, preset="coqa")
