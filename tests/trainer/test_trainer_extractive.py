"""Extractive QA: Trainer.evaluate() with QAComputeMetrics.for_extractive equals scoring by hand.

The expected numbers come from an independent, loop-by-loop rewrite of transformers' utils_qa.py
post-processing over logits computed here with a plain forward pass, scored with qascore.compute
against all gold answers. The model is a tiny BERT trained for a few seconds on the same questions
(tests/helpers_trainer.py), so answers overlap gold.
"""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the helpers
import helpers_trainer as helpers  # noqa: E402

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import qascore  # noqa: E402
from qascore.trainer.generative import QAComputeMetrics  # noqa: E402
from qascore.trainer.spans import SpanPicker  # noqa: E402

V1_RECORDS = helpers.squad_records()[:12]  # seen in training
V2_RECORDS = helpers.squad_records(12, version="2.0")  # the first v2 questions: answerable and not


@pytest.fixture(autouse=True)
def _one_thread():
    with helpers.one_torch_thread():
        yield


def reference_answers(records, features, start_logits, end_logits, *, n_best=20, max_answer_length=30,
                      null_threshold=None):
    """utils_qa.postprocess_qa_predictions, rewritten plainly: best span per example, optional null rule."""
    answers, null_odds = [], []
    for record in records:
        candidates, null_score = [], None
        for index, feature in enumerate(features):
            if feature["example_id"] != record["id"]:
                continue
            offsets = feature["offset_mapping"]
            starts, ends = start_logits[index], end_logits[index]
            feature_null = starts[0] + ends[0]
            if null_score is None or feature_null < null_score:
                null_score = feature_null
            top_starts = np.argsort(starts)[-1 : -n_best - 1 : -1].tolist()
            top_ends = np.argsort(ends)[-1 : -n_best - 1 : -1].tolist()
            for start in top_starts:
                for end in top_ends:
                    if start >= len(offsets) or end >= len(offsets) or offsets[start] is None or offsets[end] is None:
                        continue
                    if end < start or end - start + 1 > max_answer_length:
                        continue
                    candidates.append((starts[start] + ends[end], offsets[start][0], offsets[end][1]))
        best = max(candidates, key=lambda candidate: candidate[0]) if candidates else None
        text = record["context"][best[1] : best[2]] if best else ""
        if null_threshold is not None:
            margin = null_score - (best[0] if best else -math.inf)
            if margin > null_threshold:
                text = ""
            null_odds.append(1 / (1 + math.exp(-margin)))
        answers.append(text)
    return answers, null_odds


def forward_logits(model, dataset):
    batch = transformers.default_data_collator(
        [{"input_ids": row["input_ids"], "attention_mask": row["attention_mask"]} for row in dataset]
    )
    with torch.no_grad():
        output = model(**batch)
    return output.start_logits.numpy().astype(np.float64), output.end_logits.numpy().astype(np.float64)


def evaluate(tmp_path, compute_metrics, dataset, **arguments):
    trainer = transformers.Trainer(
        model=helpers.trained_bert_qa(),
        args=helpers.trainer_arguments(tmp_path, per_device_eval_batch_size=7, **arguments),
        eval_dataset=dataset,
        data_collator=transformers.default_data_collator,
        compute_metrics=compute_metrics,
    )
    return [trainer.evaluate() for _ in range(2)]


@pytest.mark.parametrize(
    "batch_eval_metrics, concat_batches, metric",
    [(False, True, None), (True, True, None), (False, False, None), (True, True, "path")],
)
def test_extractive_squad_equals_reference(tmp_path, batch_eval_metrics, concat_batches, metric):
    dataset = helpers.extractive_dataset(V1_RECORDS)
    assert len(dataset) > 2 * len(V1_RECORDS), "contexts should span several stride windows"
    compute_metrics = QAComputeMetrics.for_extractive(
        examples=list(V1_RECORDS), features=dataset, metric=str(helpers.METRIC_DIR) if metric else None
    )
    runs = evaluate(
        tmp_path, compute_metrics, dataset, batch_eval_metrics=batch_eval_metrics, eval_do_concat_batches=concat_batches
    )
    starts, ends = forward_logits(helpers.trained_bert_qa(), dataset)
    answers, _ = reference_answers(V1_RECORDS, dataset, starts, ends)
    expected = {
        f"eval_{key}": value
        for key, value in qascore.compute(answers, [r["answers"]["text"] for r in V1_RECORDS]).items()
    }
    assert expected["eval_f1"] > 0
    for metrics in runs:
        assert metrics["eval_exact_match"] == pytest.approx(expected["eval_exact_match"], abs=1e-12)
        assert metrics["eval_f1"] == pytest.approx(expected["eval_f1"], abs=1e-12)
        assert "eval_loss" in metrics  # the features carry labels, so Trainer evaluates and scores


