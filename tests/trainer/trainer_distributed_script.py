"""Run by tests/trainer/test_trainer_distributed.py under ``torchrun --nproc_per_node=2`` (CPU, gloo).

Loads a saved tiny model and tokenizer, evaluates the first ``--count`` dev questions with the Trainer
adapter, and writes this rank's metric dicts to ``<out>/rank<r>.json``. The test process calls
:func:`evaluate` itself for the single-process reference.

- ``--kind seq2seq``: T5, Seq2SeqTrainer with generation and inputs, QAComputeMetrics;
- ``--kind extractive``: BERT span model, Trainer, QAComputeMetrics.for_extractive.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the helpers


def evaluate(model_dir, *, kind, count, batch_eval_metrics, output_dir):
    """Evaluate twice; return both metric dicts without timing keys.

    Process 0 also writes ``<output_dir>/per_example.jsonl``.
    """
    import transformers

    from qascore.trainer.generative import QAComputeMetrics

    import helpers_trainer as helpers

    Path(output_dir).mkdir(parents=True, exist_ok=True)
    per_example_file = str(Path(output_dir) / "per_example.jsonl")
    # the saved tokenizer, not a new one: WordPiece training differs between processes
    tokenizer = transformers.PreTrainedTokenizerFast.from_pretrained(model_dir)
    records = helpers.squad_records()[:count]
    arguments = dict(per_device_eval_batch_size=2, batch_eval_metrics=batch_eval_metrics)
    if kind == "seq2seq":
        model = transformers.T5ForConditionalGeneration.from_pretrained(model_dir)
        compute_metrics = QAComputeMetrics(tokenizer, references=[dict(r) for r in records],
                                           per_example_file=per_example_file)
        trainer = transformers.Seq2SeqTrainer(
            model=model,
            args=helpers.trainer_arguments(
                output_dir, predict_with_generate=True, include_for_metrics=["inputs"], **arguments
            ),
            eval_dataset=helpers.seq2seq_dataset(records, tokenizer),
            data_collator=transformers.DataCollatorForSeq2Seq(tokenizer, model=model),
            compute_metrics=compute_metrics,
            preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
        )
    else:
        model = transformers.BertForQuestionAnswering.from_pretrained(model_dir)
        features = helpers.extractive_dataset(records, tokenizer)
        compute_metrics = QAComputeMetrics.for_extractive(
            examples=list(records), features=features, per_example_file=per_example_file
        )
        trainer = transformers.Trainer(
            model=model,
            args=helpers.trainer_arguments(output_dir, **arguments),
            eval_dataset=features,
            data_collator=transformers.default_data_collator,
            compute_metrics=compute_metrics,
        )
    runs = [trainer.evaluate() for _ in range(2)]
    return [{k: v for k, v in run.items() if not k.endswith(("runtime", "per_second", "_time"))} for run in runs]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--kind", choices=["seq2seq", "extractive"], required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--batch-eval-metrics", action="store_true")
    arguments = parser.parse_args()
    import torch.distributed as dist

    from qascore.trainer.distributed import rank, world_size

    runs = evaluate(
        arguments.model_dir,
        kind=arguments.kind,
        count=arguments.count,
        batch_eval_metrics=arguments.batch_eval_metrics,
        output_dir=Path(arguments.out) / "trainer",
    )
    assert dist.is_initialized() and world_size() == 2, "expected two processes"
    with open(Path(arguments.out) / f"rank{rank()}.json", "w", encoding="utf-8") as handle:
        json.dump(runs, handle)
    # Without this, gloo's worker threads can outlive the interpreter and abort the process at
    # exit ("terminate called without an active exception", pytorch/pytorch#190489).
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
