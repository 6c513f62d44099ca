"""Seq2SeqTrainer.evaluate() with QAComputeMetrics equals scoring the model's generations directly.

The model is a tiny T5 trained for a few seconds (tests/helpers_trainer.py), so some answers match
gold and the comparison is not 0 = 0. The expected numbers are computed here independently of the
adapter: generate batch by batch with the same collator, decode, and call qascore.compute against
all gold answers.
"""

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the helpers
import helpers_trainer as helpers  # noqa: E402

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import qascore  # noqa: E402
from qascore.scoring.question_types import question_type  # noqa: E402
from qascore.trainer.generative import QAComputeMetrics  # noqa: E402

EVAL_RECORDS = helpers.squad_records()[:12]  # seen in training, evaluated in batches of 5, 5 and 2
GOLD = [record["answers"]["text"] for record in EVAL_RECORDS]


@pytest.fixture(autouse=True)
def _one_thread():
    with helpers.one_torch_thread():
        yield


def eval_dataset():
    return helpers.seq2seq_dataset(EVAL_RECORDS)


def collator(model):
    return transformers.DataCollatorForSeq2Seq(helpers.qa_tokenizer(), model=model)


def direct_generation(model, dataset, batch_size=5):
    """Greedy generations and decoded inputs, computed without Trainer or the adapter."""
    tokenizer = helpers.qa_tokenizer()
    predictions, inputs = [], []
    with torch.no_grad():
        for start in range(0, len(dataset), batch_size):
            batch = collator(model)([dataset[i] for i in range(start, min(start + batch_size, len(dataset)))])
            generated = model.generate(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            predictions += tokenizer.batch_decode(generated, skip_special_tokens=True)
            inputs += tokenizer.batch_decode(batch["input_ids"], skip_special_tokens=True)
    return predictions, inputs


def direct_teacher_forced(model, dataset, batch_size=5):
    """Argmax predictions at the label positions (teacher forcing), decoded without the adapter."""
    tokenizer = helpers.qa_tokenizer()
    predictions = []
    with torch.no_grad():
        for start in range(0, len(dataset), batch_size):
            batch = collator(model)([dataset[i] for i in range(start, min(start + batch_size, len(dataset)))])
            logits = model(**batch).logits
            for ids, labels in zip(logits.argmax(-1), batch["labels"]):
                kept = [int(token) for token, label in zip(ids, labels) if label != -100]
                if helpers.EOS_ID in kept:
                    kept = kept[: kept.index(helpers.EOS_ID)]
                predictions.append(tokenizer.decode(kept, skip_special_tokens=True))
    return predictions


def run_evaluate(tmp_path, compute_metrics, **arguments):
    model = helpers.trained_t5()
    trainer = transformers.Seq2SeqTrainer(
        model=model,
        args=helpers.trainer_arguments(tmp_path, **arguments),
        eval_dataset=eval_dataset(),
        data_collator=collator(model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
        processing_class=helpers.qa_tokenizer(),
    )
    return [trainer.evaluate() for _ in range(2)]  # twice: the second run must start clean


def eval_keys(results):
    return {f"eval_{key}": value for key, value in results.items()}


@pytest.mark.parametrize(
    "with_inputs, batch_eval_metrics, metric",
    [
        (False, False, None),
        (True, False, None),
        (False, True, None),
        (True, True, None),
        (True, False, "path"),
        (True, True, "path"),
    ],
)
def test_generate_equals_direct_scoring(tmp_path, with_inputs, batch_eval_metrics, metric):
    compute_metrics = QAComputeMetrics(
        helpers.qa_tokenizer(),
        metric=str(helpers.METRIC_DIR) if metric == "path" else None,
        references=[record["answers"] for record in EVAL_RECORDS],
    )
    runs = run_evaluate(
        tmp_path,
        compute_metrics,
        predict_with_generate=True,
        batch_eval_metrics=batch_eval_metrics,
        include_for_metrics=["inputs"] if with_inputs else [],
    )
    predictions, inputs = direct_generation(helpers.trained_t5(), eval_dataset())
    expected = eval_keys(qascore.compute(predictions, GOLD, inputs=inputs if with_inputs else None))
    assert expected["eval_f1"] > 0, "the trained model should get some answers partly right"
    assert ("eval_grounding_rate" in expected) == with_inputs
    for metrics in runs:
        assert {key: metrics[key] for key in expected} == expected


def test_all_gold_answers_are_used(tmp_path):
    """Without references= the single decoded label is the gold answer; with them, the max over all."""
    with_labels_only = run_evaluate(
        tmp_path, QAComputeMetrics(helpers.qa_tokenizer()), predict_with_generate=True
    )[0]
    predictions, _ = direct_generation(helpers.trained_t5(), eval_dataset())
    tokenizer = helpers.qa_tokenizer()
    label_texts = [tokenizer.decode(row["labels"], skip_special_tokens=True) for row in eval_dataset()]
    expected = eval_keys(qascore.compute(predictions, label_texts))
    assert {key: with_labels_only[key] for key in expected} == expected


@pytest.mark.parametrize("use_preprocess, concat_batches", [(True, True), (False, True), (True, False)])
def test_teacher_forced_logits(tmp_path, use_preprocess, concat_batches):
    """predict_with_generate=False: predictions are (logits, encoder states) tuples, reduced by argmax."""
    model = helpers.trained_t5()
    compute_metrics = QAComputeMetrics(helpers.qa_tokenizer(), references=GOLD)
    trainer = transformers.Seq2SeqTrainer(
        model=model,
        args=helpers.trainer_arguments(tmp_path, eval_do_concat_batches=concat_batches),
        eval_dataset=eval_dataset(),
        data_collator=collator(model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits if use_preprocess else None,
    )
    metrics = trainer.evaluate()
    expected = eval_keys(qascore.compute(direct_teacher_forced(model, eval_dataset()), GOLD))
    assert expected["eval_f1"] > 0
    assert {key: metrics[key] for key in expected} == expected


def test_per_example_file(tmp_path):
    path = tmp_path / "per_example.jsonl"
    compute_metrics = QAComputeMetrics(
        helpers.qa_tokenizer(), references=[dict(record) for record in EVAL_RECORDS], per_example_file=str(path)
    )
    run_evaluate(tmp_path, compute_metrics, predict_with_generate=True, batch_eval_metrics=True)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    predictions, _ = direct_generation(helpers.trained_t5(), eval_dataset())
    per_example = qascore.compute(predictions, GOLD, return_per_example=True)["per_example"]
    assert [row["id"] for row in rows] == [record["id"] for record in EVAL_RECORDS]
    assert [row["prediction"] for row in rows] == predictions
    assert [row["references"] for row in rows] == GOLD
    assert [row["exact_match"] for row in rows] == per_example["exact_match"]  # the results' own key
    assert [row["f1"] for row in rows] == per_example["f1"]


def test_reference_count_mismatch_is_reported(tmp_path):
    compute_metrics = QAComputeMetrics(helpers.qa_tokenizer(), references=GOLD[:-1])
    with pytest.raises(ValueError, match="more predictions .* than references= has entries"):
        run_evaluate(tmp_path, compute_metrics, predict_with_generate=True)
    compute_metrics = QAComputeMetrics(helpers.qa_tokenizer(), references=GOLD + [["extra"]])
    with pytest.raises(ValueError, match="references= has 13 entries but the evaluation produced 12"):
        run_evaluate(tmp_path, compute_metrics, predict_with_generate=True, batch_eval_metrics=True)


# Evaluation data of another shape: "what" questions only (no who, when, where, ...).
WHAT_RECORDS = tuple(record for record in helpers.squad_records()[12:40] if question_type(record["question"]) == "what")[:5]


def evaluate_with(tmp_path, model, records, *, metric=None, gen_kwargs=None, **arguments):
    """One Seq2SeqTrainer.evaluate() on ``records`` with the question inputs; returns (metrics, logged entry)."""
    compute_metrics = QAComputeMetrics(
        helpers.qa_tokenizer(), metric=metric, references=[record["answers"] for record in records]
    )
    trainer = transformers.Seq2SeqTrainer(
        model=model,
        args=helpers.trainer_arguments(tmp_path, predict_with_generate=True, include_for_metrics=["inputs"],
                                       **arguments),
        eval_dataset=helpers.seq2seq_dataset(records),
        data_collator=collator(model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
    )
    metrics = trainer.evaluate(**(gen_kwargs or {}))
    return metrics, trainer.state.log_history[-1]


@pytest.mark.parametrize("metric, batch_eval_metrics", [(None, False), (None, True), ("path", False)])
def test_every_evaluation_logs_the_same_keys(tmp_path, metric, batch_eval_metrics):
    """Issue 12: evaluations on different data log exactly the same keys. The second has only "what" questions
    and, generation forced to end at once, only empty predictions: its undefined figures are NaN, counts 0."""
    metric = str(helpers.METRIC_DIR) if metric == "path" else None
    model = helpers.trained_t5()
    full, full_logged = evaluate_with(tmp_path, model, EVAL_RECORDS, metric=metric,
                                      batch_eval_metrics=batch_eval_metrics)
    silent, silent_logged = evaluate_with(tmp_path, model, WHAT_RECORDS, metric=metric,
                                          gen_kwargs={"forced_bos_token_id": helpers.EOS_ID},
                                          batch_eval_metrics=batch_eval_metrics)
    assert list(silent) == list(full)
    assert list(silent_logged) == list(full_logged)
    assert full["eval_grounding_rate"] > 0 and full["eval_count_who"] == 1.0 and full["eval_f1"] > 0
    assert silent["eval_f1"] == 0.0 and silent["eval_count_what"] == len(WHAT_RECORDS)
    assert math.isnan(silent["eval_grounding_rate"]) and math.isnan(silent_logged["eval_grounding_rate"])
    for kind in ("who", "when", "where", "which", "why", "how", "other"):
        assert silent[f"eval_count_{kind}"] == 0.0
        assert math.isnan(silent[f"eval_exact_match_{kind}"]) and math.isnan(silent[f"eval_f1_{kind}"])


def test_metric_for_best_model_survives_an_evaluation_without_its_figure(tmp_path):
    """metric_for_best_model="grounding_rate" while every prediction is empty: Trainer gets NaN (never a new best)
    instead of a missing key, which made it raise KeyError in the middle of training."""
    model = helpers.tiny_t5()
    model.generation_config.forced_bos_token_id = helpers.EOS_ID  # every generation ends at once: ""
    compute_metrics = QAComputeMetrics(helpers.qa_tokenizer(), references=GOLD)
    trainer = transformers.Seq2SeqTrainer(
        model=model,
        args=helpers.trainer_arguments(tmp_path, max_steps=2, eval_strategy="steps", eval_steps=1,
                                       metric_for_best_model="grounding_rate", predict_with_generate=True,
                                       include_for_metrics=["inputs"]),
        train_dataset=helpers.seq2seq_dataset(helpers.squad_records()[:8]),
        eval_dataset=eval_dataset(),
        data_collator=collator(model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
    )
    trainer.train()
    evaluations = [entry for entry in trainer.state.log_history if "eval_f1" in entry]
    assert len(evaluations) == 2
    assert all(math.isnan(entry["eval_grounding_rate"]) and entry["eval_f1"] == 0.0 for entry in evaluations)
    assert trainer.state.best_metric == -math.inf  # an undefined figure is never the best one
