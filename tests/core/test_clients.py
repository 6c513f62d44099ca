"""qa_em_f1 as a drop-in for evaluate's squad/squad_v2: the calls real clients make, run for real.

Each test makes the same calls as one client (evaluate's QuestionAnsweringEvaluator with
bootstrap resampling, evaluate.combine, datasets objects, torchmetrics' SQuAD inputs,
lm-evaluation-harness's squadv2 aggregation, transformers' run_qa.py and the Hugging Face
course's compute_metrics) on real SQuAD dev questions, and checks the numbers against the shipped
twin of the official scripts (qascore.scoring.reference), which the official figures in
expected.json pin down (tests/core/test_core_reference.py).
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
from helpers_official import official_v2, official_v11


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


# ---------------------------------------------------------------- datasets objects and single records


def _records(rows, *, v2=False):
    predictions = [{"id": row["id"], "prediction_text": system_answer(i, row)} for i, row in enumerate(rows)]
    if v2:
        for i, prediction in enumerate(predictions):
            prediction["no_answer_probability"] = float(i % 3) / 2
    return predictions, [{"id": row["id"], "answers": row["answers"]} for row in rows]


SEQUENCE_KINDS = {
    "Dataset": Dataset.from_list,
    "Column": lambda values: Dataset.from_dict({"column": values})["column"],
    "numpy": lambda values: np.array(values, dtype=object),
    "pandas": pd.Series,
    "pyarrow": pa.array,
    "tuple": tuple,
}


@pytest.mark.parametrize("kind", sorted(SEQUENCE_KINDS))
def test_datasets_and_array_columns_are_taken_wherever_a_list_is(modules, kind):
    rows = squad_rows("1.1", count=16)
    predictions, references = _records(rows)
    expected = official_v11([(row["id"], row["answers"]["text"]) for row in rows],
                            {p["id"]: p["prediction_text"] for p in predictions})
    wrap = SEQUENCE_KINDS[kind]
    if kind != "Dataset":  # plain lists: texts and each question's answers row as datasets gives it
        plain = qascore.compute(wrap([p["prediction_text"] for p in predictions]), wrap([r["answers"] for r in references]))
        assert plain == pytest.approx(expected)
    assert qascore.compute(wrap(predictions), wrap(references)) == pytest.approx(expected)
    assert modules["squad"].compute(predictions=wrap(predictions), references=wrap(references)) == pytest.approx(expected)
    modules["squad"].add_batch(predictions=wrap(predictions[:9]), references=wrap(references[:9]))
    modules["squad"].add_batch(predictions=wrap(predictions[9:]), references=wrap(references[9:]))
    assert modules["squad"].compute() == pytest.approx(expected)
    scorer = qascore.QAScorer()
    scorer.add_batch(predictions=wrap(predictions), references=wrap(references))
    assert scorer.compute() == pytest.approx(expected)


def test_a_single_record_per_side_is_a_batch_of_one(modules):
    """torchmetrics' SQuAD takes one dict per side; qascore takes it as a batch of one."""
    from torchmetrics.text import SQuAD

    prediction = {"prediction_text": "1976", "id": "56e10a3be3433e1400422b22"}
    reference = {"answers": {"answer_start": [97], "text": ["1976"]}, "id": "56e10a3be3433e1400422b22"}
    assert {key: float(value) for key, value in SQuAD()(prediction, reference).items()} == {"exact_match": 100.0,
                                                                                             "f1": 100.0}
    assert qascore.compute(prediction, reference) == {"exact_match": 100.0, "f1": 100.0}
    assert modules["squad"].compute(predictions=prediction, references=reference) == {"exact_match": 100.0, "f1": 100.0}


def test_torchmetrics_squad_inputs_give_the_official_numbers():
    """torchmetrics keeps float32 sums; qascore gives the official float64 figure (torchmetrics within 1e-4)."""
    from torchmetrics.text import SQuAD

    rows = squad_rows("1.1", count=60)
    predictions, references = _records(rows)
    expected = official_v11([(row["id"], row["answers"]["text"]) for row in rows],
                            {p["id"]: p["prediction_text"] for p in predictions})
    assert qascore.compute(predictions, references) == pytest.approx(expected, abs=1e-12)
    metric = SQuAD()
    for start in range(0, 60, 25):
        metric.update(predictions[start:start + 25], references[start:start + 25])
    assert {key: float(value) for key, value in metric.compute().items()} == pytest.approx(expected, abs=1e-4)


