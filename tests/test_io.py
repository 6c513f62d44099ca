"""Reading gold data, predictions and no-answer scores from files (qascore.io).

The real SQuAD, KorQuAD and XQuAD files of ../shared/data are read and compared with a
plain walk over the official layout; bad files must fail with the file and the place in it.
"""

from __future__ import annotations

import json

import pytest

from qascore.file_scoring import pair_by_id
from qascore.io import load_no_answer_probabilities, load_predictions, load_references, references_from_document
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
    examples, counts = pair_by_id(references, predicted, {ids[3]: 0.1, ids[0]: 0.2, "unknown": 0.3})
    assert examples.ids == ids
    assert examples.predictions == ["zero", None, None, "three"]
    assert examples.references == [record["answers"]["text"] for record in references]
    assert examples.no_answer_probabilities == [0.2, None, None, 0.1]
    assert counts == {"questions": 4, "predicted": 2, "missing": 2, "extra": 1,
                      "missing_ids": ids[1:3], "extra_ids": ["unknown"]}
    with pytest.raises(ValueError, match=f"na.json: has no no-answer score for question id '{ids[3]}'"):
        pair_by_id(references, predicted, {ids[0]: 0.2}, no_answer_file="na.json")
