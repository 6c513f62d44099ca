"""Lenient matching: opt-in decisions that accept right answers exact match rejects.

Exact match says "6 geese a-laying" is wrong for "six geese a-laying" and "Guy Henry" for
"actor Guy Henry's". These metrics are more forgiving; each is one rule, applied to the
predictions and gold answers after the preset's normaliser (for the SQuAD presets: lower
case, no punctuation, no articles), and each takes the best of a question's gold answers:

=====================  ====================================================================
``contains``           some gold answer's tokens occur as a contiguous run of the
                       prediction's tokens (DPR's ``has_answer``: whole tokens, not a raw
                       substring, so "art" is not in "martial arts").
``prefix_exact_match`` the prediction's tokens begin with some gold answer's tokens (HELM and
                       lighteval's name; an answer followed by an explanation).
``suffix_exact_match`` the prediction's tokens end with some gold answer's tokens.
``token_recall``       the share of some gold answer's tokens (with repeats) found in the
                       prediction, 0 to 1 (SQuAD F1's recall half).
``loose_exact_match``  exact match, or equal after the loose rules below.
``lenient_match``      exact match, or token F1 at least 0.5 after the loose rules when
                       every number in the prediction is a number of that gold answer
                       (so a year for a full date passes, a wrong day or season does not).
=====================  ====================================================================

``lenient_match`` is the one recommended for generative QA: against human judges of
EfficientQA (benchmarks/human_agreement.py) it agrees better than SQuAD's F1 >= 0.5 and
is more precise.

The loose rules (:func:`loose_normalize_many`), in order: Unicode NFKC; format characters
(soft hyphens, zero-width spaces) removed; hyphens, dashes and slashes become spaces;
a possessive 's is dropped; then the preset's normaliser; then English number words and
ordinals become digits ("twenty-four", "24th" and "twenty fourth" are all "24"), and a
month name before a day number is written day first ("november 16 2018" is
"16 november 2018"). The number words and possessives are English rules; on other
languages they rarely apply.

A gold answer that normalises to nothing is matched (1 on every metric) by a prediction
that normalises to nothing, and by no other; under the v2.0 rules (squad_v2) such gold
answers are dropped and a question left without any is matched by the empty prediction
only, as exact match does. So every metric accepts whatever exact match accepts. A missing
prediction (None) scores 0.

>>> from qascore.normalize import SquadNormalizer
>>> scores = lenient_scores(["six geese a-laying", "Guy Henry", "1945"],
...                         [["6 geese a-laying"], ["actor Guy Henry's"], ["September 1, 1945"]],
...                         SquadNormalizer(), metrics=("contains", "loose_exact_match", "lenient_match"))
>>> {name: values.tolist() for name, values in scores.items()}
{'contains': [0.0, 0.0, 0.0], 'loose_exact_match': [1.0, 0.0, 0.0], 'lenient_match': [1.0, 1.0, 1.0]}
"""

from __future__ import annotations

import re
import sys
import unicodedata
from itertools import chain
from typing import Dict, List, Optional, Sequence

import numpy as np

from qascore.cyclic_gc import cyclic_gc_paused
from qascore.joined_text import SEPARATOR  # joins texts for one pass of each loose rule; no rule matches or changes it
from qascore.normalize import Normalizer
from qascore.scoring.tokens import TokenTable, number_distinct

__all__ = ["LENIENT_METRICS", "RECOMMENDED", "MATCH_THRESHOLD", "lenient_scores", "loose_normalize_many",
           "read_number_words", "check_metrics"]

#: Every lenient metric, in the order their keys are reported.
LENIENT_METRICS = ("contains", "prefix_exact_match", "suffix_exact_match", "token_recall", "loose_exact_match",
                   "lenient_match")
#: The metric recommended for generative QA (see the module docstring).
RECOMMENDED = "lenient_match"
#: ``lenient_match``'s token F1 threshold (SQuAD F1 >= 0.5, the usual cut-off).
MATCH_THRESHOLD = 0.5

