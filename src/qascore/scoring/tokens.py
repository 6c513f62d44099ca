"""Distinct normalised strings as integers, and token overlap counted on arrays.

:class:`TokenTable` numbers every distinct normalised string and stores its F1 tokens as
integer keys, so that the overlap of many (prediction, gold) pairs, the ``num_same`` of
the official scripts (a multiset intersection), is counted with a few numpy operations
instead of a ``Counter`` per pair. A token that occurs k times in a string gets the keys
"token, 1st time" ... "token, k-th time"; the multiset intersection then is a plain set
intersection of keys.

>>> from qascore.normalize import SquadNormalizer
>>> normalizer = SquadNormalizer()
>>> table = TokenTable(normalizer.normalize_many(["New York", "new york city", "York, York"]), normalizer.tokenize)
>>> table.strings
['new york', 'new york city', 'york york', '']
>>> table.overlap(np.array([0, 2]), np.array([1, 0])).tolist()
[2, 1]
"""

from __future__ import annotations

from itertools import chain
from itertools import count as counter
from typing import Callable, Iterable, List, Tuple

import numpy as np

from qascore.joined_text import SEPARATOR  # between strings split at once: not white space, a token of its own
from qascore.normalize import Normalizer

__all__ = ["TokenTable", "number_distinct"]


def number_distinct(items: Iterable) -> Tuple[np.ndarray, list]:
    """Number the distinct values of ``items`` in order of first appearance.

    Returns the number of each item and the list of distinct values. One dict operation
    per item: ``setdefault`` keeps the position where a value first appeared. Those
    positions are gathered in a list, then made an array: ``np.fromiter`` over the same
    ``map`` took 9% longer (3M gold answers: 0.76 s against 0.70 s, best of ten).

    >>> numbers, distinct = number_distinct(["b", "a", "b", "c", "a"])
    >>> numbers.tolist(), distinct
    ([0, 1, 0, 2, 1], ['b', 'a', 'c'])
    """
    first_seen: dict = {}
    first_position = np.array(list(map(first_seen.setdefault, items, counter())), dtype=np.int64)
    number_of_position = np.cumsum(first_position == np.arange(len(first_position))) - 1
    return number_of_position[first_position], list(first_seen)