@pytest.mark.parametrize("null_threshold", [0.0, 2.0])
def test_extractive_squad_v2_null_rule(tmp_path, null_threshold):
    dataset = helpers.extractive_dataset(V2_RECORDS)
    gold = [r["answers"]["text"] for r in V2_RECORDS]
    assert any(gold) and not all(gold), "the sample should mix answerable and unanswerable questions"
    compute_metrics = QAComputeMetrics.for_extractive(
        examples=list(V2_RECORDS), features=dataset, preset="squad_v2", null_threshold=null_threshold
    )
    metrics = evaluate(tmp_path, compute_metrics, dataset)[0]
    starts, ends = forward_logits(helpers.trained_bert_qa(), dataset)
    answers, null_odds = reference_answers(V2_RECORDS, dataset, starts, ends, null_threshold=null_threshold)
    expected = qascore.compute(answers, gold, preset="squad_v2", no_answer_probabilities=null_odds)
    for key in ("exact", "f1", "HasAns_f1", "NoAns_exact", "best_f1", "best_f1_thresh"):
        assert metrics[f"eval_{key}"] == pytest.approx(expected[key], abs=1e-9), key


def test_features_without_labels_are_refused():
    dataset = helpers.extractive_dataset(V1_RECORDS).remove_columns(["start_positions", "end_positions"])
    with pytest.raises(ValueError, match="Trainer only calls compute_metrics when evaluation features carry"):
        QAComputeMetrics.for_extractive(examples=list(V1_RECORDS), features=dataset)


def test_span_picker_rules():
    """Hand-made logits: the best span may sit in the second window; long spans and the null rule."""
    context = "alpha beta gamma delta"
    offsets = [[None, (0, 5), (6, 10), None], [None, (6, 10), (11, 16), (17, 22)]]
    feature_a = (np.array([0.0, 3.0, 1.0, 0.0]), np.array([0.0, 1.0, 3.0, 0.0]))  # "alpha beta": 6
    feature_b = (np.array([0.0, 0.0, 4.0, 1.0]), np.array([0.0, 0.0, 0.0, 4.0]))  # "gamma delta": 8
    picker = SpanPicker(contexts=[context], feature_examples=[0, 0], feature_offsets=offsets)
    picker.add([feature_a[0]], [feature_a[1]])  # features may arrive in separate batches
    picker.add([feature_b[0]], [feature_b[1]])
    assert picker.finish() == (["gamma delta"], None)
    short = SpanPicker(contexts=[context], feature_examples=[0, 0], feature_offsets=offsets, max_answer_length=1)
    short.add([feature_a[0], feature_b[0]], [feature_a[1], feature_b[1]])
    assert short.finish()[0] == ["delta"]  # one-token spans: delta 1 + 4 beats alpha 3 + 1 and gamma 4 + 0
    nulls = SpanPicker(contexts=[context], feature_examples=[0], feature_offsets=offsets[:1], with_no_answer=True,
                       null_threshold=1.0)
    nulls.add([np.array([5.0, 3.0, 1.0, 0.0])], [np.array([3.0, 1.0, 3.0, 0.0])])  # null 8 vs span 6
    answers, probabilities = nulls.finish()
    assert answers == [""] and probabilities == [pytest.approx(1 / (1 + math.exp(-2.0)))]
    with pytest.raises(ValueError, match="features= has 2 features but logits came for 1"):
        picker.add([feature_a[0]], [feature_a[1]])
        picker.finish()


def test_prepare_features_labels_point_at_the_answer():
    """Windows holding the first gold answer label the tokens that cover it; the others point at [CLS]."""
    dataset = helpers.extractive_dataset(V1_RECORDS)
    by_id = {record["id"]: record for record in V1_RECORDS}
    inside = 0
    for feature in dataset:
        record = by_id[feature["example_id"]]
        start, end = feature["start_positions"], feature["end_positions"]
        if start == 0:
            assert end == 0 and feature["input_ids"][0] == helpers.CLS_ID
            continue
        offsets = feature["offset_mapping"]
        answer_start = record["answers"]["answer_start"][0]
        answer_end = answer_start + len(record["answers"]["text"][0])
        assert offsets[start][0] <= answer_start < offsets[start][1]  # first token covers the answer's start
        assert offsets[end][0] < answer_end <= offsets[end][1]  # last token covers its end
        inside += 1
    assert inside >= len(V1_RECORDS)  # every answer lies in at least one window
