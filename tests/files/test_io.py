"""Reading gold data, predictions and no-answer scores from files (qascore.files.readers).

The real SQuAD, KorQuAD and XQuAD files of ../shared/data are read and compared with a
plain walk over the official layout; bad files must fail with the file and the place in it.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qascore
from qascore.cli import main
from qascore.files.readers import (
    load_no_answer_probabilities,
    load_predictions,
    load_references,
    read_json,
    references_from_document,
)
from qascore.files.score import pair_by_id, score_files, summary_counts
from qascore.pairing import pair_rows

from conftest import official_cases
from helpers_space import SHARED_DATA

GOLD_FILES = ["squad/dev-v1.1.json", "squad/dev-v2.0.json", "korquad/KorQuAD_v1.0_dev.json", "xquad/xquad.zh.json"]


def walk_official_layout(document: dict) -> list[dict]:
    """The records qascore should read from a SQuAD-format document, written out plainly."""
    records = []
    for article in document["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                record = {"id": qa["id"], "answers": {"text": [answer["text"] for answer in qa["answers"]],
                                                      "answer_start": [answer["answer_start"] for answer in qa["answers"]]}}
                if isinstance(qa.get("question"), str):
                    record["question"] = qa["question"]
                records.append(record)
    return records


@pytest.mark.parametrize("name", GOLD_FILES)
def test_real_gold_files_read_as_written(name):
    path = SHARED_DATA / name
    expected = walk_official_layout(json.loads(path.read_text(encoding="utf-8")))
    assert load_references(path) == expected


def test_the_three_answer_layouts_read_alike(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(record) for record in [
        {"id": "objects", "answers": [{"text": "Paris", "answer_start": 3}, {"text": "Lyon"}]},
        {"id": "columns", "answers": {"text": ["Paris", "Lyon"], "answer_start": [3, "7"]}},
        {"id": "strings", "answers": ["Paris", "Lyon"]},
        {"id": "mixed", "answers": ["Paris", {"text": "Lyon", "answer_start": 7}]},
        {"id": 12, "answers": []},
    ]) + "\n")
    assert load_references(gold) == [
        {"id": "objects", "answers": {"text": ["Paris", "Lyon"], "answer_start": [3, -1]}},
        {"id": "columns", "answers": {"text": ["Paris", "Lyon"], "answer_start": [3, 7]}},
        {"id": "strings", "answers": {"text": ["Paris", "Lyon"], "answer_start": [-1, -1]}},
        {"id": "mixed", "answers": {"text": ["Paris", "Lyon"], "answer_start": [-1, 7]}},
        {"id": "12", "answers": {"text": [], "answer_start": []}},
    ]


def squad_document(*qas, articles_before=0):
    return {"data": [{"paragraphs": []}] * articles_before + [{"paragraphs": [{"qas": list(qas)}]}]}


GOOD_QA = {"id": "q0", "answers": [{"text": "Paris", "answer_start": 0}]}


@pytest.mark.parametrize(
    "document, message",
    [
        (squad_document(GOOD_QA, {"id": "q1", "answers": [{"text": 5}]}),
         "src: data[0].paragraphs[0].qas[1].answers[0]: expected a string or an object with a 'text' string, got {'text': 5}"),
        (squad_document(GOOD_QA, {"answers": []}), "src: data[0].paragraphs[0].qas[1]: missing the 'id' field"),
        (squad_document(GOOD_QA, {"id": True, "answers": []}), "src: data[0].paragraphs[0].qas[1]: 'id' must be str or int, got bool"),
        (squad_document(GOOD_QA, {"id": "q1", "answers": [{"text": "a"}, 3]}, articles_before=2),
         "src: data[2].paragraphs[0].qas[1].answers[1]: expected a string or an object with a 'text' string, got 3"),
        ({"data": [{"paragraphs": [{"qas": [GOOD_QA]}]}, {"title": "no paragraphs"}]}, "src: data[1]: missing the 'paragraphs' field"),
        ({"data": [{"paragraphs": [{"context": "no qas"}]}]}, "src: data[0].paragraphs[0]: missing the 'qas' field"),
        ([GOOD_QA, "q1"], "src: record 1: expected an object with 'id' and 'answers', got str"),
        ([GOOD_QA, {"id": "q1", "answers": {"text": ["a", "b"], "answer_start": [1]}}],
         "src: record 1.answers: 'answer_start' must be a list as long as 'text'"),
        ([GOOD_QA, {"id": "q1", "answers": {"text": ["a", None]}}], "src: record 1.answers: every answer text must be a string"),
        ([GOOD_QA, {"id": "q1", "answers": "Paris"}], "src: record 1: 'answers' must be dict or list, got str"),
        ([GOOD_QA, {"id": "q1", "answers": [{"text": "a", "answer_start": "x"}]}],
         "src: record 1.answers: 'answer_start' must hold integers, got ['x']"),
        ([GOOD_QA, {"id": "q1", "answers": {"text": ["a"], "answer_start": [None]}}],
         "src: record 1.answers: 'answer_start' must hold integers, got [None]"),
        ([GOOD_QA, GOOD_QA], "src: question id 'q0' appears twice (second at position 1)"),
    ],
)
def test_bad_gold_records_are_named_by_their_place(document, message):
    with pytest.raises(ValueError) as error:
        references_from_document(document, source="src")
    assert str(error.value) == message


@pytest.mark.parametrize(
    "name, content, load, message",
    [
        ("gold.jsonl", '{"id": "q1", "answers": ["a"]}\n\n{"id": "q2", "answers": {"text": "a"}}\n', load_references,
         r"gold\.jsonl:3\.answers: 'text' must be list, got str$"),
        ("predictions.jsonl", '{"id": "q1", "prediction_text": "a"}\n{"id": "q2", "prediction_text": "b"}\n{"id": "q3"}\n',
         load_predictions, r"predictions\.jsonl:3: missing the 'prediction_text' field$"),
        ("predictions.json", '{"q1": "a", "q2": ["b"]}', load_predictions,
         r"predictions\.json: prediction for id 'q2' must be a string, got \['b'\]$"),
        ("na.json", '{"q1": 0.5, "q2": NaN}', load_no_answer_probabilities,
         r"na\.json: id 'q2': no-answer score must be a finite number, got nan$"),
        ("na.jsonl", '{"id": "q1", "no_answer_probability": 2}\n{"id": "q2", "no_answer_probability": "high"}\n',
         load_no_answer_probabilities, r"na\.jsonl:2: no-answer score must be a finite number, got 'high'$"),
    ],
)
def test_bad_files_name_the_place(tmp_path, name, content, load, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load(path)


def test_no_answer_json_lines_take_numbers_and_any_id(tmp_path):
    lines = tmp_path / "na.jsonl"
    lines.write_text('{"id": "q1", "no_answer_probability": 2}\n{"id": 7, "no_answer_probability": -1.5}\n')
    assert load_no_answer_probabilities(lines) == {"q1": 2.0, "7": -1.5}


def test_pairing_by_id_keeps_data_order_and_counts_what_is_missing_or_extra():
    references = load_references(SHARED_DATA / "squad/dev-v1.1.json")[:4]
    ids = [record["id"] for record in references]
    predicted = {ids[3]: "three", "unknown": "x", ids[0]: "zero"}
    answers = [record["answers"]["text"] for record in references]
    examples, counts = pair_by_id(ids, answers, predicted, {ids[3]: 0.1, ids[0]: 0.2, "unknown": 0.3})
    assert examples.ids == ids
    assert examples.predictions == ["zero", None, None, "three"]
    assert examples.references == [record["answers"]["text"] for record in references]
    assert examples.no_answer_probabilities == [0.2, None, None, 0.1]
    assert counts == {"questions": 4, "predicted": 2, "missing": 2, "extra": 1,
                      "missing_ids": ids[1:3], "extra_ids": ["unknown"]}
    with pytest.raises(ValueError, match=f"na.json: has no no-answer score for question id '{ids[3]}'"):
        pair_by_id(ids, answers, predicted, {ids[0]: 0.2}, no_answer_file="na.json")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abcdef"), max_size=6), st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=7),
       st.sampled_from(["data order", "reversed", "any"]))
def test_pairing_by_id_gives_the_policy_pairing_whatever_the_order_of_the_predictions(ids, keys, order):
    """Predictions keyed in data order (one list comparison) or in any other order (one lookup
    each) pair as pair_rows does with the official policy; a repeated or no id is refused."""
    if order != "any":
        keys = list(dict.fromkeys(ids))[::1 if order == "data order" else -1]
    predicted = {key: key.upper() for key in keys}
    answers = [[question_id] for question_id in ids]
    if len(set(ids)) < len(ids) or not ids:
        with pytest.raises(ValueError, match="^dev.json: (question id '.' appears twice|contains no questions)"):
            pair_by_id(ids, answers, predicted, data_file="dev.json")
        return
    examples, counts = pair_by_id(ids, answers, predicted, data_file="dev.json")
    expected, expected_counts = pair_rows(ids, answers, list(predicted), list(predicted.values()),
                                          missing="zero", extra="ignore")
    assert (examples.predictions, examples.references, examples.ids) == (expected.predictions, answers, ids)
    assert counts == expected_counts


# ---------------------------------------------------------------- repeated keys and ids

KEEP_LAST = ("remove the repeats, or pass --duplicate-keys last (duplicate_keys='last') to keep the last value "
             "as the official scripts (json.load) do")
TWO_ANSWERS = ('{"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "q0", "answers": ["Lyon"]}, '
               '{"id": "q1", "answers": [], "answers": [{"text": "Paris", "answer_start": 0}]}]}]}]}')


@pytest.mark.parametrize(
    "name, content, load, place, last, overridden",
    [
        ("preds.json", '{"q1": "a", "q2": "b", "q1": "c"}', load_predictions,
         "the top-level object repeats key 'q1' (2 times)", {"q1": "c", "q2": "b"}, 1),
        ("na.json", '{"q1": 0.5, "q1": 0.25, "q1": 2}', load_no_answer_probabilities,
         "the top-level object repeats key 'q1' (3 times)", {"q1": 2.0}, 2),
        ("dev.json", TWO_ANSWERS, load_references, "data[0].paragraphs[0].qas[1] repeats key 'answers' (2 times)",
         [{"id": "q0", "answers": {"text": ["Lyon"], "answer_start": [-1]}},
          {"id": "q1", "answers": {"text": ["Paris"], "answer_start": [0]}}], 1),
        ("dev.json", '{"data": [{"title": "a", "paragraphs": [{"qas": [{"id": "q0", "answers": []}]}], "title": "b"}]}',
         load_references, "data[0] repeats key 'title' (2 times)", [{"id": "q0", "answers": {"text": [], "answer_start": []}}],
         1),
        ("keys.json", '{"a b": {"x": 1, "x": 2}, "q1": "a"}', read_json,  # a key that needs quotes in the path
         '["a b"] repeats key \'x\' (2 times)', {"a b": {"x": 2}, "q1": "a"}, 1),
        ("gold.jsonl", '{"id": "q0", "answers": []}\n{"id": "q1", "answers": [{"text": "a", "text": "b"}]}\n',
         load_references, "answers[0] repeats key 'text' (2 times)",
         [{"id": "q0", "answers": {"text": [], "answer_start": []}}, {"id": "q1", "answers": {"text": ["b"], "answer_start": [-1]}}],
         1),
        ("preds.jsonl", '{"id": "q1", "prediction_text": "a"}\n{"id": "q1", "id": "q2", "prediction_text": "b"}\n',
         load_predictions, "the object repeats key 'id' (2 times)", {"q1": "a", "q2": "b"}, 1),
    ],
)
def test_a_repeated_key_is_an_error_naming_where_or_the_last_value_wins(tmp_path, name, content, load, place, last,
                                                                         overridden):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    where = f"{path}:2" if name.endswith(".jsonl") else str(path)
    with pytest.raises(ValueError) as error:
        load(path)
    assert str(error.value) == f"{where}: {place}; {KEEP_LAST}"
    counts = {}
    assert load(path, duplicate_keys="last", overridden=counts) == last
    assert counts == {str(path): overridden}


def test_the_last_value_wins_in_the_first_place_as_json_load_does(tmp_path):
    path = tmp_path / "preds.json"
    path.write_text('{"q1": "a", "q2": "b", "q1": "c"}')
    loaded = load_predictions(path, duplicate_keys="last")
    assert list(loaded.items()) == list(json.loads(path.read_text()).items()) == [("q1", "c"), ("q2", "b")]
    lines = tmp_path / "preds.jsonl"
    lines.write_text("".join(json.dumps({"id": key, "prediction_text": text}) + "\n"
                             for key, text in [("q1", "a"), ("q2", "b"), ("q1", "c")]))
    assert list(load_predictions(lines, duplicate_keys="last").items()) == [("q1", "c"), ("q2", "b")]


@pytest.mark.parametrize("name, content, load", [
    ("preds.jsonl", '{"id": "q1", "prediction_text": "a"}\n\n{"id": "q2", "prediction_text": "b"}\n'
                    '{"id": "q1", "prediction_text": "c"}\n', load_predictions),
    ("na.jsonl", '{"id": "q1", "no_answer_probability": 0.5}\n{"id": "q2", "no_answer_probability": 0.5}\n'
                 '\n{"id": "q1", "no_answer_probability": 0.7}\n', load_no_answer_probabilities),
])
def test_an_id_on_two_lines_is_an_error_naming_both(tmp_path, name, content, load):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ValueError) as error:
        load(path)
    assert str(error.value) == f"{path}:4: id 'q1' is also on line 1; {KEEP_LAST}"
    counts = {}
    assert list(load(path, duplicate_keys="last", overridden=counts)) == ["q1", "q2"]
    assert counts == {str(path): 1}


def test_score_files_counts_what_was_overridden_and_checks_the_option(tmp_path):
    gold = tmp_path / "dev.json"
    gold.write_text(TWO_ANSWERS)
    predictions = tmp_path / "preds.json"
    predictions.write_text('{"q0": "Lyon", "q1": "x", "q1": "Paris"}')
    with pytest.raises(ValueError, match=re.escape(f"{gold}: data[0].paragraphs[0].qas[1] repeats key 'answers'")):
        score_files(gold, predictions)
    scored = score_files(gold, predictions, duplicate_keys="last")
    assert scored["results"] == {"exact_match": 100.0, "f1": 100.0}
    assert scored["counts"]["overridden"] == {str(gold): 1, str(predictions): 1}
    assert "overridden" not in score_files(SHARED_DATA / "squad/dev-v1.1.json", SHARED_DATA / official_cases()[0][0]["predictions"])["counts"]
    with pytest.raises(ValueError, match="duplicate_keys must be one of error, last, got 'first'"):
        score_files(gold, predictions, duplicate_keys="first")


def shuffled_copy_repeating(path, folder, repeated):
    """The predictions file in random order, ``repeated``'s entry first and a second one, another answer, near the end."""
    entries = list(json.loads(path.read_text(encoding="utf-8")).items())
    random.Random(0).shuffle(entries)
    entries.sort(key=lambda entry: entry[0] != repeated)
    entries.insert(len(entries) - 3, (repeated, "a later answer"))
    copy = folder / "predictions.json"
    copy.write_text("{" + ", ".join(f"{json.dumps(key)}: {json.dumps(value)}" for key, value in entries) + "}",
                    encoding="utf-8")
    return copy


