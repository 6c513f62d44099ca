"""Run by tests/test_trainer_distributed.py under ``torchrun --nproc_per_node=2`` (CPU, gloo).

Loads the saved tiny T5 and tokenizer, evaluates the first ``--count`` dev questions with
Seq2SeqTrainer + QAComputeMetrics, and writes this rank's metric dict to ``<out>/rank<r>.json``.
The same function runs in the test process for the single-process reference.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def evaluate(model_dir, *, count, batch_eval_metrics, output_dir):
    """Evaluate twice with generation and inputs; return both metric dicts without timing keys.

    Process 0 also writes ``<output_dir>/per_example.jsonl``.
    """
    import transformers

    import helpers_trainer as helpers
    from qascore.trainer import QAComputeMetrics

    tokenizer = transformers.PreTrainedTokenizerFast.from_pretrained(model_dir)
    model = transformers.T5ForConditionalGeneration.from_pretrained(model_dir)
    records = helpers.squad_records()[:count]
    compute_metrics = QAComputeMetrics(
        tokenizer, references=[dict(r) for r in records], per_example_file=str(Path(output_dir) / "per_example.jsonl")
    )
    trainer = transformers.Seq2SeqTrainer(
        model=model,
        args=helpers.trainer_arguments(
            output_dir,
            per_device_eval_batch_size=2,
            predict_with_generate=True,
            include_for_metrics=["inputs"],
            batch_eval_metrics=batch_eval_metrics,
        ),
        eval_dataset=helpers.seq2seq_dataset(records, tokenizer),
        data_collator=transformers.DataCollatorForSeq2Seq(tokenizer, model=model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
    )
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    runs = [trainer.evaluate() for _ in range(2)]
    return [{k: v for k, v in run.items() if not k.endswith(("runtime", "per_second", "_time"))} for run in runs]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--batch-eval-metrics", action="store_true")
    arguments = parser.parse_args()
    import torch.distributed as dist

    from qascore.distributed import rank, world_size

    runs = evaluate(
        arguments.model_dir,
        count=arguments.count,
        batch_eval_metrics=arguments.batch_eval_metrics,
        output_dir=Path(arguments.out) / "trainer",
    )
    assert dist.is_initialized() and world_size() == 2, "expected two processes"
    with open(Path(arguments.out) / f"rank{rank()}.json", "w", encoding="utf-8") as handle:
        json.dump(runs, handle)


if __name__ == "__main__":
    main()
