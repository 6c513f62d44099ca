"""Open-domain presets: options refused where they do not apply, bad inputs refused where they enter."""

import json
import re
import warnings

import pytest

import qascore
from qascore.files.score import score_files

from conftest import SHARED_DATA

TRIVIA = {"Domain": "Wikipedia", "VerifiedEval": False, "Version": 1.0,
          "Data": [{"QuestionId": "q1", "Answer": {"NormalizedAliases": ["paris"]}}]}


@pytest.mark.parametrize("preset, option, message", [
    ("squad", {"answer_field": "answer"}, "answer_field= applies to presets nq_open, efficientqa"),
    ("triviaqa", {"is_regex": True}, "is_regex= applies to presets"),
    ("nq_open", {"domain": "Web"}, "domain= applies to preset triviaqa, not to 'nq_open'"),
    ("nq_open", {"is_regex": True}, "contradicts preset 'nq_open'.*use preset curated_trec"),
    ("curated_trec", {"is_regex": False}, "contradicts preset 'curated_trec'.*use preset nq_open"),
    ("efficientqa", {"answer_field": "answers"}, "answer_field must be one of answer, answer_and_def"),
    ("triviaqa", {"domain": "wiki"}, "domain must be one of Wikipedia, Web"),
    ("nq_open", {"normalizer": "squad"}, "normalizer= does not apply"),
])
def test_options_are_checked(preset, option, message):
    with pytest.raises(ValueError, match=message):
        qascore.compute(["x"], [["x"]], preset=preset, **option)


def test_options_join_the_signature():
    assert "answer_field:answer_and_def_correct_predictions|is_regex:False" in qascore.signature(
        preset="efficientqa", answer_field="answer_and_def_correct_predictions")
    assert "is_regex:True" in qascore.signature(preset="curated_trec", is_regex=True)


@pytest.mark.parametrize("preset", ["nq_open", "curated_trec", "triviaqa"])
@pytest.mark.parametrize("predictions, references, error, message", [
    (["x"], [[]], ValueError, "reference 0 has no answer|reference 0 has no ground truth"),
    ([3], [["x"]], TypeError, "prediction 0 must be a string"),
    ([None], [["x"]], ValueError, "missing='zero'"),
    (["x", "y"], [["x"]], ValueError, "Got 2 predictions but 1 references"),
    (["x"], [[1]], TypeError, "reference 0 must be a list of"),
])
def test_bad_plain_inputs(preset, predictions, references, error, message):
    with pytest.raises(error, match=message):
        qascore.compute(predictions, references, preset=preset)


def test_orqa_records_pair_by_question_and_refuse_repeats():
    references = [{"question": "q1", "answer": ["Paris"]}, {"question": "q2", "answer": ["Rome"]}]
    predictions = [{"question": "q2", "prediction": "rome"}, {"question": "q1", "prediction": "Lyon"}]
    assert qascore.compute(predictions, references, preset="nq_open")["num_correct"] == 1
    with pytest.raises(ValueError, match="both for question 'q2'"):
        qascore.compute(predictions + predictions[:1], references, preset="nq_open")
    with pytest.raises(ValueError, match="1 questions have no prediction.*missing='zero'"):
        qascore.compute(predictions[:1], references, preset="nq_open")


def test_triviaqa_dataset_options_must_be_the_files():
    with pytest.raises(ValueError, match="has Domain 'Wikipedia', not domain='Web'"):
        qascore.compute({"q1": "Paris"}, TRIVIA, preset="triviaqa", domain="Web")
    assert qascore.compute({"q1": "Paris"}, TRIVIA, preset="triviaqa", domain="Wikipedia")["exact_match"] == 100.0


def test_triviaqa_verified_web_question_without_a_verified_document(tmp_path):
    data = {"Domain": "Web", "VerifiedEval": True, "Version": 1.0, "Data": [{
        "QuestionId": "q1", "QuestionPartOfVerifiedEval": True, "Answer": {"NormalizedAliases": ["paris"]},
        "SearchResults": [{"Filename": "1.txt", "DocPartOfVerifiedEval": False}]}]}
    with pytest.raises(ValueError, match="none of its documents is"):
        qascore.compute({"q1--1.txt": "Paris"}, data, preset="triviaqa")


