"""ORQA's and DPR's answer rules for many questions at once (the twin of :mod:`.reference`).

* ``exact`` (nq_open, efficientqa): every prediction and answer is normalised once, in one
  pass over their join (:func:`qascore.joined_text.normalize_many`); normal forms
  become integer codes and a question is right when its prediction's code equals one of its
  answers' codes (numpy).
* ``match`` (curated_trec) and ``search`` (curated_trec_search): each distinct pattern is
  compiled once and each distinct (pattern, prediction) pair tried once.

A missing prediction (None) is never right.

>>> correct_exact(["the Beatles", None, "Paris."], [["Beatles"], ["Rome"], ["paris", "Lyon"]]).tolist()
[True, False, True]
>>> correct_regex(["1969, July", "in 1969"], [[r"19(69|70)"], [r"1969"]], "match").tolist()
[True, False]
"""

from __future__ import annotations

import operator
import re
import string
import unicodedata
from itertools import chain, compress, repeat
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from qascore.families.orqa.reference import normalize_answer
from qascore.joined_text import normal_codes, normalize_many, squeeze_spaces

__all__ = ["normalize_all", "flatten", "correct_exact", "correct_regex", "RULES"]

#: The rule of each preset: exact match after normalisation, re.match (ORQA) or re.search (DPR).
RULES = {"nq_open": "exact", "efficientqa": "exact", "curated_trec": "match", "curated_trec_search": "search"}

_DELETE_PUNCTUATION = str.maketrans("", "", string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_FLAGS = re.IGNORECASE | re.UNICODE | re.MULTILINE


def _normalize_joined(joined: str) -> str:
    """:func:`.reference.normalize_answer` on NUL-joined texts."""
    text = unicodedata.normalize("NFD", joined).lower().translate(_DELETE_PUNCTUATION)
    return squeeze_spaces(_ARTICLES.sub(" ", text))


def normalize_all(texts: Sequence[str]) -> List[str]:
    """:func:`.reference.normalize_answer` of each text.

    >>> normalize_all(["An Apple", "6 geese a-laying", "Caf\\u00e9"]) == ["apple", "6 geese alaying", "cafe\\u0301"]
    True
    """
    return normalize_many(texts, _normalize_joined, normalize_answer)


def flatten(answer_lists: Sequence[Sequence[str]]) -> Tuple[List[str], np.ndarray]:
    """All answers in one list, and the question each belongs to."""
    flat = list(chain.from_iterable(answer_lists))
    counts = np.fromiter(map(len, answer_lists), dtype=np.int64, count=len(answer_lists))
    return flat, np.repeat(np.arange(len(answer_lists)), counts)


def correct_exact(predictions: Sequence[Optional[str]], answer_lists: Sequence[Sequence[str]],
                  normal_forms: Optional[dict] = None) -> np.ndarray:
    """Whether each prediction equals one of its answers after ORQA's normalisation.

    ``normal_forms``, when given, receives what the rule compared: ``predictions`` (each normal
    form, None where missing), ``answers`` (the answers' normal forms, flat) and
    ``answer_question`` (the question of each).
    """
    present = np.fromiter(map(operator.is_not, predictions, repeat(None)), dtype=bool, count=len(predictions))
    given = list(compress(predictions, present))
    answers, owner = flatten(answer_lists)
    code, forms = normal_codes(given + answers, _normalize_joined, normalize_answer)
    prediction_code = np.full(len(predictions), -1, dtype=np.int64)
    prediction_code[present] = code[:len(given)]
    hits = prediction_code[owner] == code[len(given):]
    if normal_forms is not None:
        with_missing = forms + [None]  # code -1 is a missing prediction
        normal_forms["predictions"] = list(map(with_missing.__getitem__, prediction_code.tolist()))
        normal_forms["answers"] = list(map(forms.__getitem__, code[len(given):].tolist()))
        normal_forms["answer_question"] = owner
    return np.bincount(owner[hits], minlength=len(predictions)) > 0


def _compiler(rule: str):
    """``compile(pattern)`` for the rule: the pattern object, or None if it does not compile."""
    if rule == "match":
        def compile_one(pattern):
            try:
                return re.compile(pattern, flags=_FLAGS).match
            except re.error:
                return None
        return compile_one
    try:
        import regex
    except ImportError:  # pragma: no cover - regex is installed with qascore[opendomain]
        raise ImportError("preset curated_trec_search follows DPR, which uses the regex module: "
                          "pip install regex") from None

    def compile_nfd(pattern):
        try:
            return regex.compile(unicodedata.normalize("NFD", pattern),
                                 flags=regex.IGNORECASE | regex.UNICODE | regex.MULTILINE).search
        except Exception:  # DPR catches everything compile raises
            return None
    return compile_nfd


def _positions(values: list) -> Tuple[np.ndarray, list]:
    """Each value's index among the distinct values, and the distinct values (hashable values)."""
    distinct = list(dict.fromkeys(values))
    index = dict(zip(distinct, range(len(distinct))))
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values)), distinct


def correct_regex(predictions: Sequence[Optional[str]], pattern_lists: Sequence[Sequence[str]],
                  rule: str) -> np.ndarray:
    """Whether one of each question's patterns matches its prediction: ``rule`` is ``"match"``
    (ORQA: ``re.match`` on the raw prediction) or ``"search"`` (DPR: ``regex`` search after NFD).

    Each distinct pattern is compiled once, each distinct (patterns, prediction) pair tried once.
    """
    compile_one = _compiler(rule)
    present = np.fromiter(map(operator.is_not, predictions, repeat(None)), dtype=bool, count=len(predictions))
    correct = np.zeros(len(predictions), dtype=bool)
    if not present.any():
        return correct
    text_code, texts = _positions(list(compress(predictions, present)))
    list_code, lists = _positions(list(map(tuple, compress(pattern_lists, present))))
    pairs, back = np.unique(list_code * len(texts) + text_code, return_inverse=True)
    compiled: Dict[str, object] = {}
    if rule == "search":
        texts = [unicodedata.normalize("NFD", text) for text in texts]
    found = np.zeros(len(pairs), dtype=bool)
    for number, (patterns_at, text_at) in enumerate(zip(*np.divmod(pairs, len(texts)))):
        text = texts[text_at]
        for pattern in lists[patterns_at]:
            if pattern not in compiled:
                compiled[pattern] = compile_one(pattern)
            finder = compiled[pattern]
            if finder is not None and finder(text) is not None:
                found[number] = True
                break
    correct[present] = found[back.reshape(-1)]
    return correct