# ---------------------------------------------------------------- harnesses and training scripts


def test_lm_evaluation_harness_squadv2_aggregation(modules):
    """Per document a (prediction record, reference record) pair; the aggregation zips them into tuples."""
    rows = squad_rows("2.0", count=40)
    predictions, references = _records(rows, v2=True)
    items = list(zip(predictions, references))
    zipped_predictions, zipped_references = zip(*items)
    results = modules["squad_v2"].compute(predictions=zipped_predictions, references=zipped_references)
    gold = [(row["id"], row["answers"]["text"]) for row in rows]
    expected = official_v2(gold, {p["id"]: p["prediction_text"] for p in predictions},
                           {p["id"]: p["no_answer_probability"] for p in predictions})
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, abs=1e-9), key


@pytest.mark.parametrize("version, preset", [("1.1", "squad"), ("2.0", "squad_v2")])
def test_run_qa_post_processing_pattern(modules, version, preset):
    """run_qa.py: predictions {id: text} from post-processing (no_answer_probability 0.0 for every
    one under --version_2_with_negative, so every score ties), references from the examples."""
    rows = squad_rows(version, count=50)
    predicted = {row["id"]: system_answer(i, row) for i, row in reversed(list(enumerate(rows)))}
    examples = Dataset.from_list(rows)
    formatted = [{"id": k, "prediction_text": v} for k, v in predicted.items()]
    if preset == "squad_v2":
        formatted = [dict(p, no_answer_probability=0.0) for p in formatted]
    references = [{"id": ex["id"], "answers": ex["answers"]} for ex in examples]
    results = modules[preset].compute(predictions=formatted, references=references)
    gold = [(row["id"], row["answers"]["text"]) for row in rows]
    expected = (official_v11(gold, predicted) if preset == "squad"
                else official_v2(gold, predicted, dict.fromkeys(predicted, 0.0)))
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, abs=1e-9), key


def test_course_compute_metrics_pattern(modules):
    """The Hugging Face course: predicted {id, prediction_text} per example, theoretical answers
    built from the examples Dataset (or the Dataset passed as it is)."""
    rows = squad_rows("1.1", count=30)
    examples = Dataset.from_list(rows)
    predicted_answers = [{"id": ex["id"], "prediction_text": system_answer(i, ex)} for i, ex in enumerate(examples)]
    theoretical_answers = [{"id": ex["id"], "answers": ex["answers"]} for ex in examples]
    expected = official_v11([(row["id"], row["answers"]["text"]) for row in rows],
                            {p["id"]: p["prediction_text"] for p in predicted_answers})
    assert modules["squad"].compute(predictions=predicted_answers, references=theoretical_answers) == pytest.approx(
        expected)
    assert modules["squad"].compute(predictions=predicted_answers, references=examples) == pytest.approx(expected)


def test_evaluate_card_examples(modules):
    """The examples of evaluate's squad and squad_v2 cards, with the figures the official rules give."""
    predictions = [{"prediction_text": "1976", "id": "56e10a3be3433e1400422b22"}]
    references = [{"answers": {"answer_start": [97], "text": ["1976"]}, "id": "56e10a3be3433e1400422b22"}]
    assert modules["squad"].compute(predictions=predictions, references=references) == {"exact_match": 100.0,
                                                                                        "f1": 100.0}
    v2_predictions = [{"prediction_text": "1976", "id": "56e10a3be3433e1400422b22", "no_answer_probability": 0.0}]
    results = modules["squad_v2"].compute(predictions=v2_predictions, references=references)
    expected = official_v2([("56e10a3be3433e1400422b22", ["1976"])], {"56e10a3be3433e1400422b22": "1976"},
                           {"56e10a3be3433e1400422b22": 0.0})
    assert {key: results[key] for key in expected} == expected
    assert results["HasAns_total"] == 1 and results["total"] == 1