def test_repeated_question_lines_name_both_lines(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "q1", "answer": ["a"]}\n{"question": "q1", "answer": ["b"]}\n')
    predicted = tmp_path / "predicted.jsonl"
    predicted.write_text('{"question": "q1", "prediction": "b"}\n')
    with pytest.raises(ValueError, match=r"gold.jsonl:2: question 'q1' is also on line 1.*--duplicate-keys last"):
        score_files(gold, predicted, preset="nq_open")
    scored = score_files(gold, predicted, preset="nq_open", duplicate_keys="last")
    assert scored["results"]["accuracy"] == 1.0 and scored["counts"]["overridden"] == {str(gold): 1}


@pytest.mark.parametrize("line, message", [
    ('{"question": "q1", "answer": "Paris"}', r":1: 'answer' must be a non-empty list of answer strings"),
    ('{"question": "q1", "answers": ["Paris"]}', r":1: the line has no 'answer' \(see answer_field"),
    ('{"question": "q1", "answer": ["a"], "answer": ["b"]}', "repeats key 'answer'"),
    ('{"question": 7, "answer": ["a"]}', "'question' must be the question text"),
    ('{"question": "q1", "answer": ["a"]', "not valid JSON"),
])
def test_bad_reference_lines_are_located(tmp_path, line, message):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(line + "\n")
    predicted = tmp_path / "predicted.jsonl"
    predicted.write_text(json.dumps({"question": "q1", "prediction": "Paris"}) + "\n")
    with pytest.raises(ValueError, match=message):
        score_files(gold, predicted, preset="nq_open")


def test_an_escaped_key_repeat_is_found(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "q1", "answer": ["a"], "\\u0061nswer": ["b"]}\n')
    predicted = tmp_path / "predicted.jsonl"
    predicted.write_text('{"question": "q1", "prediction": "b"}\n')
    with pytest.raises(ValueError, match="repeats key 'answer'"):
        score_files(gold, predicted, preset="nq_open")


def test_triviaqa_predictions_file_must_be_an_object(tmp_path):
    data = tmp_path / "data.json"
    data.write_text(json.dumps(TRIVIA))
    predicted = tmp_path / "predictions.json"
    predicted.write_text('["Paris"]')
    with pytest.raises(ValueError, match=r"one JSON object \{key: answer\}"):
        score_files(data, predicted, preset="triviaqa")


def test_intervals_and_per_example():
    results = qascore.compute(["Paris", "x", "Rome"], [["paris"], ["y"], ["rome"]], preset="nq_open",
                              confidence_level=0.9, return_per_example=True)
    assert results["per_example"] == {"accuracy": [1.0, 0.0, 1.0]}
    assert 0 <= results["accuracy_ci_low"] <= results["accuracy"] <= results["accuracy_ci_high"] <= 1
    results = qascore.compute(["Paris"], [["paris"]], preset="triviaqa", confidence_level=0.9)
    assert results["f1_ci_low"] == results["f1_ci_high"] == 100.0


# ---------------------------------------------------------------- TriviaQA's dataset: the fast path and its fallback


@pytest.mark.parametrize("name", ["wikipedia", "web", "verified-wikipedia", "verified-web"])
def test_triviaqa_fast_and_checked_readers_give_the_same_ground_truths(name):
    from qascore.families.triviaqa import files
    from qascore.families.triviaqa.dataset import keyed_ground_truths
    from qascore.files.readers import decode_text, parse_json, read_file_bytes

    path = SHARED_DATA / "triviaqa" / f"nqopen-dev.{name}.json"
    raw = read_file_bytes(path)
    fast = files._decode_fast(raw)
    assert fast is not None  # the shared files take the fast path
    assert keyed_ground_truths(fast) == keyed_ground_truths(parse_json(decode_text(raw, path), path))


_TRIVIA_HEAD = '{"Domain": "Web", "VerifiedEval": false, "Version": 1.0, "Data": '


