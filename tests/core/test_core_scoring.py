"""The array scorer against a plain transcription of the official per-pair rules, bit for bit.

The official scripts score each (prediction, gold) pair with Counter intersections and
Python floats; the shipped twin :func:`qascore.scoring.reference.score_pairs` does exactly that,
one pair at a time. The golden
numbers of ``expected.json`` are checked in ``test_core_parity.py``; these properties cover
what real data rarely has: repeated tokens, empty strings, missing predictions, gold lists
that are empty or normalise to nothing, and text that trips batch normalisation.
"""

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qascore.normalize import ENGLISH_ARTICLES, MLQA_LANGUAGES, get_normalizer
from qascore.scoring.exact_f1 import score_examples
from qascore.scoring.no_answer import answered_codes
from qascore.scoring.reference import score_pairs
from qascore.scoring.results import RunningTotals

# every normaliser: each preset's, MLQA's in each of its languages, and the unicode profile
NORMALIZERS = [get_normalizer("squad"), get_normalizer("korquad"), get_normalizer("unicode"),
               *(get_normalizer("mlqa", language=language) for language in MLQA_LANGUAGES)]
WORDS = ["the", "A", "an", "Paris", "paris", "PARIS", "1990", "x", "x-y", "...", "'", "", "北京", "서울",
         "Σ", "ΟΔΟΣ", "İ", "der", "die", "\u0301", "\x00", "\ud800", "l’a", "\t"]
text = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join) | st.text(max_size=10)


@st.composite
def scoring_inputs(draw):
    size = draw(st.integers(0, 15))
    predictions = draw(st.lists(st.none() | text, min_size=size, max_size=size))
    references = draw(st.lists(st.lists(text, max_size=4), min_size=size, max_size=size))
    return predictions, references, draw(st.sampled_from(NORMALIZERS)), draw(st.booleans())


@settings(max_examples=400, deadline=None)
@given(scoring_inputs())
def test_every_score_equals_the_official_rules_bit_for_bit(case):
    predictions, references, normalizer, unanswerable = case
    exact, f1, answered = score_examples(predictions, references, normalizer, unanswerable=unanswerable)
    expected_exact, expected_f1 = score_pairs(predictions, references, normalizer, unanswerable=unanswerable)
    assert exact.dtype == f1.dtype == np.float64
    assert exact.tolist() == expected_exact
    assert f1.tolist() == expected_f1  # == on floats: the same bits, not merely close
    assert answered.tolist() == answered_codes(predictions).tolist()


def test_repeated_tokens_count_as_often_as_both_sides_have_them():
    normalizer = get_normalizer("squad")
    predictions = ["york york york new", "new new", "a b c d e f g h", "b"]
    references = [["new york york"], ["new york new new"], ["h g f e d c b a z"], ["b b b"]]
    exact, f1, _ = score_examples(predictions, references, normalizer, unanswerable=False)
    assert f1.tolist() == score_pairs(predictions, references, normalizer, unanswerable=False)[1]
    assert f1[0] == 2 * (3 / 4) * (3 / 3) / (3 / 4 + 3 / 3)  # 3 shared: york twice, new once


@settings(max_examples=300, deadline=None)
@given(st.lists(text, max_size=20), st.sampled_from(NORMALIZERS))
def test_normalising_many_texts_at_once_equals_one_at_a_time(texts, normalizer):
    assert normalizer.normalize_many(list(texts)) == [normalizer.normalize(text) for text in texts]


OFFICIAL_ARTICLES = re.compile(r"\b(a|an|the)\b")  # as the official scripts write it


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="anthe theAN_1é北\x00\t'-", max_size=40))
def test_the_articles_pattern_removes_what_the_official_one_removes(text):
    assert ENGLISH_ARTICLES.sub(" ", text) == OFFICIAL_ARTICLES.sub(" ", text)


def test_batch_normalisation_keeps_word_final_sigma_and_article_boundaries():
    normalizer = get_normalizer("squad")
    texts = ["ΟΔΟΣ", "Σ", "ΑΣ'", "'Σ", "a", "the-end", "an", "İstanbul", "x" * 50 + "\x00the"]
    assert normalizer.normalize_many(texts) == [normalizer.normalize(text) for text in texts]
    assert normalizer.normalize_many(texts)[0] == "οδος"  # final sigma at the end of a text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.floats(0, 1), max_size=30), max_size=5))
def test_running_totals_add_left_to_right_like_the_official_loop(batches):
    totals = RunningTotals()
    expected = 0
    for batch in batches:
        totals.add("f1", batch)
        for score in batch:
            expected += score
    if any(batches):
        assert totals.percent("f1") == 100.0 * expected / sum(map(len, batches))


def test_many_texts_are_normalised_in_passes_each_falling_back_on_its_own():
    normalizer = get_normalizer("squad")
    texts = [f"The {i}, an apple!" for i in range(45_000)]
    texts[30_000] = "a\x00the"  # the separator inside a text: that pass goes one text at a time
    assert normalizer.normalize_many(texts) == [normalizer.normalize(text) for text in texts]
