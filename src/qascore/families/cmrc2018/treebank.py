"""``nltk.word_tokenize`` as CMRC 2018's scorer meets it, without nltk: sentences, then Treebank words.

The scorer hands every run of non-Chinese text to ``nltk.word_tokenize``, which cuts the run
into sentences with the Punkt model and splits each sentence with ``NLTKWordTokenizer``
(the Penn Treebank rules as nltk 3.5 to 3.9.2 have them; the official figures were made
with nltk 3.9.2). This module has no nltk dependency:

- :func:`treebank_words` applies the Treebank rules of nltk 3.9.2, an ordered list of
  regular-expression rewrites (:data:`TREEBANK_REWRITES`), then splits on white space.
- :func:`sentences` stands in for Punkt, whose trained English model is data nltk downloads.
  The scorer lower-cases text first, so Punkt's capitalisation evidence never fires, and only
  a sentence that ends in ``.`` changes the words (the Treebank rules split a final period off
  a sentence, not a period inside one). The rule: a run is cut after a white-space separated
  word whose text (without trailing ``)]}"'``) ends in one ``.``, unless the part before the
  period contains a period (``u.s.``: taken as an abbreviation), or is one letter or a number
  and the next word starts with a lower-case letter or ``;:,.!?`` (as Punkt's initial and
  number rules decide on lower-cased text). Punkt's learned list of English abbreviations
  (``mr.``, ``etc.``) is not known here: ``mr. smith`` becomes ``mr``, ``.``, ``smith``.

>>> word_tokenize('"house blend" (1,000 km), u.s. nba')
['``', 'house', 'blend', "''", '(', '1,000', 'km', ')', ',', 'u.s.', 'nba']
>>> word_tokenize("terry a. gates met daniel batson. he left.")
['terry', 'a.', 'gates', 'met', 'daniel', 'batson', '.', 'he', 'left', '.']
"""

from __future__ import annotations

import re
from typing import List

__all__ = ["TREEBANK_REWRITES", "treebank_words", "sentences", "word_tokenize"]

#: nltk 3.9.2's NLTKWordTokenizer rules in the order it applies them: (pattern, replacement).
#: The white-space padding between the punctuation and the ending-quote rules is a rule too.
TREEBANK_REWRITES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # starting quotes
        (r"([«“‘„]|[`]+)", r" \1 "),
        (r"^\"", r"``"),
        (r"(``)", r" \1 "),
        (r"([ \(\[{<])(\"|\'{2})", r"\1 `` "),
        (r"(?i)(\')(?!re|ve|ll|m|t|s|d|n)(\w)\b", r"\1 \2"),
        # punctuation
        (r"([^\.])(\.)([\]\)}>\"\'»”’ ]*)\s*$", r"\1 \2 \3 "),
        (r"([:,])([^\d])", r" \1 \2"),
        (r"([:,])$", r" \1 "),
        (r"\.{2,}", r" \g<0> "),
        (r"[;@#$%&]", r" \g<0> "),
        (r"([^\.])(\.)([\]\)}>\"\']*)\s*$", r"\1 \2\3 "),
        (r"[?!]", r" \g<0> "),
        (r"([^'])' ", r"\1 ' "),
        (r"[*]", r" \g<0> "),
        # brackets, double dashes
        (r"[\]\[\(\)\{\}\<\>]", r" \g<0> "),
        (r"--", r" -- "),
        # padding, then ending quotes
        (r"^|$", " "),
        (r"([»”’])", r" \1 "),
        (r"''", " '' "),
        (r'"', " '' "),
        (r"\s+", " "),
        (r"([^' ])('[sS]|'[mM]|'[dD]|') ", r"\1 \2 "),
        (r"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", r"\1 \2 "),
        # contractions
        (r"(?i)\b(can)(?#X)(not)\b", r" \1 \2 "),
        (r"(?i)\b(d)(?#X)('ye)\b", r" \1 \2 "),
        (r"(?i)\b(gim)(?#X)(me)\b", r" \1 \2 "),
        (r"(?i)\b(gon)(?#X)(na)\b", r" \1 \2 "),
        (r"(?i)\b(got)(?#X)(ta)\b", r" \1 \2 "),
        (r"(?i)\b(lem)(?#X)(me)\b", r" \1 \2 "),
        (r"(?i)\b(more)(?#X)('n)\b", r" \1 \2 "),
        (r"(?i)\b(wan)(?#X)(na)(?=\s)", r" \1 \2 "),
        (r"(?i) ('t)(?#X)(is)\b", r" \1 \2 "),
        (r"(?i) ('t)(?#X)(was)\b", r" \1 \2 "),
    )
)
_PADDING = 16  # index of the (r"^|$", " ") rule: text = " " + text + " " in nltk


def treebank_words(sentence: str) -> List[str]:
    """The words of one sentence under nltk 3.9.2's ``NLTKWordTokenizer().tokenize``.

    >>> treebank_words("don't pay $3.88 (roughly).")
    ['do', "n't", 'pay', '$', '3.88', '(', 'roughly', ')', '.']
    """
    for index, (pattern, replacement) in enumerate(TREEBANK_REWRITES):
        if index == _PADDING:
            sentence = " " + sentence + " "
        else:
            sentence = pattern.sub(replacement, sentence)
    return sentence.split()


_WORD = re.compile(r"\S+")
_NUMBER = re.compile(r"-?[\.,]?\d[\d,\.-]*")
_INITIAL = re.compile(r"[^\W\d]")
_CLOSERS = ")]}\"'"
_OPENERS = "(\"'`{["


def _ends_sentence(word: str, following: str) -> bool:
    """Whether the sentence ends after ``word`` when ``following`` is the next word (see the module)."""
    core = word.rstrip(_CLOSERS)
    if not core.endswith(".") or core.endswith(".."):
        return False
    stem = core[:-1].lstrip(_OPENERS)
    if _INITIAL.fullmatch(stem) or _NUMBER.fullmatch(stem):
        return not (following[0].islower() or following[0] in ";:,.!?")
    return "." not in stem


def sentences(run: str) -> List[str]:
    """``run`` cut into sentences (see the module); white space at the end is dropped.

    >>> sentences("it rained. 3. then")
    ['it rained.', '3. then']
    """
    words = list(_WORD.finditer(run))
    pieces, start = [], 0
    for word, following in zip(words, words[1:]):
        if _ends_sentence(word.group(), following.group()):
            pieces.append(run[start:word.end()])
            start = following.start()
    pieces.append(run[start:].rstrip())
    return [piece for piece in pieces if piece]


def word_tokenize(run: str) -> List[str]:
    """The tokens ``nltk.word_tokenize(run)`` gives, as described in the module."""
    return [word for sentence in sentences(run) for word in treebank_words(sentence)]
