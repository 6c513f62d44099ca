"""qa_em_f1 as a drop-in for evaluate's squad/squad_v2: the calls real clients make, run for real.

Each test makes the same calls as one client (evaluate's QuestionAnsweringEvaluator with
bootstrap resampling, evaluate.combine, datasets objects, torchmetrics' SQuAD inputs,
lm-evaluation-harness's squadv2 aggregation, transformers' run_qa.py and the Hugging Face
course's compute_metrics) on real SQuAD dev questions, and checks the numbers against our
transcriptions of the official scripts (official_v11 below and
test_core_best_threshold.official_v2), which the official figures in expected.json pin down.
"""

import evaluate
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from datasets import Dataset
from scipy.stats import bootstrap

import qascore
from conftest import load_json
from test_core_best_threshold import _f1, _normalize, official_v2


def official_v11(gold_rows, predictions):
    """evaluate-v1.1.py's loop: every gold row counts once, its prediction looked up by id."""
    exact = f1 = 0.0
    for qid, answers in gold_rows:
        exact += max(float(_normalize(a) == _normalize(predictions[qid])) for a in answers)
        f1 += max(_f1(a, predictions[qid]) for a in answers)
    return {"exact_match": 100.0 * exact / len(gold_rows), "f1": 100.0 * f1 / len(gold_rows)}


def squad_rows(version, count=60):
    """The first ``count`` questions of the real SQuAD dev file as datasets-style rows."""
    document = load_json(f"squad/dev-v{version}.json")
    rows = []
    for article in document["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                rows.append({"id": qa["id"], "question": qa["question"], "context": paragraph["context"],
                             "answers": {"text": [a["text"] for a in qa["answers"]],
                                         "answer_start": [a["answer_start"] for a in qa["answers"]]}})
    return rows[:count]


def system_answer(index, row):
    """A deterministic system: right, partly right, wrong or empty, in turn."""
    gold = row["answers"]["text"]
    return [gold[0] if gold else "", f"the {gold[-1]} here" if gold else "Paris", row["context"].split()[0], ""][
        index % 4]


@pytest.fixture(scope="module")
def modules(metric_dir):
    return {preset: evaluate.load(metric_dir, preset) for preset in ("squad", "squad_v2")}


# ---------------------------------------------------------------- QuestionAnsweringEvaluator


class AnsweringPipeline:
    """A callable pipeline, as evaluate's own evaluator tests pass one (transformers 5 has no QA pipeline)."""

    task = "question-answering"

    def __init__(self, rows):
        self.rows = rows

    def __call__(self, question, context, **kwargs):
        assert list(question) == [row["question"] for row in self.rows]  # the evaluator passes every row in order
        return [{"answer": system_answer(i, row), "score": 0.0} for i, row in enumerate(self.rows)]


@pytest.fixture
def evaluator_on_transformers_5(monkeypatch):
    """evaluate 0.4.6's evaluator on transformers 5: ``evaluator("question-answering")`` asks transformers
    for its removed task, so the class is built directly, and its pipeline check names
    ``transformers.TFPreTrainedModel``, which transformers 5 removed: a stand-in class that
    nothing is an instance of lets the check run (our pipeline is a plain callable)."""
    import transformers

    monkeypatch.setattr(transformers, "TFPreTrainedModel", type("TFPreTrainedModel", (), {}), raising=False)
    return evaluate.QuestionAnsweringEvaluator()


@pytest.mark.parametrize("version, preset", [("1.1", "squad"), ("2.0", "squad_v2")])
def test_question_answering_evaluator_with_bootstrap_resampling(modules, evaluator_on_transformers_5, version, preset):
    """Resampling repeats ids; each row is scored, and every resample's score is the official one's."""
    rows = squad_rows(version, count=40)
    data = Dataset.from_list(rows)
    result = evaluator_on_transformers_5.compute(
        model_or_pipeline=AnsweringPipeline(rows), data=data, metric=modules[preset],
        squad_v2_format=preset == "squad_v2", strategy="bootstrap", n_resamples=30, random_state=0)
    predictions = {row["id"]: system_answer(i, row) for i, row in enumerate(rows)}
    gold = [(row["id"], row["answers"]["text"]) for row in rows]
    if preset == "squad":
        expected = official_v11(gold, predictions)
        key = "exact_match"

        def statistic(indices):
            return official_v11([gold[int(i)] for i in indices], predictions)[key]
    else:
        expected = official_v2(gold, predictions, dict.fromkeys(predictions, 0.0))
        key = "exact"

        def statistic(indices):  # a resampled row is one more question (row by row, as squad does)
            picked = [rows[int(i)] for i in indices]
            return qascore.compute([predictions[row["id"]] for row in picked],
                                   [row["answers"]["text"] for row in picked], preset="squad_v2")[key]
    assert result[key]["score"] == pytest.approx(expected[key], abs=1e-9)
    # the same resamples (scipy's bootstrap, the same seed), scored by the transcription
    interval = bootstrap([np.arange(len(rows))], statistic, vectorized=False, n_resamples=30, random_state=0,
                         confidence_level=0.95).confidence_interval
    assert np.isfinite(interval.low) and interval.low < interval.high
    assert result[key]["confidence_interval"] == pytest.approx((interval.low, interval.high), abs=1e-9)


def test_repeated_identical_records_count_once_per_row(modules):
    rows = squad_rows("1.1", count=6)
    answers = {row["id"]: system_answer(i, row) for i, row in enumerate(rows)}
    picked = [rows[i] for i in (0, 0, 3, 5, 5, 5)]
    predictions = [{"id": row["id"], "prediction_text": answers[row["id"]]} for row in picked]
    references = [{"id": row["id"], "answers": row["answers"]} for row in picked]
    expected = official_v11([(row["id"], row["answers"]["text"]) for row in picked], answers)
    assert modules["squad"].compute(predictions=predictions, references=references) == pytest.approx(expected)
    assert qascore.compute(predictions[::-1], references) == pytest.approx(expected)


# ---------------------------------------------------------------- evaluate.combine


def test_combine_with_add_and_add_batch(metric_dir):
    rows = squad_rows("1.1", count=12)
    predictions = [{"id": row["id"], "prediction_text": system_answer(i, row)} for i, row in enumerate(rows)]
    references = [{"id": row["id"], "answers": row["answers"]} for row in rows]
    combined = evaluate.combine([evaluate.load(metric_dir, "squad"), evaluate.load(metric_dir, "korquad")])
    combined.add_batch(predictions=predictions[:8], references=references[:8])
    for prediction, reference in zip(predictions[8:], references[8:]):
        combined.add(prediction=prediction, reference=reference)
    expected = {f"qa_em_f1_{index}_{key}": value
                for index, preset in enumerate(("squad", "korquad"))
                for key, value in qascore.compute(predictions, references, preset=preset).items()}
    assert combined.compute() == expected
    assert combined.compute(predictions=predictions, references=references) == expected