class TokenTable:
    """The distinct normalised strings of one scoring call, with their tokens as integer keys.

    Built from the normalised form of each distinct input text (``normalized[i]`` is the
    normalised text ``i``); ``string_of_text[i]`` is then the id of that normalised string.
    ``strings`` always holds ``""`` (the answer to an unanswerable question), its id is ``empty_string``.

    - ``lengths[s]``: number of F1 tokens of string ``s``;
    - ``keys``: the token keys of all strings, concatenated (string ``s`` owns
      ``keys[offsets[s]:offsets[s + 1]]``);
    - ``masks[s]``: a 64-bit summary of its tokens; strings whose masks share no bit share no token.
    """

    def __init__(self, normalized: List[str], tokenize: Callable[[str], List[str]]):
        string_of_text, self.strings = number_distinct(chain(normalized, [""]))
        self.string_of_text, self.empty_string = string_of_text[:-1], int(string_of_text[-1])
        self.string_count = len(self.strings)
        token_ids, token_count, self.lengths = _numbered_tokens(self.strings, tokenize)
        self.offsets = np.zeros(self.string_count + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=self.offsets[1:])
        owner = np.repeat(np.arange(self.string_count), self.lengths)
        self.keys, self.key_count = _occurrence_keys(owner, token_ids, token_count, self.string_count)
        self._owned_keys = np.sort(owner * self.key_count + self.keys)
        self.masks = _token_masks(token_ids, self.offsets, self.lengths)

    def may_overlap(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """False where strings ``first[i]`` and ``second[i]`` certainly share no token."""
        return (self.masks[first] & self.masks[second]) != 0

    def overlap(self, prediction: np.ndarray, gold: np.ndarray) -> np.ndarray:
        """Tokens shared by each pair, repeats counted as often as both strings have them."""
        lengths = self.lengths[prediction]
        pair_of_row = np.repeat(np.arange(len(prediction)), lengths)
        row_starts = np.cumsum(lengths) - lengths
        positions = np.arange(len(pair_of_row)) + np.repeat(self.offsets[prediction] - row_starts, lengths)
        wanted = gold[pair_of_row] * self.key_count + self.keys[positions]
        found = self._owned_keys[np.searchsorted(self._owned_keys, wanted).clip(max=len(self._owned_keys) - 1)]
        return np.bincount(pair_of_row[found == wanted], minlength=len(prediction))


def _numbered_tokens(strings: List[str], tokenize: Callable[[str], List[str]]) -> Tuple[np.ndarray, int, np.ndarray]:
    """The tokens of all ``strings``, concatenated, as numbers; how many numbers there are; each string's token count.

    Whitespace tokens (:meth:`qascore.normalize.Normalizer.tokenize`, ``str.split``) of strings
    without a NUL are split in one call over the strings joined by a NUL token, whose places
    then give the counts (260k strings: 0.23 s against 0.28 s, best of seven). Any other
    tokenizer splits the strings one by one. The numbers differ between the two ways, the
    tokens they tell apart do not.

    >>> ids, count, lengths = _numbered_tokens(["new york", "", "york"], str.split)
    >>> ids.tolist(), count, lengths.tolist()
    ([1, 2, 2], 3, [2, 0, 1])
    """
    splitter = getattr(tokenize, "__func__", tokenize)
    if splitter is Normalizer.tokenize or splitter is str.split:
        joined = f" {SEPARATOR} ".join(strings)
        if joined.count(SEPARATOR) == len(strings) - 1:  # no string holds a NUL
            numbers, distinct = number_distinct(chain([SEPARATOR], joined.split()))  # the NUL is number 0
            boundaries = np.flatnonzero(numbers == 0)  # one before each string
            lengths = np.diff(np.r_[boundaries, len(numbers)]) - 1
            return numbers[numbers != 0], len(distinct), lengths
    tokens = list(map(tokenize, strings))
    numbers, distinct = number_distinct(chain.from_iterable(tokens))
    return numbers, len(distinct), np.fromiter(map(len, tokens), dtype=np.int64, count=len(strings))


def _occurrence_keys(owner: np.ndarray, token_ids: np.ndarray, token_count: int, string_count: int):
    """One key per token of each string: the token id, or (token, n-th occurrence) for repeats.

    Returns the keys and the number of distinct keys.
    """
    string_and_token = owner * token_count + token_ids
    ordered = np.sort(string_and_token)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):  # no string repeats a token (the usual case): the token id is the key
        return token_ids, max(token_count, 1)
    # number the occurrences within the strings that repeat a token
    repeats = np.zeros(string_count, dtype=bool)
    repeats[repeated // token_count] = True
    rows = np.flatnonzero(repeats[owner])
    order = rows[np.argsort(string_and_token[rows], kind="stable")]
    ordered = string_and_token[order]
    run_starts = np.r_[True, ordered[1:] != ordered[:-1]]
    positions = np.arange(len(order))
    occurrence = np.zeros_like(token_ids)
    occurrence[order] = positions - np.maximum.accumulate(np.where(run_starts, positions, 0))
    keys = token_ids + token_count * occurrence
    key_count = token_count * (int(occurrence.max()) + 1)
    if key_count * string_count >= 2**62:  # string * key would overflow int64: renumber the keys densely
        distinct_keys, keys = np.unique(keys, return_inverse=True)
        key_count = len(distinct_keys)
    return keys.reshape(-1), key_count


def _token_masks(token_ids: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per string, the OR of bit ``token_id % 64`` over its tokens (0 for a string without tokens)."""
    masks = np.zeros(len(lengths), dtype=np.uint64)
    has_tokens = lengths > 0
    if has_tokens.any():
        bits = np.left_shift(np.uint64(1), (token_ids % 64).astype(np.uint64))
        masks[has_tokens] = np.bitwise_or.reduceat(bits, offsets[:-1][has_tokens])
    return masks
