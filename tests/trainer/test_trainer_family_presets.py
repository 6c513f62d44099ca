"""Seq2SeqTrainer.evaluate() with QAComputeMetrics(preset=P) for the presets of qascore.families whose
gold answers are lists of strings: the adapter's figures equal qascore.compute on the same generations.

The model is the tiny T5 of tests/helpers_trainer.py (trained a few seconds on SQuAD v1.1 dev, so
some answers match gold); the gold answers come from a ``datasets`` column of SQuAD answer dicts. The
expected figures are computed here without the adapter: generate batch by batch, decode, and call
qascore.compute with the preset.
"""

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

#: Family presets of SQuAD-layout benchmarks: the references column holds SQuAD answer dicts.
SQUAD_LAYOUT_PRESETS = ["cmrc2018", "drcd", "jsquad", "mrqa"]
#: Open-domain family presets: the references column holds lists of gold answer strings (NQ-open's ``answer``).
ANSWER_LIST_PRESETS = ["nq_open", "efficientqa", "curated_trec", "curated_trec_search", "triviaqa"]


@pytest.fixture(autouse=True)
def _one_thread():
    with helpers.one_torch_thread():
        yield


def direct_generations(model, dataset, batch_size=5):
    tokenizer = helpers.qa_tokenizer()
    collate = transformers.DataCollatorForSeq2Seq(tokenizer, model=model)
    predictions = []
    with torch.no_grad():
        for start in range(0, len(dataset), batch_size):
            batch = collate([dataset[i] for i in range(start, min(start + batch_size, len(dataset)))])
            generated = model.generate(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            predictions += tokenizer.batch_decode(generated, skip_special_tokens=True)
    return predictions


def test_every_listed_preset_is_a_family():
    for preset in SQUAD_LAYOUT_PRESETS + ANSWER_LIST_PRESETS:
        assert qascore.PRESETS[preset].family is not None, preset


@pytest.mark.parametrize("batch_eval_metrics", [False, True])
@pytest.mark.parametrize("preset", SQUAD_LAYOUT_PRESETS + ANSWER_LIST_PRESETS)
def test_family_preset_through_seq2seq_trainer_equals_compute(tmp_path, preset, batch_eval_metrics):
    import datasets

    model = helpers.trained_t5()
    dataset = helpers.seq2seq_dataset(EVAL_RECORDS)
    column = [record["answers"] if preset in SQUAD_LAYOUT_PRESETS else record["answers"]["text"] for record in EVAL_RECORDS]
    references = datasets.Dataset.from_dict({"answers": column})["answers"]
    compute_metrics = QAComputeMetrics(helpers.qa_tokenizer(), preset=preset, references=references)
    trainer = transformers.Seq2SeqTrainer(
        model=model,
        args=helpers.trainer_arguments(tmp_path, predict_with_generate=True, batch_eval_metrics=batch_eval_metrics),
        eval_dataset=dataset,
        data_collator=transformers.DataCollatorForSeq2Seq(helpers.qa_tokenizer(), model=model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
        processing_class=helpers.qa_tokenizer(),
    )
    runs = [trainer.evaluate() for _ in range(2)]  # twice: the second run must start clean
    expected = qascore.compute(direct_generations(model, dataset), GOLD, preset=preset)
    assert any(value > 0 for value in expected.values() if isinstance(value, float)), "some answers should match"
    for metrics in runs:
        assert {key: metrics[f"eval_{key}"] for key in expected} == expected