def test_a_prediction_id_repeated_far_apart_is_an_error_or_the_last_value(tmp_path):
    case = official_cases()[0][0]
    data = SHARED_DATA / case["data"]
    repeated = "56be4db0acb8001400a502ec"  # the first question of dev-v1.1.json
    predictions = shuffled_copy_repeating(SHARED_DATA / case["predictions"], tmp_path, repeated)
    with pytest.raises(ValueError, match=re.escape(f"{predictions}: the top-level object repeats key '{repeated}' "
                                                   "(2 times); remove the repeats, or pass --duplicate-keys last")):
        score_files(data, predictions)
    last = dict(duplicate_keys="last", per_example=True, keep_examples=True)
    one = score_files(data, predictions, **last)
    assert one["examples"].predictions[one["examples"].ids.index(repeated)] == "a later answer"
    assert one["counts"]["overridden"] == {str(predictions): 1}


def edited_data(tmp_path, edit):
    """dev-v1.1.json with ``edit`` applied to its last question; returns its path and place."""
    document = json.loads((SHARED_DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))
    articles = document["data"]
    paragraphs = articles[-1]["paragraphs"]
    questions = paragraphs[-1]["qas"]
    field = edit(questions[-1], first=articles[0]["paragraphs"][0]["qas"][0])
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path, f"data[{len(articles) - 1}].paragraphs[{len(paragraphs) - 1}].qas[{len(questions) - 1}]{field}"


