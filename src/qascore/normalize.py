"""Answer normalisers: how each official scorer cleans text and splits it into F1 tokens.

A normaliser is a small object with a ``name``, ``normalize(text) -> str`` (the string
compared for exact match) and ``tokenize(normalized) -> list[str]`` (the units counted
for F1). Each one reproduces one official script character for character:

- ``squad``: SQuAD v1.1/v2.0 ``normalize_answer`` (lower case, drop ASCII punctuation,
  drop English articles, collapse whitespace); F1 over whitespace tokens.
- ``korquad``: KorQuAD 1.0 ``evaluate-v1.0.py`` (its extra quote and bracket symbols,
  no article removal); F1 over characters.
- ``mlqa``: MLQA ``mlqa_evaluation_v1.py`` for one language (all Unicode punctuation,
  that language's articles, Chinese mixed segmentation); F1 over tokens.
- ``squad_nfd``: Unicode NFD, then ``squad``: the ``normalize_answer`` of EfficientQA / ORQA
  and DPR (and what lenient matching uses for presets with their own normalisation).
- ``unicode``: not an official script; for languages none of them covers (see
  :class:`UnicodeNormalizer`).

>>> get_normalizer("squad").normalize("The  Denver Broncos!")
'denver broncos'
>>> get_normalizer("korquad").tokenize(get_normalizer("korquad").normalize("《서울》 시"))
['서', '울', '시']
>>> get_normalizer("mlqa", language="zh").normalize("北京大学 in 2024")
'北 京 大 学 in 2024'
"""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from typing import List, Optional

from qascore.joined_text import clean_joined

__all__ = [
    "Normalizer",
    "SquadNormalizer",
    "SquadNfdNormalizer",
    "KorquadNormalizer",
    "MlqaNormalizer",
    "UnicodeNormalizer",
    "NORMALIZERS",
    "MLQA_LANGUAGES",
    "ENGLISH_ARTICLES",
    "get_normalizer",
]

_ASCII_PUNCTUATION_BYTES = string.punctuation.encode("ascii")


def _drop_ascii_punctuation(text: str) -> str:
    """``text`` without ASCII punctuation, deleted from its bytes (much faster than str.translate).

    ASCII bytes never occur inside a multi-byte UTF-8 sequence, so deleting them is exact;
    ``surrogatepass`` keeps lone surrogates as they were.
    """
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_PUNCTUATION_BYTES).decode("ascii")
    encoded = text.encode("utf-8", "surrogatepass")
    return encoded.translate(None, _ASCII_PUNCTUATION_BYTES).decode("utf-8", "surrogatepass")


# The English articles the official scripts remove, their ``\b(a|an|the)\b`` written so that the
# regex engine looks for the first letter ("a" or "t") instead of trying a word boundary at every
# position: the same matches (a hypothesis test compares the two), in 0.12 s instead of 0.20 s on
# the 11 MB of joined answers of the 1M-question benchmark.
ENGLISH_ARTICLES = re.compile(r"(?:a(?<!\wa)n?|t(?<!\wt)he)(?!\w)")

_TEXTS_PER_PASS = 20_000  # joined text of about 0.5 MB: stays in cache, bounds the memory used


class Normalizer:
    """Base class: ``normalize`` gives the exact-match string, ``tokenize`` the F1 units."""

    name = "base"

    def normalize(self, text: str) -> str:
        raise NotImplementedError

    def normalize_many(self, texts: List[str]) -> List[str]:
        """``[self.normalize(text) for text in texts]``; subclasses may do it faster."""
        return list(map(self.normalize, texts))

    def tokenize(self, normalized: str) -> List[str]:
        """Split an already normalised string into the units F1 counts (whitespace tokens)."""
        return normalized.split()

    def signature(self) -> str:
        """Short text naming this normaliser and its settings, used in :func:`qascore.signature`."""
        return self.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.signature()!r})"


class _CharacterwiseNormalizer(Normalizer):
    """A normaliser that cleans text with per-character steps, then collapses whitespace.

    No cleaning step treats NUL differently from a text's end, so many texts are cleaned at
    once over their NUL join (:func:`qascore.joined_text.clean_joined`), which costs a few C
    calls instead of several per text.
    """

    def clean(self, text: str) -> str:
        raise NotImplementedError

    def normalize(self, text: str) -> str:
        return " ".join(self.clean(text).split())

    def normalize_many(self, texts: List[str]) -> List[str]:
        """The same as ``normalize`` on each text.

        >>> SquadNormalizer().normalize_many(["The Cat.", "A", "dogs!"])
        ['cat', '', 'dogs']
        """
        normalized: List[str] = []
        for start in range(0, len(texts), _TEXTS_PER_PASS):
            cleaned = clean_joined(texts[start:start + _TEXTS_PER_PASS], self.clean, self.clean)
            normalized.extend(map(" ".join, map(str.split, cleaned)))
        return normalized


