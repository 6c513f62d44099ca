"""Shared builders for the Trainer adapter tests: real SQuAD data, a tokenizer trained here, tiny models.

Nothing is downloaded: the tokenizer is trained with the ``tokenizers`` library on SQuAD v1.1 dev
text from ../shared/data, and every model is built from a config with random weights, then trained
a few steps where a test needs answers that overlap the gold ones. Builders are cached so each
artefact is made once per test session, whichever test file asks first.
"""

import contextlib
import functools
import json
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
METRIC_DIR = REPO_ROOT / "metrics" / "qa_em_f1"

@contextlib.contextmanager
def one_torch_thread():
    """Run tiny models on one thread: faster than two on a busy 2-core machine; restored afterwards."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[EOS]"]
PAD_ID, EOS_ID, CLS_ID = 0, 4, 2


@functools.lru_cache(maxsize=None)
def squad_records(count=400, *, version="1.1"):
    """The first ``count`` questions of SQuAD dev (v1.1 or v2.0) as records (id, question, context, answers)."""
    with open(SHARED_DATA / "squad" / f"dev-v{version}.json", encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    records = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                records.append(
                    {
                        "id": qa["id"],
                        "question": qa["question"],
                        "context": paragraph["context"],
                        "answers": {
                            "text": [answer["text"] for answer in qa["answers"]],
                            "answer_start": [answer["answer_start"] for answer in qa["answers"]],
                        },
                    }
                )
                if len(records) == count:
                    return tuple(records)
    return tuple(records)


def answer_sentence(record):
    """The sentence of the context that holds the first gold answer (keeps seq2seq inputs short)."""
    context, start = record["context"], record["answers"]["answer_start"][0]
    begin = max((m.end() for m in re.finditer(r"[.!?]\s", context[:start])), default=0)
    end_match = re.search(r"[.!?](\s|$)", context[start + len(record["answers"]["text"][0]):])
    end = len(context) if end_match is None else start + len(record["answers"]["text"][0]) + end_match.end()
    return context[begin:end].strip()


@functools.lru_cache(maxsize=None)
def qa_tokenizer():
    """A lower-casing WordPiece tokenizer trained on SQuAD dev text, as a PreTrainedTokenizerFast.

    Single sequences get ``[EOS]`` appended (seq2seq inputs and targets); pairs are laid out BERT-style,
    ``[CLS] question [SEP] context [SEP]``, for the extractive model.
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=2000, special_tokens=SPECIAL_TOKENS)
    texts = []
    for record in squad_records():
        texts += [record["question"], record["context"]]
    tokenizer.train_from_iterator(texts, trainer=trainer)
    assert [tokenizer.token_to_id(token) for token in SPECIAL_TOKENS] == list(range(len(SPECIAL_TOKENS)))
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A [EOS]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[(token, SPECIAL_TOKENS.index(token)) for token in ("[CLS]", "[SEP]", "[EOS]")],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="[PAD]",
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        eos_token="[EOS]",
        model_input_names=["input_ids", "attention_mask"],
    )


def answer_window(record, *, words=6):
    """The first gold answer with ``words`` context words either side (short seq2seq inputs)."""
    context, start = record["context"], record["answers"]["answer_start"][0]
    end = start + len(record["answers"]["text"][0])
    before = context[:start].split()[-words:]
    after = context[end:].split()[:words]
    return " ".join(before + [context[start:end]] + after)


def seq2seq_prompt(record):
    """The text a seq2seq model reads: the question, then a short window of context."""
    return f"question: {record['question']} context: {answer_window(record)}"


