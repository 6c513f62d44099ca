"""Decoder-only (GPT-2-like) models: the echoed prompt is stripped and the answer extracted.

The tiny GPT-2 (tests/helpers_trainer.py) is trained to continue a prompt with "answer: <gold>".
Expected numbers are computed without the adapter: generate on the same left-padded batches, keep
the tokens after the prompt by position, decode, take the first line without the "answer:" cue
(written out here), and score with qascore.compute against all gold answers.
"""

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the helpers
import helpers_trainer as helpers  # noqa: E402

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import qascore  # noqa: E402
from qascore.trainer.generative import QAComputeMetrics  # noqa: E402

EVAL_RECORDS = helpers.squad_records()[:12]
GOLD = [record["answers"]["text"] for record in EVAL_RECORDS]


@pytest.fixture(autouse=True)
def _one_thread():
    with helpers.one_torch_thread():
        yield


def collator(model):
    return transformers.DataCollatorForSeq2Seq(helpers.left_padding_tokenizer(), model=model)


def strip_cue(text):
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return re.sub(r"^answer\s*:\s*", "", first_line, flags=re.IGNORECASE).strip()


def direct_answers(model, dataset, batch_size=5):
    tokenizer = helpers.qa_tokenizer()
    answers, prompts = [], []
    with torch.no_grad():
        for start in range(0, len(dataset), batch_size):
            batch = collator(model)([dataset[i] for i in range(start, min(start + batch_size, len(dataset)))])
            generated = model.generate(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            new_tokens = generated[:, batch["input_ids"].shape[1] :]
            answers += [strip_cue(text) for text in tokenizer.batch_decode(new_tokens, skip_special_tokens=True)]
            prompts += tokenizer.batch_decode(batch["input_ids"], skip_special_tokens=True)
    return answers, prompts


def make_trainer(tmp_path, compute_metrics, dataset, **arguments):
    model = helpers.trained_gpt2()
    return transformers.Seq2SeqTrainer(
        model=model,
        args=helpers.trainer_arguments(tmp_path, **arguments),
        eval_dataset=dataset,
        data_collator=collator(model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
    )


@pytest.mark.parametrize("batch_eval_metrics", [False, True])
def test_generation_strips_prompt_and_cue(tmp_path, batch_eval_metrics):
    dataset = helpers.causal_eval_dataset(EVAL_RECORDS)
    compute_metrics = QAComputeMetrics(
        helpers.qa_tokenizer(), references=GOLD, decoder_only=True, extract_answer=True
    )
    trainer = make_trainer(
        tmp_path,
        compute_metrics,
        dataset,
        predict_with_generate=True,
        include_for_metrics=["inputs"],
        batch_eval_metrics=batch_eval_metrics,
    )
    runs = [trainer.evaluate() for _ in range(2)]
    answers, prompts = direct_answers(helpers.trained_gpt2(), dataset)
    expected = {f"eval_{k}": v for k, v in qascore.compute(answers, GOLD, inputs=prompts).items()}
    assert expected["eval_f1"] > 0
    for metrics in runs:
        assert {key: metrics[key] for key in expected} == expected


def test_decoder_only_needs_inputs(tmp_path):
    dataset = helpers.causal_eval_dataset(EVAL_RECORDS)
    compute_metrics = QAComputeMetrics(helpers.qa_tokenizer(), references=GOLD, decoder_only=True)
    trainer = make_trainer(tmp_path, compute_metrics, dataset, predict_with_generate=True)
    with pytest.raises(ValueError, match=r"include_for_metrics=\['inputs'\]"):
        trainer.evaluate()


def test_teacher_forced_logits_are_shifted(tmp_path):
    """Without generate, a causal LM's logits at t predict token t+1; the adapter aligns them with labels."""
    dataset = helpers.causal_train_dataset(EVAL_RECORDS)
    compute_metrics = QAComputeMetrics(helpers.qa_tokenizer(), references=GOLD, decoder_only=True,
                                       extract_answer=True)
    trainer = make_trainer(tmp_path, compute_metrics, dataset, include_for_metrics=["inputs"])
    metrics = trainer.evaluate()
    model, tokenizer = helpers.trained_gpt2(), helpers.qa_tokenizer()
    answers = []
    with torch.no_grad():
        for start in range(0, len(dataset), 5):  # the same left-padded batches Trainer evaluates
            batch = collator(model)([dataset[i] for i in range(start, min(start + 5, len(dataset)))])
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            for row_logits, labels in zip(logits, batch["labels"]):
                kept = [int(row_logits[t - 1].argmax()) for t, label in enumerate(labels) if label != -100]
                if helpers.EOS_ID in kept:
                    kept = kept[: kept.index(helpers.EOS_ID)]
                answers.append(strip_cue(tokenizer.decode(kept, skip_special_tokens=True)))
    expected = qascore.compute(answers, GOLD)
    assert expected["f1"] > 0
    assert metrics["eval_f1"] == pytest.approx(expected["f1"], abs=1e-12)
    assert metrics["eval_exact_match"] == pytest.approx(expected["exact_match"], abs=1e-12)
