"""qascore.parallel.compute gives exactly qascore.compute's numbers, on real SQuAD predictions.

Expected values are not typed in: each case compares against qascore.compute on the same
input (whose own figures are checked against the official scorers in test_core_parity.py).
"""

import json
from pathlib import Path

import pytest

import qascore
from qascore import parallel

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def _squad_dev():
    with open(DATA / "squad" / "dev-v1.1.json", encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    return [qa for article in articles for paragraph in article["paragraphs"] for qa in paragraph["qas"]]


@pytest.fixture(scope="module")
def baseline_records():
    """Stanford's logistic-regression baseline predictions on SQuAD v1.1 dev, as SQuAD records.

    That file has 28 ids dev lacks and misses 13 dev ids, so missing=/extra= are exercised.
    """
    path = DATA / "predictions" / "squad-v1.1" / "logistic-regression-baseline_stanford.json"
    with open(path, encoding="utf-8") as handle:
        answers = json.load(handle)
    references = [
        {"id": qa["id"], "answers": {"text": [a["text"] for a in qa["answers"]],
                                     "answer_start": [a["answer_start"] for a in qa["answers"]]}}
        for qa in _squad_dev()
    ]
    predictions = [{"id": id_, "prediction_text": text} for id_, text in answers.items()]
    return predictions, references


@pytest.mark.parametrize("num_proc", [1, 2, 3])
def test_plain_lists_match_compute_exactly(baseline_records, num_proc):
    predictions, references = baseline_records
    by_id = {record["id"]: record["prediction_text"] for record in predictions}
    texts = [by_id.get(reference["id"], "") for reference in references]
    golds = [reference["answers"]["text"] for reference in references]
    expected = qascore.compute(texts, golds, return_per_example=True)
    assert parallel.compute(texts, golds, num_proc=num_proc, return_per_example=True) == expected


@pytest.mark.parametrize("preset, language", [("squad", None), ("korquad", None), ("mlqa", "en")])
def test_records_match_compute_exactly(baseline_records, preset, language):
    predictions, references = baseline_records
    options = dict(preset=preset, language=language, missing="zero", extra="ignore", return_per_example=True)
    options = {key: value for key, value in options.items() if value is not None}
    assert parallel.compute(predictions, references, num_proc=2, **options) == qascore.compute(
        predictions, references, **options)


def test_empty_gold_list_is_refused_like_compute():
    with pytest.raises(ValueError, match=r"references\[2\] has no gold answer"):
        parallel.compute(["a", "b", "c"], [["a"], ["b"], []], num_proc=2)


@pytest.mark.parametrize("num_proc", [0, 1.5, True])
def test_bad_num_proc(num_proc):
    with pytest.raises(ValueError, match="num_proc must be an integer >= 1"):
        parallel.compute(["a"], [["a"]], num_proc=num_proc)


def test_squad_v2_points_to_compute():
    with pytest.raises(ValueError, match="Use qascore.compute"):
        parallel.compute([""], [[]], num_proc=2, preset="squad_v2")


def test_bad_row_names_global_position():
    with pytest.raises(TypeError, match="chunk starts"):
        parallel.compute(["a", "b", "c", 4], [["a"], ["b"], ["c"], ["d"]], num_proc=2)