def repeat_the_first_id(question, first):
    question["id"] = first["id"]
    return ""


def add_a_bad_answer(question, first):
    question["answers"].append({"text": 7})
    return f".answers[{len(question['answers']) - 1}]"


@pytest.mark.parametrize("edit, message", [
    (repeat_the_first_id, "question id '56be4db0acb8001400a502ec' appears twice (second at position 10569)"),
    (add_a_bad_answer, "{place}: expected a string or an object with a 'text' string, got {{'text': 7}}"),
])
def test_errors_in_a_scored_file_are_reported_with_their_place_in_the_whole_file(tmp_path, edit, message):
    data, place = edited_data(tmp_path, edit)
    with pytest.raises(ValueError, match=re.escape(f"{data}: " + message.format(place=place))):
        score_files(data, SHARED_DATA / official_cases()[0][0]["predictions"])


def dev_file_bytes(tmp_path, edit):
    """dev-v1.1.json as bytes, ``edit``-ed (it gets and returns the bytes), written to tmp_path; returns its path."""
    path = tmp_path / "dev.json"
    path.write_bytes(edit((SHARED_DATA / "squad" / "dev-v1.1.json").read_bytes()))
    return path


def in_last_question(insert):
    """An edit that puts ``insert`` (bytes) just after the last question's opening brace."""
    def edit(raw):
        place = raw.rindex(b'{"answers"') + 1
        return raw[:place] + insert + raw[place:]
    return edit