_CARDINALS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_CARDINALS.update({word: 10 * tens for tens, word in enumerate("twenty thirty forty fifty sixty seventy eighty "
                                                               "ninety".split(), start=2)})
_CARDINALS.update(hundred=100, thousand=1000, million=10**6, billion=10**9)
_ORDINALS = {word: value for value, word in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split())}
_ORDINALS.update({word: 10 * tens for tens, word in enumerate("twentieth thirtieth fortieth fiftieth sixtieth "
                                                              "seventieth eightieth ninetieth".split(), start=2)})
_ORDINALS.update(hundredth=100, thousandth=1000, millionth=10**6, billionth=10**9)
#: Every English number word (cardinal or ordinal) -> its value.
NUMBER_WORDS = {**_CARDINALS, **_ORDINALS}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")

_DASHES = re.compile("[-/\u2010-\u2015\u2212]")
_ASCII_DASHES = bytes.maketrans(b"-/", b"  ")
_POSSESSIVE = re.compile(r"['\u2019]s\b(?<=\w['\u2019]s)")
_BOUNDARY_BEFORE, _BOUNDARY_AFTER = r"(?<![^ \x00])", r"(?![^ \x00])"  # a token starts / ends here
# These two match the separator before the token too (the text is wrapped in separators): a
# pattern that starts with a literal set is found much faster than one that starts with a look-behind.
_ORDINAL_DIGITS = re.compile(r"([ \x00])([0-9]+)(?:st|nd|rd|th)(?=[ \x00])")
_MONTH_DAY = re.compile(r"([ \x00])({}) ([1-9]|[12][0-9]|3[01])(?=[ \x00])".format("|".join(MONTHS)))
_FORMAT_CHARACTERS: Optional[re.Pattern] = None


def check_metrics(metrics) -> tuple:
    """The lenient metric names asked for, as a tuple in report order.

    ``True`` means all of :data:`LENIENT_METRICS`; ``None``/``False`` none; otherwise a name or
    a list of names.

    >>> check_metrics(["lenient_match", "contains"])
    ('contains', 'lenient_match')
    >>> check_metrics("exact")
    Traceback (most recent call last):
    ...
    ValueError: Unknown lenient metric 'exact'; choose from contains, prefix_exact_match, suffix_exact_match, token_recall, loose_exact_match, lenient_match (or lenient=True for all).
    """
    if metrics is None or metrics is False:
        return ()
    if metrics is True:
        return LENIENT_METRICS
    names = [metrics] if isinstance(metrics, str) else metrics
    if not isinstance(names, (list, tuple)) or not all(isinstance(name, str) for name in names):
        raise TypeError(f"lenient must be True, a metric name or a list of names; got {metrics!r:.60}.")
    for name in names:
        if name not in LENIENT_METRICS:
            raise ValueError(f"Unknown lenient metric {name!r}; choose from {', '.join(LENIENT_METRICS)} "
                             "(or lenient=True for all).")
    return tuple(name for name in LENIENT_METRICS if name in names)


