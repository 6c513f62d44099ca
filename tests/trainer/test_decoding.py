"""qascore.trainer.decoding gives the tokenizer's own batch_decode text, on every kind of tokenizers model.

Each tokenizer is trained here with the ``tokenizers`` library on SQuAD v1.1 dev contexts (no download)
and wrapped in ``PreTrainedTokenizerFast`` with and without clean-up of tokenization spaces. The
expected texts are ``batch_decode(rows, skip_special_tokens=True)``'s, computed in the test.
"""

import functools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the helpers
import helpers_trainer as helpers  # noqa: E402

transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from qascore.trainer.decoding import decode_rows  # noqa: E402

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[EOS]"]
MODELS = ["wordpiece", "bpe", "byte_level_bpe", "unigram", "wordlevel"]


@functools.lru_cache(maxsize=None)
def _backend(model):
    """A ``tokenizers.Tokenizer`` of the ``model`` kind, trained on the first 300 SQuAD dev paragraphs."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    texts = [record["context"] for record in helpers.squad_records(300)]
    if model == "wordpiece":
        tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
        tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tokenizer.decoder = decoders.WordPiece()
        trainer = trainers.WordPieceTrainer(vocab_size=2000, special_tokens=SPECIAL_TOKENS)
    elif model == "bpe":
        tokenizer = Tokenizer(models.BPE(unk_token="[UNK]"))
        tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
        trainer = trainers.BpeTrainer(vocab_size=2000, special_tokens=SPECIAL_TOKENS)
    elif model == "byte_level_bpe":
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=2000, special_tokens=SPECIAL_TOKENS,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    elif model == "unigram":
        tokenizer = Tokenizer(models.Unigram())
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
        tokenizer.decoder = decoders.Metaspace()
        trainer = trainers.UnigramTrainer(vocab_size=2000, special_tokens=SPECIAL_TOKENS, unk_token="[UNK]")
    else:
        tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
        tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
        trainer = trainers.WordLevelTrainer(vocab_size=2000, special_tokens=SPECIAL_TOKENS)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer.to_str()


def _tokenizer(model, clean_up):
    from tokenizers import Tokenizer

    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(_backend(model)), pad_token="[PAD]", unk_token="[UNK]",
        eos_token="[EOS]", clean_up_tokenization_spaces=clean_up,
    )
    tokenizer.add_tokens(["<extra>"])  # an added token that is not special: decoded, not skipped
    return tokenizer


def _rows(tokenizer, count=300, seed=0):
    """Real sentences' ids with special and added tokens mixed in, and random ids, of varied lengths."""
    rng = np.random.default_rng(seed)
    sentences = [record["question"] + " , don't it ?" for record in helpers.squad_records(count)]
    encoded = tokenizer(sentences, add_special_tokens=False)["input_ids"]
    extra = [tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<extra>")]
    rows = []
    for ids in encoded:
        ids = list(ids)
        for _ in range(rng.integers(0, 3)):
            ids.insert(int(rng.integers(0, len(ids) + 1)), int(rng.choice(extra)))
        rows.append(np.array(ids, dtype=np.int64))
    rows += [rng.integers(0, len(tokenizer), size=int(rng.integers(0, 12))) for _ in range(count)]
    return rows


@pytest.mark.parametrize("clean_up", [False, True], ids=["plain", "clean_up"])
@pytest.mark.parametrize("model", MODELS)
def test_decoded_text_equals_batch_decode(model, clean_up):
    tokenizer = _tokenizer(model, clean_up)
    rows = _rows(tokenizer)
    expected = tokenizer.batch_decode([row.tolist() for row in rows], skip_special_tokens=True)
    assert decode_rows(tokenizer, rows) == expected
    eos = tokenizer.eos_token_id
    cut = [row[: list(row).index(eos)] if eos in row else row for row in rows]
    assert sum(len(a) != len(b) for a, b in zip(cut, rows)) > 10  # the cut is exercised
    assert decode_rows(tokenizer, rows, stop_at=eos) == tokenizer.batch_decode(
        [row.tolist() for row in cut], skip_special_tokens=True
    )


def test_the_rust_batch_decoder_is_used_for_a_stock_tokenizer():
    tokenizer = _tokenizer("wordpiece", clean_up=True)

    def refuse(*args, **kwargs):
        raise AssertionError("batch_decode was called")

    tokenizer.batch_decode = refuse  # an attribute of the instance: the class's decoding stays stock
    assert decode_rows(tokenizer, [np.array([5, 6, 7])]) == [tokenizer.decode([5, 6, 7], skip_special_tokens=True)]


def test_a_tokenizer_that_overrides_decoding_is_called_through_batch_decode():
    class Shouting(transformers.PreTrainedTokenizerFast):
        def _decode(self, token_ids, **kwargs):
            return super()._decode(token_ids, **kwargs).upper()

    from tokenizers import Tokenizer

    tokenizer = Shouting(tokenizer_object=Tokenizer.from_str(_backend("wordpiece")), pad_token="[PAD]",
                         eos_token="[EOS]")
    tokenizer.add_tokens(["<extra>"])
    rows = _rows(tokenizer, count=20)
    texts = decode_rows(tokenizer, rows)
    assert texts == tokenizer.batch_decode([row.tolist() for row in rows], skip_special_tokens=True)
    assert any(text != text.lower() for text in texts)


def test_an_empty_batch_decodes_to_no_text():
    assert decode_rows(_tokenizer("wordpiece", clean_up=False), []) == []