REPEATED_VERSION = lambda raw: b'{"version": "1.0", ' + raw[1:]  # noqa: E731 - the file's first and last key


@pytest.mark.parametrize("edit, message", [
    (REPEATED_VERSION, r": the top-level object repeats key 'version' \(2 times\); "),
    (in_last_question(b'"x": ' + b"[" * 100_000 + b"]" * 100_000 + b", "),
     r":1:\d+: JSON nested 100007 levels deep, deeper than Python's json module reads; "),
    (in_last_question(b'"x": "\xff", '), r": byte offset \d+ \(line 1\): not valid UTF-8 \(byte 0xff: invalid start byte\); "),
    (in_last_question(b'"x": "\xed\xa0\x80", '), r": byte offset \d+ \(line 1\): not valid UTF-8 \(byte 0xed: "),
], ids=["repeated-top-level-key", "nested-too-deeply", "not-utf8", "encoded-surrogate"])
def test_a_data_file_the_reader_refuses_is_refused_naming_the_place(tmp_path, edit, message):
    data = dev_file_bytes(tmp_path, edit)
    with pytest.raises(ValueError, match=re.escape(str(data)) + message):
        score_files(data, SHARED_DATA / official_cases()[0][0]["predictions"])


def test_a_repeated_top_level_key_with_duplicate_keys_last_gives_the_numbers_of_the_file_without_it(tmp_path):
    data = dev_file_bytes(tmp_path, REPEATED_VERSION)
    predictions = SHARED_DATA / official_cases()[0][0]["predictions"]
    last = dict(duplicate_keys="last", per_example=True, keep_examples=True)
    one = score_files(data, predictions, **last)
    assert one["counts"]["overridden"] == {str(data): 1}
    plain = score_files(SHARED_DATA / "squad" / "dev-v1.1.json", predictions, per_example=True, keep_examples=True)
    assert {key: plain[key] for key in ("results", "examples")} == {key: one[key] for key in ("results", "examples")}