def read_number_words(words: Sequence[str]) -> List[int]:
    """The numbers a run of English number words spells, read as people write them.

    Words join into one number where English allows it ("twenty four", "nineteen hundred
    eighty four", "two thousand eighteen"); elsewhere a new number starts ("one two" is
    1, 2). An ordinal ends its number; "zero" stands alone.

    >>> read_number_words("nineteen hundred eighty four".split()), read_number_words(["one", "two"])
    ([1984], [1, 2])
    >>> read_number_words("two thousand twenty first".split()), read_number_words(["hundred"])
    ([2021], [100])
    """
    numbers: List[int] = []
    total = group = 0
    last = None  # the kind of the previous word of the number being read
    for word in words:
        value = NUMBER_WORDS[word]
        kind = ("zero" if value == 0 else "unit" if value < 10 else "teen" if value < 20 else "tens" if value < 100
                else "hundred" if value == 100 else "scale")
        joins = (
            (kind == "unit" and last == "tens")
            or (kind in ("unit", "teen", "tens") and last in ("hundred", "scale"))
            or (kind in ("hundred", "scale") and last in ("unit", "teen", "tens"))
            or (kind == "scale" and last == "hundred")
        )
        if last is not None and (kind == "zero" or not joins):
            numbers.append(total + group)
            total = group = 0
        if kind == "hundred":
            group = max(group, 1) * 100
        elif kind == "scale":
            total, group = total + max(group, 1) * value, 0
        else:
            group += value
        last = kind
        if kind == "zero" or word in _ORDINALS:
            numbers.append(total + group)
            total = group = 0
            last = None
    if last is not None:
        numbers.append(total + group)
    return numbers


