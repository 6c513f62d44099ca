"""Fine-tune a small seq2seq QA model on CPU and report SQuAD EM/F1 at every evaluation.

Everything is local: the SQuAD v1.1 dev file from ../shared/data is split by article into a training
part and a held-out evaluation part, a WordPiece tokenizer (the `tokenizers` library) gets a vocabulary
built from the training part, and a small T5 is built from a config (random weights). Evaluation uses
Seq2SeqTrainer with predict_with_generate and include_for_metrics=["inputs"], so qascore also
reports the grounding rate and scores per question type.

    .venv/bin/python examples/seq2seq_squad.py                   # several minutes on 2 CPU cores
    .venv/bin/python examples/seq2seq_squad.py --max-steps 200   # a quick smoke run

The run is deterministic: seeds (transformers.enable_full_determinism), one torch thread,
torch.use_deterministic_algorithms(True) and a seeded data order, so two runs with the same
arguments print the same numbers. Output goes to --output-dir, by default a folder under the
system temporary directory, never into the repository.

A tiny T5 trained from scratch for minutes (no pretrained weights can be downloaded here) learns
the questions it was trained on, not SQuAD: the held-out scores stay near zero while the scores on
seen questions are not (the numbers of one run are in examples/README.md). Both are computed
exactly as the official SQuAD v1.1 script would (all gold answers, official normalisation), at
every evaluation; with a pretrained model the same code reports real held-out numbers.
"""

import argparse
import collections
import json
import os
import re
import resource
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported: one thread, same sums every run

import datasets
import torch
import transformers
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from qascore.trainer.generative import QAComputeMetrics

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "squad" / "dev-v1.1.json"
DEFAULT_OUTPUT_DIR = Path(tempfile.gettempdir()) / "qascore-seq2seq_squad"


def make_deterministic(seed):
    """Same numbers every run on CPU: seeds, one thread (float sums in a fixed order), deterministic kernels."""
    transformers.enable_full_determinism(seed)  # set_seed + torch.use_deterministic_algorithms(True)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)


def load_split(path, *, eval_articles):
    """SQuAD records, split by article: the last ``eval_articles`` articles are held out."""
    with open(path, encoding="utf-8") as handle:
        articles = json.load(handle)["data"]

    def records(selected):
        return [
            {
                "id": qa["id"],
                "question": qa["question"],
                "context": paragraph["context"],
                "answers": {
                    "text": [answer["text"] for answer in qa["answers"]],
                    "answer_start": [answer["answer_start"] for answer in qa["answers"]],
                },
            }
            for article in selected
            for paragraph in article["paragraphs"]
            for qa in paragraph["qas"]
        ]

    return records(articles[:-eval_articles]), records(articles[-eval_articles:])


def train_tokenizer(records, *, vocab_size):
    """A lower-casing WordPiece tokenizer whose vocabulary comes from the questions and contexts of ``records``.

    The vocabulary is built here, not by ``tokenizers``' WordPieceTrainer, whose ties between equally
    frequent merges fall differently in every run (a different vocabulary, so different numbers):
    every character seen (alone and as a ``##`` continuation, so any word of those characters can be
    spelled) plus the most frequent words, ties broken alphabetically.
    """
    normalizer = normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    counts = collections.Counter(
        word
        for record in records
        for text in (record["question"], record["context"])
        for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))
    )
    special = ["[PAD]", "[UNK]", "[EOS]"]
    characters = sorted({character for word in counts for character in word})
    vocabulary = special + characters + ["##" + character for character in characters]
    known = set(vocabulary)
    for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(vocabulary) >= vocab_size:
            break
        if word not in known:
            vocabulary.append(word)
            known.add(word)
    tokenizer = Tokenizer(models.WordPiece({token: index for index, token in enumerate(vocabulary)}, unk_token="[UNK]"))
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.decoder = decoders.WordPiece()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A [EOS]", special_tokens=[("[EOS]", tokenizer.token_to_id("[EOS]"))]
    )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, pad_token="[PAD]", unk_token="[UNK]", eos_token="[EOS]",
        model_input_names=["input_ids", "attention_mask"],
    )


def answer_sentence(record):
    """The sentence of the context around the first gold answer's start."""
    context, start = record["context"], record["answers"]["answer_start"][0]
    begin = max((match.end() for match in re.finditer(r"[.!?]\s", context[:start])), default=0)
    end = re.search(r"[.!?](\s|$)", context[start + len(record["answers"]["text"][0]) :])
    stop = len(context) if end is None else start + len(record["answers"]["text"][0]) + end.end()
    return context[begin:stop].strip()