def shuffled_copy(path, folder, *, seed=0):
    """The predictions file with its entries in random order."""
    entries = list(json.loads(path.read_text(encoding="utf-8")).items())
    random.Random(seed).shuffle(entries)
    copy = folder / "predictions.json"
    copy.write_text(json.dumps(dict(entries)), encoding="utf-8")
    return copy


@pytest.mark.parametrize("index", [3, 14], ids=["missing-and-extra", "squad_v2-null-odds"])
def test_predictions_in_another_order_give_the_same_numbers(index, tmp_path):
    case = official_cases()[0][index]
    no_answer_file = SHARED_DATA / case["no_answer_probability"] if "no_answer_probability" in case else None
    arguments = dict(preset=case["preset"], no_answer_file=no_answer_file, per_example=True)
    data = SHARED_DATA / case["data"]
    in_order = score_files(data, SHARED_DATA / case["predictions"], **arguments)
    shuffled = score_files(data, shuffled_copy(SHARED_DATA / case["predictions"], tmp_path), **arguments)
    assert shuffled["results"] == in_order["results"]
    assert summary_counts(shuffled["counts"]) == summary_counts(in_order["counts"])  # the id lists follow the files


def test_command_line_refuses_repeats_or_warns_with_duplicate_keys_last(tmp_path, capsys):
    gold = tmp_path / "dev.json"
    gold.write_text(TWO_ANSWERS)
    predictions = tmp_path / "preds.json"
    predictions.write_text('{"q0": "Lyon", "q1": "x", "q1": "Paris"}')
    assert main(["score", str(gold), str(predictions), "--json"]) == 2
    assert capsys.readouterr().err == (f"qascore score: error: {gold}: data[0].paragraphs[0].qas[1] repeats key "
                                       f"'answers' (2 times); {KEEP_LAST}\n")
    assert main(["score", str(gold), str(predictions), "--json", "--duplicate-keys", "last"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["counts"]["overridden"] == {str(gold): 1, str(predictions): 1}
    assert err == "".join(f"qascore: warning: {path}: repeated keys or ids replaced 1 earlier values; the last value "
                          "of each was used (--duplicate-keys last, as the official scripts do)\n"
                          for path in (gold, predictions))
    assert main(["compare", str(predictions), str(predictions), "--data", str(gold), "--n-resamples", "10"]) == 2
    assert "repeats key 'answers'" in capsys.readouterr().err
    assert main(["compare", str(predictions), str(predictions), "--data", str(gold), "--n-resamples", "10",
                 "--duplicate-keys", "last"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["counts"]["b"]["overridden"] == {str(gold): 1, str(predictions): 1}
    assert err.count("qascore: warning:") == 2


# ---------------------------------------------------------------- files that are not JSON text

def run_command_line(*arguments, timeout=60):
    """``qascore`` in a child process (at most 1 GB of memory, ``timeout`` seconds): (status, stderr)."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    completed = subprocess.run([sys.executable, "-m", "qascore", *map(str, arguments)], capture_output=True,
                               text=True, timeout=timeout, preexec_fn=limit_memory,
                               env=dict(os.environ, PYTHONPATH=str(Path(qascore.__file__).parents[1])))
    return completed.returncode, completed.stderr


@pytest.fixture
def predictions_file(tmp_path):
    path = tmp_path / "preds.json"
    path.write_text('{"q1": "a"}')
    return path


def test_what_is_not_a_regular_file_is_refused_before_it_is_opened(tmp_path, predictions_file):
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # opening it would wait for a writer forever
    for data, kind in ((fifo, "a FIFO (named pipe)"), (Path("/dev/zero"), "a character device")):
        status, err = run_command_line("score", data, predictions_file, timeout=20)
        assert (status, err) == (2, f"qascore score: error: {data}: is {kind}, not a regular file; give a JSON or "
                                    "JSON Lines file (save a stream to a file first)\n")
    for load in (load_predictions, load_no_answer_probabilities, load_references):
        with pytest.raises(ValueError, match=re.escape(f"{fifo}: is a FIFO (named pipe), not a regular file")):
            load(fifo)
    fifo_lines = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo_lines)
    with pytest.raises(ValueError, match=re.escape(f"{fifo_lines}: is a FIFO (named pipe), not a regular file")):
        load_predictions(fifo_lines)


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("name, content, message", [
    ("deep.json", DEEP, "deep.json:1:100000: JSON nested 100000 levels deep, deeper than Python's json module reads"),
    ("deep.jsonl", '{"id": "q1", "prediction_text": "a"}\n{"id": "q2", "x": ' + DEEP + "}\n",
     "deep.jsonl:2:100018: JSON nested 100001 levels deep"),
    ("deep.json", '{"a": "]]]]",\n "b": ' + DEEP + "}", "deep.json:2:100006: JSON nested 100001 levels deep"),
])
def test_json_nested_too_deeply_is_an_error_naming_where(tmp_path, predictions_file, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ValueError, match=re.escape(f"{tmp_path}/{message}")):
        load_predictions(path)
    status, err = run_command_line("score", path, predictions_file)
    assert status == 2 and err.startswith(f"qascore score: error: {tmp_path}/{message}") and err.count("\n") == 1


@pytest.mark.parametrize("name, raw, load, message", [
    ("dev.json", '{"data": []}'.encode("utf-16"), load_references, "is UTF-16 text, not UTF-8"),
    ("preds.jsonl", '{"id": "q1", "prediction_text": "a"}\n'.encode("utf-16-le"), load_predictions,
     "is UTF-16-LE text, not UTF-8"),
    ("na.json", b'{"q1": 0.5,\n "q\xff": 0.5}', load_no_answer_probabilities,
     "byte offset 15 (line 2): not valid UTF-8 (byte 0xff: invalid start byte)"),
    ("gold.jsonl", b'\xef\xbb\xbf{"id": "q1", "answers": []}\n{"id": "caf\xe9", "answers": []}\n', load_references,
     "byte offset 42 (line 2): not valid UTF-8 (byte 0xe9: invalid continuation byte)"),  # the offset counts the BOM
    ("preds.json", b'{"q1": "\xed\xa0\x80"}', load_predictions,
     "byte offset 8 (line 1): not valid UTF-8 (byte 0xed: invalid continuation byte)"),  # an encoded surrogate
])
def test_text_that_is_not_utf8_names_the_file_and_the_byte(tmp_path, name, raw, load, message):
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(ValueError) as error:
        load(path)
    assert str(error.value) == f"{path}: {message}; save the file as UTF-8"


def test_a_utf8_byte_order_mark_is_still_accepted(tmp_path):
    path = tmp_path / "preds.json"
    path.write_bytes(b'\xef\xbb\xbf{"q1": "caf\xc3\xa9"}')
    assert load_predictions(path) == {"q1": "café"}