class SquadNormalizer(_CharacterwiseNormalizer):
    """SQuAD v1.1 / v2.0 ``normalize_answer``.

    >>> SquadNormalizer().normalize("An apple, the pear")
    'apple pear'
    """

    name = "squad"

    def clean(self, text: str) -> str:
        return ENGLISH_ARTICLES.sub(" ", _drop_ascii_punctuation(text.lower()))


class SquadNfdNormalizer(SquadNormalizer):
    """Unicode NFD, then SQuAD's ``normalize_answer`` (EfficientQA / ORQA's and DPR's normalisation).

    >>> SquadNfdNormalizer().normalize("Cafe\u0301") == SquadNfdNormalizer().normalize("Caf\u00e9")
    True
    """

    name = "squad_nfd"

    def clean(self, text: str) -> str:
        return super().clean(unicodedata.normalize("NFD", text))


class KorquadNormalizer(_CharacterwiseNormalizer):
    """KorQuAD 1.0 ``evaluate-v1.0.py``: F1 counts characters, not words.

    >>> n = KorquadNormalizer()
    >>> n.normalize("‘세종대왕’ (1397)")
    '세종대왕 1397'
    >>> n.tokenize("세종 대왕")
    ['세', '종', '대', '왕']
    """

    name = "korquad"
    # The symbols the official script replaces with a space before anything else.
    _symbols_table = str.maketrans({symbol: " " for symbol in "'\"《》<>〈〉()‘’"})

    def clean(self, text: str) -> str:
        return _drop_ascii_punctuation(text.translate(self._symbols_table).lower())

    def tokenize(self, normalized: str) -> List[str]:
        return [char for token in normalized.split() for char in token]


def _unicode_punctuation() -> frozenset:
    """Every code point whose Unicode category starts with P, plus ASCII punctuation (as MLQA)."""
    return frozenset(
        chr(i) for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P")
    ) | frozenset(string.punctuation)


_PUNCTUATION_TABLE = None


def _unicode_punctuation_table() -> dict:
    """Translation table deleting all Unicode punctuation; built once, on first use."""
    global _PUNCTUATION_TABLE
    if _PUNCTUATION_TABLE is None:
        _PUNCTUATION_TABLE = {ord(char): None for char in _unicode_punctuation()}
    return _PUNCTUATION_TABLE


# Articles removed per language by mlqa_evaluation_v1.py; None means none are removed.
_MLQA_ARTICLES = {
    "en": ENGLISH_ARTICLES.pattern,
    "es": r"\b(un|una|unos|unas|el|la|los|las)\b",
    "hi": None,
    "vi": r"\b(của|là|cái|chiếc|những)\b",
    "de": r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b",
    "ar": r"\sال^|ال",
    "zh": None,
}
MLQA_LANGUAGES = tuple(_MLQA_ARTICLES)
_MLQA_MIXED_SEGMENTATION = {"zh"}
_CJK_UNIFIED = re.compile(r"[\u4e00-\u9fa5]")


class MlqaNormalizer(Normalizer):
    """MLQA ``mlqa_evaluation_v1.py`` for one of its seven languages.

    >>> MlqaNormalizer("de").normalize("Der Rhein, ein Fluss")
    'rhein fluss'
    >>> MlqaNormalizer("zh").tokenize(MlqaNormalizer("zh").normalize("长江，全长6300公里"))
    ['长', '江', '全', '长', '6300', '公', '里']
    """

    name = "mlqa"

    def __init__(self, language: str):
        if language not in _MLQA_ARTICLES:
            raise ValueError(
                f"Unknown MLQA language {language!r}. The official MLQA scorer covers "
                f"{', '.join(MLQA_LANGUAGES)}; for another language use normalizer='unicode'."
            )
        self.language = language
        pattern = _MLQA_ARTICLES[language]
        self._articles = re.compile(pattern) if pattern else None
        self._mixed = language in _MLQA_MIXED_SEGMENTATION

    def normalize(self, text: str) -> str:
        text = text.lower().translate(_unicode_punctuation_table())
        if self._articles is not None:
            text = self._articles.sub(" ", text)
        tokens = _mixed_segmentation(text) if self._mixed else text.split()
        return " ".join(token for token in tokens if token.strip() != "")

    def signature(self) -> str:
        return f"mlqa-{self.language}"