def tokenize(records, tokenizer, *, context, max_source_length, max_target_length):
    """Model inputs "question: ... context: ..." and labels (the first gold answer)."""
    texts = [r["context"] if context == "paragraph" else answer_sentence(r) for r in records]
    sources = tokenizer(
        [f"question: {r['question']} context: {text}" for r, text in zip(records, texts)],
        truncation=True, max_length=max_source_length,
    )
    targets = tokenizer([r["answers"]["text"][0] for r in records], truncation=True, max_length=max_target_length)
    return datasets.Dataset.from_dict({**sources, "labels": targets["input_ids"]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SQuAD v1.1-format JSON file")
    parser.add_argument("--eval-articles", type=int, default=4, help="articles held out for evaluation")
    parser.add_argument("--train-questions", type=int, default=1000, help="questions of the training articles used")
    parser.add_argument("--eval-questions", type=int, default=200)
    parser.add_argument(
        "--context", choices=["sentence", "paragraph"], default="sentence",
        help="what the model reads: the sentence holding the answer (learnable in minutes) or the paragraph",
    )
    parser.add_argument("--max-steps", type=int, default=3000)
    parser.add_argument("--learning-rate", type=float, default=5e-3)
    parser.add_argument("--eval-steps", type=int, default=1000)
    parser.add_argument(
        "--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR,
        help=f"where per_example.jsonl goes (default {DEFAULT_OUTPUT_DIR}, outside the repository)",
    )
    parser.add_argument("--batch-eval-metrics", action="store_true", help="score batch by batch (flat memory)")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()

    started = time.monotonic()
    make_deterministic(arguments.seed)
    train_records, eval_records = load_split(arguments.data, eval_articles=arguments.eval_articles)
    train_records = train_records[: arguments.train_questions]
    eval_records = eval_records[: arguments.eval_questions]
    seen_records = train_records[: arguments.eval_questions]
    tokenizer = train_tokenizer(train_records, vocab_size=8000)
    lengths = dict(max_source_length=96 if arguments.context == "sentence" else 256, max_target_length=24)
    train_dataset = tokenize(train_records, tokenizer, context=arguments.context, **lengths)
    eval_dataset = tokenize(eval_records, tokenizer, context=arguments.context, **lengths)
    seen_dataset = tokenize(seen_records, tokenizer, context=arguments.context, **lengths)

    config = transformers.T5Config(
        vocab_size=len(tokenizer), d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2,
        num_heads=4, pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    model = transformers.T5ForConditionalGeneration(config)
    model.generation_config.max_length = lengths["max_target_length"]

    compute_metrics = QAComputeMetrics(
        tokenizer,
        references=eval_records,  # SQuAD records in eval order: all gold answers, and ids for per_example.jsonl
        per_example_file=str(arguments.output_dir / "per_example.jsonl"),
    )
    trainer = transformers.Seq2SeqTrainer(
        model=model,
        args=transformers.Seq2SeqTrainingArguments(
            output_dir=str(arguments.output_dir),
            max_steps=arguments.max_steps,
            per_device_train_batch_size=16,
            per_device_eval_batch_size=32,
            learning_rate=arguments.learning_rate,
            warmup_steps=100,
            eval_strategy="steps",
            eval_steps=arguments.eval_steps,
            logging_steps=100,
            save_strategy="no",
            predict_with_generate=True,
            include_for_metrics=["inputs"],
            batch_eval_metrics=arguments.batch_eval_metrics,
            report_to=[],
            disable_tqdm=True,
            use_cpu=True,
            seed=arguments.seed,
            data_seed=arguments.seed,  # the sampler's shuffling order
            full_determinism=True,
            dataloader_num_workers=0,
        ),
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        data_collator=transformers.DataCollatorForSeq2Seq(tokenizer, model=model),
        compute_metrics=compute_metrics,
        preprocess_logits_for_metrics=compute_metrics.preprocess_logits,
        processing_class=tokenizer,
    )
    training = trainer.train()
    results = {"held_out": trainer.evaluate()}
    # The same trainer on questions it was trained on: the adapter needs those questions' gold answers.
    trainer.compute_metrics = QAComputeMetrics(tokenizer, references=seen_records)
    results["seen"] = trainer.evaluate(seen_dataset, metric_key_prefix="seen")
    for name, metrics in results.items():
        print(name, json.dumps({key: round(value, 2) for key, value in metrics.items()}, indent=2))
    print(f"trained on {len(train_records)} questions; held-out: {len(eval_records)} questions of other articles; "
          f"per-example rows of the held-out evaluation in {arguments.output_dir / 'per_example.jsonl'}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"wall time {time.monotonic() - started:.0f} s (training {training.metrics['train_runtime']:.0f} s), "
          f"peak memory {peak_mb:.0f} MB, {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}")

if __name__ == "__main__":
    main()
