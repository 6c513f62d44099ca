"""Trainer adapter benchmark: decoding and scoring generated answers, as Trainer hands them over.

Two measurements, each in a fresh interpreter (``--child``), on ``size`` SQuAD-like pairs
(``data.py``) turned into what ``Seq2SeqTrainer(predict_with_generate=True)`` passes to
``compute_metrics``: generated ids, 32 tokens per row (decoder start token, the answer's
tokens, ``[EOS]``, padding; ``-100`` where Trainer pads across batches), and labels padded
with ``-100``. The tokenizer is a WordPiece model trained here with ``tokenizers`` on SQuAD
dev text (no download).

1. ``normal``: one call with the whole evaluation set. Compared:
   - ``handwritten``: the usual compute_metrics of the tutorials (np.where on -100,
     batch_decode, strip each text, SQuAD records, evaluate's squad module; here its offline
     rebuild, ``evaluate_squad.py``);
   - ``adapter``: ``QAComputeMetrics(tokenizer, references=...)`` (qascore's scorer);
   - ``adapter-module``: the same with ``metric="<repo>/metrics/qa_em_f1"``.
2. ``batched``: ``batch_eval_metrics=True`` as Trainer drives it: one call per evaluation
   batch of 64 with torch tensors, ``compute_result=True`` on the last. Peak memory growth
   is compared between 10k and 100k examples.

Scores of every variant must be equal (float64 ``==``); ``run.py`` checks them.
"""

import argparse
import functools
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from data import SQUAD_DEV, cached_pairs  # noqa: E402
from measure import measure  # noqa: E402
from peers import QA_EM_F1_PATH, Peer  # noqa: E402

SEQUENCE_LENGTH = 32
EVAL_BATCH_SIZE = 64
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[EOS]"]
IGNORE_INDEX = -100


