"""Token id rows to text, as the tokenizer's ``batch_decode(rows, skip_special_tokens=True)`` gives it.

transformers 5's ``batch_decode`` is a Python loop: it checks every row's elements twice and
decodes the rows one by one. For a tokenizer backed by the ``tokenizers`` library that keeps the
stock decoding methods, :func:`decode_rows` hands the whole batch to the Rust tokenizer's
``decode_batch`` instead, then applies the same clean-up of tokenization spaces; the text is the
same (``tests/trainer/test_decoding.py`` compares both on WordPiece, BPE, byte-level BPE,
Unigram and WordLevel tokenizers). At 100,000 generated answers of the adapter benchmark: 1.13 s
through ``batch_decode``, 0.40 s to make the lists and call ``decode_batch``. Any other tokenizer
(a slow one, one that overrides decoding, a stand-in with only ``batch_decode``) is called through
``batch_decode``, and so is a BPE tokenizer set to clean up spaces, whose clean-up transformers 5
skips and 4.x applies. ``decode_batch`` runs on the ``tokenizers`` thread pool as ``encode_batch``
does (``TOKENIZERS_PARALLELISM`` governs both; ``decode_batch`` alone took 0.26-0.30 s on two
threads, 0.40-0.49 s on one).

>>> import numpy as np
>>> from types import SimpleNamespace
>>> words = {1: "denver", 2: "broncos", 7: "[eos]"}
>>> tokenizer = SimpleNamespace(batch_decode=lambda rows, **kw: [" ".join(words[t] for t in row) for row in rows])
>>> decode_rows(tokenizer, [np.array([1, 2, 7, 2])], stop_at=7)
['denver broncos']
"""

import sys

__all__ = ["decode_rows", "id_lists"]


def decode_rows(tokenizer, rows, *, stop_at=None):
    """Decode ``rows`` (1-D int arrays) skipping special tokens, each cut before its first ``stop_at`` id."""
    lists = id_lists(rows, stop_at=stop_at)
    if not lists:
        return []
    backend = _stock_backend(tokenizer)
    cleans_up = bool(getattr(tokenizer, "clean_up_tokenization_spaces", False))
    if backend is None or (cleans_up and type(backend.model).__name__ == "BPE"):
        return tokenizer.batch_decode(lists, skip_special_tokens=True)
    texts = backend.decode_batch(lists, skip_special_tokens=True)
    if cleans_up:
        texts = [tokenizer.clean_up_tokenization(text) for text in texts]
    return texts


def id_lists(rows, *, stop_at=None):
    """``rows`` as lists of ints, each cut before its first ``stop_at`` (``None``: kept whole).

    >>> import numpy as np
    >>> id_lists([np.array([5, 6, 2, 7]), np.array([5])], stop_at=2)
    [[5, 6], [5]]
    """
    lists = [row.tolist() for row in rows]
    if stop_at is None:
        return lists
    return [ids[: ids.index(stop_at)] if stop_at in ids else ids for ids in lists]


def _stock_backend(tokenizer):
    """The Rust tokenizer behind ``tokenizer`` when its decoding is transformers' own, else ``None``."""
    transformers = sys.modules.get("transformers")  # not imported: not one of its tokenizers (and no import cost)
    if transformers is None or not isinstance(tokenizer, transformers.PreTrainedTokenizerFast):
        return None
    from tokenizers import Tokenizer

    PreTrainedTokenizerFast = transformers.PreTrainedTokenizerFast
    stock = all(
        getattr(type(tokenizer), name, None) is getattr(PreTrainedTokenizerFast, name, None)
        for name in ("batch_decode", "decode", "_decode")
    )
    backend = getattr(tokenizer, "_tokenizer", None)
    return backend if stock and isinstance(backend, Tokenizer) else None