def _mixed_segmentation(text: str) -> List[str]:
    """MLQA's Chinese segmentation: each CJK character (or punctuation) alone, other runs split on spaces."""
    punctuation = _unicode_punctuation_table()
    segments: List[str] = []
    pending = ""
    for char in text:
        if _CJK_UNIFIED.match(char) or ord(char) in punctuation:
            if pending:
                segments.extend(pending.split())
                pending = ""
            segments.append(char)
        else:
            pending += char
    if pending:
        segments.extend(pending.split())
    return segments


def _is_character_script(char: str) -> bool:
    """True for scripts written without spaces between words: Han, Kana, Thai, Lao, Khmer, Myanmar."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # Hiragana, Katakana
        or 0x31F0 <= code <= 0x31FF  # Katakana phonetic extensions
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0xFF66 <= code <= 0xFF9F  # half-width Katakana
        or 0x0E00 <= code <= 0x0EFF  # Thai, Lao
        or 0x1000 <= code <= 0x109F  # Myanmar
        or 0x1780 <= code <= 0x17FF  # Khmer
        or 0x20000 <= code <= 0x3FFFF  # CJK extensions B and later
    )


class UnicodeNormalizer(Normalizer):
    """A profile for languages no official script covers (not an official scorer).

    NFKC (full-width letters and digits become ASCII, compatibility forms fold), case
    folding, every Unicode punctuation character removed, format characters such as
    zero-width spaces removed, whitespace collapsed. F1 tokens: each character of Han,
    Hiragana, Katakana, Thai, Lao, Khmer and Myanmar text is its own token (these scripts
    do not separate words with spaces); any other run is split on whitespace, so Korean
    Hangul is scored by space-separated words (KorQuAD's character F1 is the ``korquad``
    normaliser). No articles are removed in any language.

    >>> n = UnicodeNormalizer()
    >>> n.normalize("ＡＢＣ「東京タワー」!")
    'abc東京タワー'
    >>> n.tokenize(n.normalize("東京タワー ABC"))
    ['東', '京', 'タ', 'ワ', 'ー', 'abc']
    >>> n.tokenize(n.normalize("กรุงเทพ มหานคร"))
    ['ก', 'ร', 'ุ', 'ง', 'เ', 'ท', 'พ', 'ม', 'ห', 'า', 'น', 'ค', 'ร']
    >>> n.tokenize(n.normalize("서울 특별시"))
    ['서울', '특별시']
    """

    name = "unicode"

    def normalize(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = text.translate(_unicode_punctuation_table())
        text = "".join(char for char in text if unicodedata.category(char) != "Cf")
        return " ".join(text.split())

    def tokenize(self, normalized: str) -> List[str]:
        tokens: List[str] = []
        for word in normalized.split():
            pending = ""
            for char in word:
                if _is_character_script(char):
                    if pending:
                        tokens.append(pending)
                        pending = ""
                    tokens.append(char)
                else:
                    pending += char
            if pending:
                tokens.append(pending)
        return tokens


def _mlqa(language: Optional[str]) -> Normalizer:
    if language is None:
        raise ValueError("The mlqa normaliser needs language=, one of " + ", ".join(MLQA_LANGUAGES) + ".")
    return MlqaNormalizer(language)


#: Every normaliser: its name -> a factory taking the language (only mlqa uses it).
_REGISTRY = {
    "squad": lambda language: SquadNormalizer(),
    "squad_nfd": lambda language: SquadNfdNormalizer(),
    "korquad": lambda language: KorquadNormalizer(),
    "mlqa": _mlqa,
    "unicode": lambda language: UnicodeNormalizer(),
}
_ALIASES = {"squad_v2": "squad"}  # the squad_v2 preset's name for its normaliser

#: The normalisers' names.
NORMALIZERS = tuple(_REGISTRY)


def get_normalizer(name, *, language: Optional[str] = None) -> Normalizer:
    """Return the normaliser called ``name`` (``language`` is required for ``mlqa``).

    A :class:`Normalizer` instance is returned unchanged, so callers may pass their own.

    >>> get_normalizer("squad_v2").name
    'squad'
    """
    if isinstance(name, Normalizer):
        return name
    if not isinstance(name, str):
        raise TypeError(
            f"normalizer must be a name ({', '.join(NORMALIZERS)}) or a qascore.normalize.Normalizer, "
            f"got {type(name).__name__}."
        )
    factory = _REGISTRY.get(_ALIASES.get(name, name))
    if factory is None:
        raise ValueError(f"Unknown normalizer {name!r}; choose one of {', '.join(NORMALIZERS)}.")
    return factory(language)