def seq2seq_dataset(records, tokenizer=None):
    """A datasets.Dataset of input_ids/attention_mask and labels (first gold answer + [EOS]).

    ``tokenizer`` defaults to :func:`qa_tokenizer`; another process must pass the saved one, because
    WordPiece training is not deterministic across processes.
    """
    import datasets

    tokenizer = tokenizer or qa_tokenizer()
    encoded = tokenizer([seq2seq_prompt(record) for record in records], truncation=True, max_length=48)
    targets = tokenizer([record["answers"]["text"][0] for record in records], truncation=True, max_length=12)
    return datasets.Dataset.from_dict(
        {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"], "labels": targets["input_ids"]}
    )


def tiny_t5():
    """A randomly initialised 1-layer T5 with d_model 32 for the test tokenizer."""
    from transformers import T5Config, T5ForConditionalGeneration

    config = T5Config(
        vocab_size=len(qa_tokenizer()),
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=4,
        pad_token_id=PAD_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=PAD_ID,
    )
    model = T5ForConditionalGeneration(config)
    model.generation_config.max_length = 12
    return model


def trainer_arguments(output_dir, **overrides):
    """Seq2SeqTrainingArguments for quiet CPU runs; ``overrides`` win."""
    from transformers import Seq2SeqTrainingArguments

    settings = dict(
        output_dir=str(output_dir),
        per_device_train_batch_size=8,
        per_device_eval_batch_size=5,
        learning_rate=3e-3,
        report_to=[],
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        use_cpu=True,
        seed=0,
    )
    settings.update(overrides)
    return Seq2SeqTrainingArguments(**settings)


SEQ2SEQ_TRAIN_COUNT = 32


@functools.lru_cache(maxsize=None)
def trained_t5():
    """The tiny T5 after 150 steps on the first 32 dev questions (enough for some answers to match gold)."""
    import tempfile

    from transformers import DataCollatorForSeq2Seq, Seq2SeqTrainer, set_seed

    set_seed(0)
    model = tiny_t5()
    with tempfile.TemporaryDirectory() as output_dir:
        trainer = Seq2SeqTrainer(
            model=model,
            args=trainer_arguments(output_dir, max_steps=150),
            train_dataset=seq2seq_dataset(squad_records()[:SEQ2SEQ_TRAIN_COUNT]),
            data_collator=DataCollatorForSeq2Seq(qa_tokenizer(), model=model),
        )
        trainer.train()
    model.eval()
    return model


EXTRACTIVE_MAX_LENGTH, EXTRACTIVE_STRIDE = 96, 32


def extractive_dataset(records, tokenizer=None):
    """Features of ``records`` (several per context) as a datasets.Dataset, via qascore's prepare_features."""
    import datasets

    from qascore.trainer.features import prepare_features

    features = prepare_features(
        tokenizer or qa_tokenizer(), records, max_length=EXTRACTIVE_MAX_LENGTH, stride=EXTRACTIVE_STRIDE
    )
    return datasets.Dataset.from_dict(features)


def tiny_bert_qa():
    """A randomly initialised 1-layer BERT with a span head, hidden size 32."""
    from transformers import BertConfig, BertForQuestionAnswering

    config = BertConfig(
        vocab_size=len(qa_tokenizer()),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=EXTRACTIVE_MAX_LENGTH,
        pad_token_id=PAD_ID,
    )
    return BertForQuestionAnswering(config)


EXTRACTIVE_TRAIN_COUNT = 24


@functools.lru_cache(maxsize=None)
def trained_bert_qa():
    """The tiny BERT after 200 steps on the features of the first 24 dev questions."""
    import tempfile

    from transformers import Trainer, default_data_collator, set_seed

    set_seed(0)
    model = tiny_bert_qa()
    with tempfile.TemporaryDirectory() as output_dir:
        trainer = Trainer(
            model=model,
            args=trainer_arguments(output_dir, max_steps=200, per_device_train_batch_size=16),
            train_dataset=extractive_dataset(squad_records()[:EXTRACTIVE_TRAIN_COUNT]),
            data_collator=default_data_collator,
        )
        trainer.train()
    model.eval()
    return model


@functools.lru_cache(maxsize=None)
def left_padding_tokenizer():
    """A copy of the test tokenizer that pads on the left, as batched decoder-only generation needs."""
    import copy

    tokenizer = copy.deepcopy(qa_tokenizer())
    tokenizer.padding_side = "left"
    return tokenizer


def causal_prompt(record):
    """What the decoder-only model reads; it is trained to continue with "answer: <gold>" [EOS]."""
    return seq2seq_prompt(record)


def causal_train_dataset(records):
    """Prompt + "answer: <first gold answer>" + [EOS], with the loss on the answer part only."""
    import datasets

    tokenizer = qa_tokenizer()
    rows = {"input_ids": [], "attention_mask": [], "labels": []}
    for record in records:
        prompt = tokenizer(causal_prompt(record), add_special_tokens=False, truncation=True, max_length=40)["input_ids"]
        target = tokenizer("answer: " + record["answers"]["text"][0], truncation=True, max_length=12)["input_ids"]
        rows["input_ids"].append(prompt + target)
        rows["attention_mask"].append([1] * (len(prompt) + len(target)))
        rows["labels"].append([-100] * len(prompt) + target)
    return datasets.Dataset.from_dict(rows)


def causal_eval_dataset(records):
    """Prompts only (generation continues them); labels are the prompt itself, so the loss is a real LM loss.

    The gold answers are not in the labels: pass them to the adapter as references=.
    """
    import datasets

    tokenizer = qa_tokenizer()
    prompts = tokenizer([causal_prompt(r) for r in records], add_special_tokens=False, truncation=True, max_length=40)
    return datasets.Dataset.from_dict(
        {"input_ids": prompts["input_ids"], "attention_mask": prompts["attention_mask"], "labels": prompts["input_ids"]}
    )


def tiny_gpt2():
    """A randomly initialised 2-layer GPT-2 with 32-dimensional embeddings."""
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(qa_tokenizer()),
        n_embd=32,
        n_layer=2,
        n_head=2,
        n_positions=64,
        bos_token_id=EOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
    )
    model = GPT2LMHeadModel(config)
    model.generation_config.max_new_tokens = 10
    model.generation_config.max_length = None
    return model


@functools.lru_cache(maxsize=None)
def trained_gpt2():
    """The tiny GPT-2 after 200 steps on prompt + answer for the first 32 dev questions."""
    import tempfile

    from transformers import DataCollatorForSeq2Seq, Seq2SeqTrainer, set_seed

    set_seed(0)
    model = tiny_gpt2()
    with tempfile.TemporaryDirectory() as output_dir:
        trainer = Seq2SeqTrainer(
            model=model,
            args=trainer_arguments(output_dir, max_steps=200),
            train_dataset=causal_train_dataset(squad_records()[:SEQ2SEQ_TRAIN_COUNT]),
            data_collator=DataCollatorForSeq2Seq(qa_tokenizer(), model=model),
        )
        trainer.train()
    model.eval()
    return model
