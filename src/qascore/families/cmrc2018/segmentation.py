"""CMRC 2018's two text forms: the exact-match string and the F1 segments.

``cmrc2018_evaluate.py`` lower-cases and strips a text, then

- for EM removes its punctuation list :data:`SP_CHARS` (nothing else: inner spaces, ASCII
  ``,.!?;()"'``, ``…`` and the full-width forms of other characters still count);
- for F1 removes the same characters and segments what is left: every character in
  U+4E00-U+9FA5 (that range only) is a segment, and each run of other characters goes to
  ``nltk.word_tokenize`` (:func:`qascore.families.cmrc2018.treebank.word_tokenize`). A removed
  character does not end a run: ``ab-cd`` is one run ``abcd``.

The list holds the two-character string ``……``, which a single character never equals, so
neither ``…`` nor ``……`` is removed.

>>> exact_form("  北京·大学 ")
'北京大学'
>>> f1_segments("《北京大学》成立于1898年, in peking")
['北', '京', '大', '学', '成', '立', '于', '1898', '年', ',', 'in', 'peking']
"""

from __future__ import annotations

import functools
import re
from typing import List, Tuple

from qascore.families.cmrc2018.treebank import word_tokenize

__all__ = ["SP_CHARS", "exact_form", "f1_segments", "clear_caches"]

#: The characters the scorer removes (its ``sp_char`` list, less ``……``, which no single character equals).
SP_CHARS = frozenset("-:_*^/\\~`+=，。：？！“”；’《》·、「」（）－～『』")
_REMOVE = str.maketrans(dict.fromkeys(SP_CHARS))
_CHINESE = re.compile(r"([\u4e00-\u9fa5])")
# Runs of ASCII lower-case letters, digits and white space that no Treebank rule changes:
# word_tokenize splits them on white space (the rules touch no such text but these words).
_PLAIN_RUN = re.compile(r"[0-9a-z\s]*")
_SPLIT_WORDS = re.compile(r"cannot|gimme|gonna|gotta|lemme|wanna")


def exact_form(text: str) -> str:
    """The string EM compares: lower-cased, stripped, without :data:`SP_CHARS`."""
    return text.lower().strip().translate(_REMOVE)


def f1_segments(text: str) -> List[str]:
    """The segments F1 counts (see the module)."""
    segments: List[str] = []
    for index, piece in enumerate(_CHINESE.split(exact_form(text))):
        if index % 2:  # the captured Chinese characters sit at odd places
            segments.append(piece)
        elif piece:
            segments.extend(_run_tokens(piece))
    return segments


@functools.lru_cache(maxsize=1 << 16)
def _run_tokens(run: str) -> Tuple[str, ...]:
    """``word_tokenize(run)``, remembered (runs such as years and names recur across answers)."""
    if _PLAIN_RUN.fullmatch(run) and not _SPLIT_WORDS.search(run):
        return tuple(run.split())
    return tuple(word_tokenize(run))


def clear_caches() -> None:
    """Forget the remembered run tokens (for timing a cold start)."""
    _run_tokens.cache_clear()
