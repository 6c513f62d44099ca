"""Normalise many answer strings at once: one pass of C string operations over their join.

The open-domain scorers normalise every prediction and gold answer with a chain of
``str`` and ``re`` operations. Run on each string, Python's call overhead dominates; run
once on all the strings joined by NUL (``"\\x00"``) they cost a few C passes. That is
exact because every step used (NFD, ``lower``, ``translate``, ``re.sub`` of ``\\b``-bounded
words and of ``\\s+``) treats NUL as a boundary: it is a starter for NFD, neither cased nor
case-ignorable for the final-sigma rule of ``lower``, a non-word character for ``\\b`` and
not white space. Strings that hold a NUL themselves are normalised one by one.

>>> def lower_squeezed(text):
...     return squeeze_spaces(text.lower())
>>> normalize_many([" Hello  World", "ΟΔΟΣ", "a\\x00b"], lower_squeezed, lambda text: "one by one")
['hello world', 'οδος', 'one by one']
"""

from __future__ import annotations

import re
from typing import Callable, List, Sequence, Tuple

import numpy as np

__all__ = ["SEPARATOR", "normal_codes", "normalize_many", "squeeze_spaces"]

SEPARATOR = "\x00"
_SPACES = re.compile(r"\s+")
_SPACE_AT_SEPARATOR = re.compile(" ?\x00 ?")


def squeeze_spaces(joined: str) -> str:
    """``" ".join(text.split())`` for each NUL-separated text of ``joined``, in three C passes."""
    return _SPACE_AT_SEPARATOR.sub(SEPARATOR, _SPACES.sub(" ", joined)).strip(" ")


def normal_codes(texts: Sequence[str], joined_rule: Callable[[str], str],
                 one_rule: Callable[[str], str]) -> Tuple[np.ndarray, List[str]]:
    """``(codes, forms)``: ``forms`` are the distinct normal forms, ``forms[codes[i]]`` that of ``texts[i]``.

    ``joined_rule`` runs once on the distinct texts joined by NUL and must map that join to the
    join of their normal forms (see the module docstring); ``one_rule`` is the same rule for one
    text, used when a text holds a NUL itself. Every step over all texts is a C-level pass.
    """
    unique = list(dict.fromkeys(texts))
    joined = SEPARATOR.join(unique)
    if joined.count(SEPARATOR) == len(unique) - 1:
        normal = joined_rule(joined).split(SEPARATOR) if unique else []
    else:
        plain = [text for text in unique if SEPARATOR not in text]
        plain_forms = iter(joined_rule(SEPARATOR.join(plain)).split(SEPARATOR) if plain else [])
        normal = [one_rule(text) if SEPARATOR in text else next(plain_forms) for text in unique]
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
