"""ORQA's and DPR's answer rules for many questions at once (the twin of :mod:`.reference`).

* ``exact`` (nq_open, efficientqa): every prediction and answer is normalised once, in one
  pass over their join (:func:`qascore.families.joined_text.normalize_many`); normal forms
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

import re
import string
import unicodedata
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from qascore.families.joined_text import normalize_many, squeeze_spaces
from qascore.families.orqa.reference import normalize_answer

__all__ = ["normalize_all", "correct_exact", "correct_regex", "RULES"]

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


def _flatten(answer_lists: Sequence[Sequence[str]]) -> Tuple[List[str], np.ndarray]:
    """All answers in one list, and the question each belongs to."""
    flat = [answer for answers in answer_lists for answer in answers]
    owner = np.repeat(np.arange(len(answer_lists)), [len(answers) for answers in answer_lists])
    return flat, owner


def correct_exact(predictions: Sequence[Optional[str]], answer_lists: Sequence[Sequence[str]],
                  normal_forms: Optional[dict] = None) -> np.ndarray:
    """Whether each prediction equals one of its answers after ORQA's normalisation.

    ``normal_forms``, when given, receives ``predictions`` and ``answers``: the normal forms
    (None for a missing prediction), for rules that build on the same decision.
    """
    given = [prediction for prediction in predictions if prediction is not None]
    answers, owner = _flatten(answer_lists)
    normal = normalize_all(given + answers)
    codes: Dict[str, int] = {}
    code = np.fromiter((codes.setdefault(text, len(codes)) for text in normal), dtype=np.int64, count=len(normal))
    present = np.fromiter((prediction is not None for prediction in predictions), dtype=bool, count=len(predictions))
    prediction_code = np.full(len(predictions), -1, dtype=np.int64)
    prediction_code[present] = code[:len(given)]
    hits = prediction_code[owner] == code[len(given):]
    if normal_forms is not None:
        forms = iter(normal[:len(given)])
        normal_forms["predictions"] = [next(forms) if known else None for known in present]
        ends = np.cumsum([len(answers_of) for answers_of in answer_lists])
        normal_forms["answers"] = [normal[len(given) + end - len(answers_of):len(given) + end]
                                   for end, answers_of in zip(ends.tolist(), answer_lists)]
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


def correct_regex(predictions: Sequence[Optional[str]], pattern_lists: Sequence[Sequence[str]],
                  rule: str) -> np.ndarray:
    """Whether one of each question's patterns matches its prediction: ``rule`` is ``"match"``
    (ORQA: ``re.match`` on the raw prediction) or ``"search"`` (DPR: ``regex`` search after NFD)."""
    compile_one = _compiler(rule)
    compiled: Dict[str, object] = {}
    tried: Dict[Tuple[str, str], bool] = {}
    prepare = (lambda text: unicodedata.normalize("NFD", text)) if rule == "search" else (lambda text: text)
    correct = np.zeros(len(predictions), dtype=bool)
    for index, (prediction, patterns) in enumerate(zip(predictions, pattern_lists)):
        if prediction is None:
            continue
        text = prepare(prediction)
        for pattern in patterns:
            key = (pattern, text)
            found = tried.get(key)
            if found is None:
                if pattern not in compiled:
                    compiled[pattern] = compile_one(pattern)
                finder = compiled[pattern]
                found = tried[key] = finder is not None and finder(text) is not None
            if found:
                correct[index] = True
                break
    return correct