def squad_tokenizer(cache_dir, vocab_size=8000):
    """A lower-casing WordPiece tokenizer trained on SQuAD dev text (offline), saved under ``cache_dir``."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    path = Path(cache_dir) / f"squad-wordpiece-{vocab_size}.json"
    if not path.exists():
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        _train_tokenizer(vocab_size).save(str(path.with_suffix(".tmp")))
        path.with_suffix(".tmp").replace(path)
    return PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_file(str(path)), pad_token="[PAD]",
                                   unk_token="[UNK]", eos_token="[EOS]")


def _train_tokenizer(vocab_size):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    with open(SQUAD_DEV, encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    texts = [paragraph["context"] for article in articles for paragraph in article["paragraphs"]]
    texts += [qa["question"] for article in articles for paragraph in article["paragraphs"] for qa in paragraph["qas"]]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    tokenizer.train_from_iterator(texts, trainer=trainers.WordPieceTrainer(vocab_size=vocab_size,
                                                                           special_tokens=SPECIAL_TOKENS))
    tokenizer.post_processor = processors.TemplateProcessing(single="$A [EOS]", special_tokens=[("[EOS]", 2)])
    return tokenizer


def _padded(rows, *, start, fill):
    """Rows as an ``N x 32`` int64 array: optional start token, the ids (cut to fit), then ``fill``."""
    array = np.full((len(rows), SEQUENCE_LENGTH), fill, dtype=np.int64)
    for index, row in enumerate(rows):
        row = ([start] if start is not None else []) + row[:SEQUENCE_LENGTH - (start is not None)]
        array[index, :len(row)] = row
    return array


def generated_batch(size, *, seed=0, cache_dir):
    """What Seq2SeqTrainer gives compute_metrics for ``size`` generated answers, plus all gold answers.

    The answer of each pair (``data.py``) is encoded with ``[EOS]``; rows are padded with the pad id
    within an evaluation batch and with -100 beyond it (as Trainer pads when concatenating batches).
    """
    pairs = cached_pairs(size, seed=seed, cache_dir=cache_dir)
    tokenizer = squad_tokenizer(cache_dir)
    predicted = tokenizer(pairs.predictions, add_special_tokens=True)["input_ids"]
    labels = tokenizer([golds[0] for golds in pairs.references], add_special_tokens=True)["input_ids"]
    predictions = _padded(predicted, start=tokenizer.pad_token_id, fill=tokenizer.pad_token_id)
    for first in range(0, size, EVAL_BATCH_SIZE):  # rows shorter than their batch's longest: -100 padding
        block = predictions[first:first + EVAL_BATCH_SIZE]
        longest = int((block != tokenizer.pad_token_id).sum(axis=1).max()) + 1
        block[:, longest:] = IGNORE_INDEX
    return tokenizer, predictions, _padded(labels, start=None, fill=IGNORE_INDEX), pairs.references


def handwritten_compute_metrics(tokenizer, references, squad_metric):
    """The usual hand-written compute_metrics for generative SQuAD (tutorial style)."""

    def compute_metrics(eval_pred):
        predictions = np.where(eval_pred.predictions != IGNORE_INDEX, eval_pred.predictions, tokenizer.pad_token_id)
        decoded = tokenizer.batch_decode(predictions, skip_special_tokens=True)
        decoded = [text.strip() for text in decoded]
        formatted_predictions = [{"id": str(i), "prediction_text": text} for i, text in enumerate(decoded)]
        formatted_references = [{"id": str(i), "answers": {"text": golds, "answer_start": [0] * len(golds)}}
                                for i, golds in enumerate(references)]
        return squad_metric.compute(predictions=formatted_predictions, references=formatted_references)

    return compute_metrics


def _floats(result):
    return {"exact_match": float(result["exact_match"]), "f1": float(result["f1"])}


def _prepare(size, seed, cache_dir):
    tokenizer, predictions, labels, references = generated_batch(size, seed=seed, cache_dir=cache_dir)
    from transformers import EvalPrediction

    return tokenizer, EvalPrediction(predictions=predictions, label_ids=labels), references


def _prepare_handwritten(inputs):
    from evaluate_squad import EvaluateSquadRebuild

    tokenizer, eval_pred, references = inputs
    return handwritten_compute_metrics(tokenizer, references, EvaluateSquadRebuild()), eval_pred


def _prepare_adapter(inputs, metric=None):
    from qascore.trainer.generative import QAComputeMetrics

    tokenizer, eval_pred, references = inputs
    return QAComputeMetrics(tokenizer, metric=metric, references=references), eval_pred


def _call(state):
    compute_metrics, eval_pred = state
    return _floats(compute_metrics(eval_pred))


def _prepare_batched(inputs):
    """The adapter in batch_eval_metrics mode, with the evaluation's batches as torch tensors."""
    import torch

    compute_metrics, eval_pred = _prepare_adapter(inputs)
    return compute_metrics, torch.from_numpy(eval_pred.predictions), torch.from_numpy(eval_pred.label_ids)


def _call_batched(state):
    from transformers import EvalPrediction

    compute_metrics, predictions, labels = state
    result = None
    for first in range(0, len(predictions), EVAL_BATCH_SIZE):
        last = first + EVAL_BATCH_SIZE >= len(predictions)
        batch = EvalPrediction(predictions=predictions[first:first + EVAL_BATCH_SIZE],
                               label_ids=labels[first:first + EVAL_BATCH_SIZE])
        result = compute_metrics(batch, compute_result=last)
    return _floats(result)


VARIANTS = {
    "handwritten": ("hand-written compute_metrics + evaluate squad (rebuild)", _prepare_handwritten, _call),
    "adapter": ("QAComputeMetrics (qascore scorer)", _prepare_adapter, _call),
    "adapter-module": ("QAComputeMetrics(metric=qa_em_f1)",
                       functools.partial(_prepare_adapter, metric=str(QA_EM_F1_PATH)), _call),
    "adapter-batched": ("QAComputeMetrics, batch_eval_metrics=True (64/step)", _prepare_batched, _call_batched),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description="measure one Trainer-adapter variant in this process")
    parser.add_argument("--variant", required=True, choices=sorted(VARIANTS))
    parser.add_argument("--size", required=True, type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache-dir", required=True)
    args = parser.parse_args(argv)
    label, prepare, call = VARIANTS[args.variant]
    inputs = _prepare(args.size, args.seed, args.cache_dir)
    peer = Peer(args.variant, label, lambda _: prepare(inputs), call)
    started = time.perf_counter()
    result = measure(peer, None)
    print(json.dumps({"variant": args.variant, "size": args.size, "wall_with_setup": time.perf_counter() - started,
                      **result}))


if __name__ == "__main__":
    main()