@pytest.mark.parametrize("text, message", [
    (_TRIVIA_HEAD + '[{"QuestionId": "q1", "QuestionId": "q2", "Answer": {"NormalizedAliases": ["a"]}}]}',
     "Data[0] repeats key 'QuestionId' (2 times)"),
    (_TRIVIA_HEAD + '[{"QuestionId": "q1", "Answer": {"NormalizedAliases": ["a"], "NormalizedAliases": ["b"]}}]}',
     "Data[0].Answer repeats key 'NormalizedAliases' (2 times)"),
    (_TRIVIA_HEAD + '[{"QuestionId": "q1", "Answer": {"NormalizedAliases": ["a"]}, '
                    '"SearchResults": [{"Filename": "1.txt", "Filename": "2.txt"}]}]}',
     "Data[0].SearchResults[0] repeats key 'Filename' (2 times)"),
    ('{"Domain": "Web", "Domain": "Wikipedia", "VerifiedEval": false, "Data": []}',
     "the top-level object repeats key 'Domain' (2 times)"),
])
def test_triviaqa_a_repeated_read_key_is_still_refused(tmp_path, text, message):
    from qascore.families.triviaqa import files

    data, predicted = tmp_path / "data.json", tmp_path / "predictions.json"
    data.write_text(text)
    predicted.write_text('{"q1--1.txt": "a"}')
    assert files._decode_fast(data.read_bytes()) is None
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}; remove the repeats"):
        score_files(data, predicted, preset="triviaqa")


def test_triviaqa_a_repeated_prediction_key_is_refused_or_counted(tmp_path):
    # the predictions object takes the msgspec path only when its strings prove that no key repeats
    data, predicted = tmp_path / "data.json", tmp_path / "predictions.json"
    data.write_text(json.dumps(TRIVIA))
    predicted.write_text('{"q1": "Paris", "q1": "Rome"}')
    with pytest.raises(ValueError, match=f"^{re.escape(str(predicted))}: the top-level object repeats key 'q1' "
                                         r"\(2 times\); remove the repeats"):
        score_files(data, predicted, preset="triviaqa")
    counted = score_files(data, predicted, preset="triviaqa", duplicate_keys="last")
    assert counted["counts"]["overridden"] == {str(predicted): 1}


@pytest.mark.parametrize("change, message", [
    ({"VerifiedEval": 1}, "'VerifiedEval' must be bool; got 1"),
    ({"Domain": "Books"}, "Domain must be one of Wikipedia, Web; got 'Books'"),
    ({"Data": [{"QuestionId": "q1", "Answer": {"NormalizedAliases": "paris"}}]},
     "Data[0].Answer: 'NormalizedAliases' must be list; got 'paris'"),
    ({"Data": [{"QuestionId": "q1"}]}, "Data[0] needs 'Answer' (the official script reads it)"),
    ({"Domain": "Web", "Data": [{"QuestionId": "q1", "Answer": {"NormalizedAliases": ["a"]},
                                 "EntityPages": [{"Title": "x"}]}]},
     "Data[0].EntityPages[0] needs 'Filename' (the official script reads it)"),
])
def test_triviaqa_a_file_the_types_do_not_fit_gives_the_checked_error(tmp_path, change, message):
    data, predicted = tmp_path / "data.json", tmp_path / "predictions.json"
    data.write_text(json.dumps({**TRIVIA, **change}))
    predicted.write_text('{"q1": "Paris"}')
    with pytest.raises(ValueError, match=f"^{re.escape(f'{data}: {message}')}$"):
        score_files(data, predicted, preset="triviaqa")


def test_triviaqa_an_odd_version_still_warns(tmp_path):
    data, predicted = tmp_path / "data.json", tmp_path / "predictions.json"
    predicted.write_text('{"q1": "Paris"}')
    for version, shown in (({"Version": 2.0}, "2.0"), ({}, "None")):
        data.write_text(json.dumps({**{key: value for key, value in TRIVIA.items() if key != "Version"}, **version}))
        with pytest.warns(UserWarning, match=f"the script expects Version 1.0, got {shown}"):
            score_files(data, predicted, preset="triviaqa")
    data.write_text(json.dumps(TRIVIA))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert score_files(data, predicted, preset="triviaqa")["results"]["exact_match"] == 100.0