def _format_characters() -> re.Pattern:
    """A pattern matching every format character (Unicode category Cf); built on first use."""
    global _FORMAT_CHARACTERS
    if _FORMAT_CHARACTERS is None:
        characters = "".join(chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf")
        _FORMAT_CHARACTERS = re.compile(f"[{re.escape(characters)}]")
    return _FORMAT_CHARACTERS


def _number_runs(words) -> Optional[re.Pattern]:
    """A pattern matching runs of the number words among ``words`` (None when there are none).

    Built from the words present only: a pattern of all sixty would be tried at every position.
    """
    present = NUMBER_WORDS.keys() & words
    if not present:
        return None
    alternatives = "|".join(sorted(present, key=len, reverse=True))
    return re.compile(f"{_BOUNDARY_BEFORE}((?:{alternatives})(?: (?:{alternatives}))*){_BOUNDARY_AFTER}")


def _spelled(match: re.Match) -> str:
    return " ".join(map(str, read_number_words(match.group(1).split(" "))))


def loose_normalize_many(texts: List[str], normalizer: Normalizer) -> List[str]:
    """Each text after the loose rules around ``normalizer`` (see the module docstring).

    >>> from qascore.normalize import SquadNormalizer
    >>> loose_normalize_many(["Twenty-four", "the 24th", "Guy Henry's", "November 16, 2018", "AC/DC"],
    ...                      SquadNormalizer())
    ['24', '24', 'guy henry', '16 november 2018', 'ac dc']
    """
    if not texts:
        return []
    if any(SEPARATOR in text for text in texts):  # cannot be joined: one at a time
        return list(chain.from_iterable(loose_normalize_many([text], normalizer) for text in texts))
    joined = SEPARATOR.join(texts)
    if joined.isascii():  # its own NFKC form, without format characters; dashes replaced bytewise
        joined = joined.encode("ascii").translate(_ASCII_DASHES).decode("ascii")
    else:
        joined = _DASHES.sub(" ", _format_characters().sub("", unicodedata.normalize("NFKC", joined)))
    joined = _POSSESSIVE.sub("", joined)
    normalized = SEPARATOR.join(normalizer.normalize_many(joined.split(SEPARATOR)))
    words = set(normalized.replace(SEPARATOR, " ").split(" "))
    number_runs = _number_runs(words)
    if number_runs is not None:
        normalized = number_runs.sub(_spelled, normalized)
    normalized = _ORDINAL_DIGITS.sub(r"\1\2", f"{SEPARATOR}{normalized}{SEPARATOR}")
    if not words.isdisjoint(MONTHS):
        normalized = _MONTH_DAY.sub(r"\1\3 \2", normalized)
    return normalized[1:-1].split(SEPARATOR)


def lenient_scores(
    predictions: Sequence[Optional[str]],
    references: Sequence[Sequence[str]],
    normalizer: Normalizer,
    *,
    metrics: Sequence[str] = LENIENT_METRICS,
    unanswerable: bool = False,
) -> Dict[str, np.ndarray]:
    """Per question, each of ``metrics`` (0 or 1; ``token_recall`` 0 to 1), best over its gold answers.

    ``unanswerable=True`` applies the v2.0 rules for gold answers that normalise to nothing.
    Any family's answers can be scored: predictions are strings (or None), references lists
    of gold strings, ``normalizer`` a :class:`qascore.normalize.Normalizer`.

    >>> from qascore.normalize import SquadNormalizer
    >>> lenient_scores(["Paris, the capital", "the city of Paris"], [["Paris"], ["Paris", "Paris France"]],
    ...                SquadNormalizer(), metrics=("prefix_exact_match", "suffix_exact_match", "token_recall"))
    {'prefix_exact_match': array([1., 0.]), 'suffix_exact_match': array([0., 1.]), 'token_recall': array([1., 1.])}
    """
    metrics = check_metrics(list(metrics))
    with cyclic_gc_paused():
        return _score(predictions, references, normalizer, metrics, unanswerable)


def _score(predictions, references, normalizer, metrics, unanswerable):
    count = len(references)
    present = np.fromiter((text is not None for text in predictions), dtype=bool, count=len(predictions))
    predictions = ["" if text is None else text for text in predictions]
    golds_per_question = np.fromiter(map(len, references), dtype=np.int64, count=count)
    gold_text_ids, gold_texts = number_distinct(chain.from_iterable(references))
    prediction_text_ids, prediction_texts = number_distinct(predictions)
    texts = gold_texts + prediction_texts
    table = TokenTable(normalizer.normalize_many(texts), normalizer.tokenize)
    question_of_pair = np.repeat(np.arange(count), golds_per_question)
    pairs = _Pairs(texts, table, normalizer, len(gold_texts) + prediction_text_ids[question_of_pair], gold_text_ids)
    if unanswerable:  # v2.0: gold answers that normalise to nothing do not count
        kept = ~pairs.empty_gold
        pairs.keep(kept)
        question_of_pair = question_of_pair[kept]
    no_gold = np.bincount(question_of_pair, minlength=count) == 0  # unanswerable: the empty prediction only
    prediction_is_empty = table.lengths[table.string_of_text[len(gold_texts) + prediction_text_ids]] == 0
    results = {}
    for name in metrics:
        best = _best_per_question(question_of_pair, pairs.score(name), count)
        best[no_gold] = prediction_is_empty[no_gold]
        best[~present] = 0.0
        results[name] = best
    return results


class _Pairs:
    """The (prediction, gold) pairs of one call as text ids; each metric scores each distinct pair once.

    A pair that matches exactly scores 1 on every metric; a gold answer without tokens is
    matched by a prediction without tokens only. The other pairs are *open*: the metric's
    own rule decides them.
    """

    def __init__(self, texts, table: TokenTable, normalizer: Normalizer, prediction, gold):
        self.texts, self.table, self.normalizer = texts, table, normalizer
        self.prediction, self.gold = prediction, gold
        self._loose = None

    @property
    def empty_gold(self) -> np.ndarray:
        return self.table.lengths[self.table.string_of_text[self.gold]] == 0

    def keep(self, kept: np.ndarray) -> None:
        self.prediction, self.gold = self.prediction[kept], self.gold[kept]

    def score(self, name: str) -> np.ndarray:
        """The metric ``name`` of every pair."""
        prediction, gold = self.table.string_of_text[self.prediction], self.table.string_of_text[self.gold]
        exact = prediction == gold
        empty_gold = self.table.lengths[gold] == 0
        scores = (exact | (empty_gold & (self.table.lengths[prediction] == 0))).astype(np.float64)
        open_pairs = np.flatnonzero(~(exact | empty_gold))
        if name in ("loose_exact_match", "lenient_match"):
            table, of_text = self._loose_table(open_pairs)
            prediction, gold = of_text[self.prediction], of_text[self.gold]
        else:
            table = self.table
        scores[open_pairs] = _distinct_scores(name, table, self.normalizer, prediction[open_pairs], gold[open_pairs])
        return scores

    def _loose_table(self, open_pairs: np.ndarray):
        """The token table of the loose forms of the open pairs' texts, and each text's loose string id
        (only the open pairs' texts have one: the same pairs are open for every metric)."""
        if self._loose is None:
            wanted = np.unique(np.concatenate([self.prediction[open_pairs], self.gold[open_pairs]]))
            table = TokenTable(loose_normalize_many([self.texts[index] for index in wanted.tolist()], self.normalizer),
                               self.normalizer.tokenize)
            of_text = np.full(len(self.texts), -1, dtype=np.int64)
            of_text[wanted] = table.string_of_text
            self._loose = table, of_text
        return self._loose


def _distinct_scores(name, table: TokenTable, normalizer, prediction, gold) -> np.ndarray:
    """Metric ``name`` of string pairs (ids of ``table``), computed once per distinct pair."""
    distinct, pair_of_distinct = np.unique(prediction * table.string_count + gold, return_inverse=True)
    prediction, gold = distinct // table.string_count, distinct % table.string_count
    if name == "token_recall":
        values = table.overlap(prediction, gold) / table.lengths[gold]
    elif name in ("contains", "prefix_exact_match", "suffix_exact_match"):
        rule = {"contains": lambda text, part: part in text, "prefix_exact_match": str.startswith,
                "suffix_exact_match": str.endswith}[name]
        keys = _token_keys(table, normalizer, np.unique(np.concatenate([prediction, gold])))
        values = np.fromiter(map(rule, map(keys.__getitem__, prediction.tolist()),
                                 map(keys.__getitem__, gold.tolist())), dtype=np.float64, count=len(gold))
    else:
        equal = (prediction == gold) & (table.lengths[gold] > 0)
        values = equal if name == "loose_exact_match" else equal | _f1_with_numbers(table, normalizer, prediction, gold)
        values = values.astype(np.float64)
    return values[pair_of_distinct.reshape(-1)]


def _token_keys(table: TokenTable, normalizer, strings) -> dict:
    """String id -> its tokens joined by single spaces, with a space at both ends (a token run is a substring)."""
    if type(normalizer).tokenize is Normalizer.tokenize:  # whitespace tokens of a whitespace-collapsed string
        return {index: f" {table.strings[index]} " for index in strings.tolist()}
    return {index: f" {' '.join(normalizer.tokenize(table.strings[index]))} " for index in strings.tolist()}


def _f1_with_numbers(table: TokenTable, normalizer, prediction, gold) -> np.ndarray:
    """Token F1 >= MATCH_THRESHOLD, and every number of the prediction a number of the gold."""
    same = table.overlap(prediction, gold)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = same / table.lengths[prediction]
        recall = same / table.lengths[gold]
        f1 = np.where(same > 0, 2 * precision * recall / (precision + recall), 0.0)
    accepted = np.zeros(len(prediction), dtype=bool)
    numbers: Dict[int, set] = {}
    for index in np.flatnonzero(f1 >= MATCH_THRESHOLD).tolist():
        first, second = int(prediction[index]), int(gold[index])
        for string in (first, second):
            if string not in numbers:
                numbers[string] = {token for token in normalizer.tokenize(table.strings[string])
                                   if token.isascii() and token.isdigit()}
        accepted[index] = numbers[first] <= numbers[second]
    return accepted


def _best_per_question(question_of_pair: np.ndarray, scores: np.ndarray, count: int) -> np.ndarray:
    """The maximum score over each question's pairs (``question_of_pair`` is sorted); 0 without pairs."""
    best = np.zeros(count)
    if len(question_of_pair):
        starts = np.flatnonzero(np.r_[True, question_of_pair[1:] != question_of_pair[:-1]])
        best[question_of_pair[starts]] = np.maximum.reduceat(scores, starts)
    return best
