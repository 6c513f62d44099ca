"""Run a text rule once over many texts joined by NUL: one pass of C string operations.

A normaliser is a chain of ``str`` and ``re`` operations. Run on each text, Python's call
overhead dominates; run once on all the texts joined by NUL (``"\\x00"``) they cost a few C
passes. That is exact for a rule none of whose steps treats NUL differently from the end of a
text: NFD (NUL is a starter), ``lower`` (NUL is neither cased nor case-ignorable, so the
final-sigma rule is unchanged), ``translate`` and byte deletions that keep NUL, ``re.sub`` of
``\\b``-bounded words (NUL is not a word character) and of ``\\s+`` (NUL is not white space).
Texts that hold a NUL themselves get the rule one by one. The SQuAD-style normalisers
(:mod:`qascore.normalize`) and the open-domain families' rules (ORQA, TriviaQA) use it.

>>> def lower_squeezed(text):
...     return squeeze_spaces(text.lower())
>>> normalize_many([" Hello  World", "ΟΔΟΣ", "a\\x00b"], lower_squeezed, lambda text: "one by one")
['hello world', 'οδος', 'one by one']
"""

from __future__ import annotations

import re
from typing import Callable, List, Sequence, Tuple

import numpy as np

__all__ = ["SEPARATOR", "clean_joined", "normal_codes", "normalize_many", "squeeze_spaces"]

SEPARATOR = "\x00"
_SPACES = re.compile(r"\s+")
_SPACE_AT_SEPARATOR = re.compile(" ?\x00 ?")


def squeeze_spaces(joined: str) -> str:
    """``" ".join(text.split())`` for each NUL-separated text of ``joined``, in three C passes."""
    return _SPACE_AT_SEPARATOR.sub(SEPARATOR, _SPACES.sub(" ", joined)).strip(" ")


def clean_joined(texts: Sequence[str], joined_rule: Callable[[str], str],
                 one_rule: Callable[[str], str]) -> List[str]:
    """``[one_rule(text) for text in texts]``, computed as ``joined_rule`` over their NUL join.

    ``joined_rule`` must map the join of texts to the join of their results (see the module
    docstring); ``one_rule`` is the same rule for one text, used for each text that holds a NUL.

    >>> clean_joined(["A b", "C\\x00D"], str.lower, lambda text: "by itself")
    ['a b', 'by itself']
    """
    joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) == len(texts) - 1:  # no text holds a NUL (never true of no texts)
        return joined_rule(joined).split(SEPARATOR)
    plain = [text for text in texts if SEPARATOR not in text]
    plain_results = iter(joined_rule(SEPARATOR.join(plain)).split(SEPARATOR) if plain else [])
    return [one_rule(text) if SEPARATOR in text else next(plain_results) for text in texts]


def normal_codes(texts: Sequence[str], joined_rule: Callable[[str], str],
                 one_rule: Callable[[str], str]) -> Tuple[np.ndarray, List[str]]:
    """``(codes, forms)``: ``forms`` are the distinct normal forms, ``forms[codes[i]]`` that of ``texts[i]``.

    Each distinct text is normalised once, by :func:`clean_joined`; every step over all texts
    is a C-level pass.
    """
    unique = list(dict.fromkeys(texts))
    normal = clean_joined(unique, joined_rule, one_rule)
    form_code = dict(zip(dict.fromkeys(normal), range(len(normal))))
    unique_code = np.fromiter(map(form_code.__getitem__, normal), dtype=np.int64, count=len(normal))
    position = dict(zip(unique, range(len(unique))))
    codes = unique_code[np.fromiter(map(position.__getitem__, texts), dtype=np.int64, count=len(texts))]
    return codes, list(form_code)


def normalize_many(texts: Sequence[str], joined_rule: Callable[[str], str],
                   one_rule: Callable[[str], str]) -> List[str]:
    """Each text's normal form (see :func:`normal_codes`)."""
    codes, forms = normal_codes(texts, joined_rule, one_rule)
    return list(map(forms.__getitem__, codes.tolist()))
