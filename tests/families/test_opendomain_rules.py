"""The fast open-domain rules against their plain twins (reference.py) on generated inputs.

The generated texts favour what the rules are subtle about: ASCII and Unicode punctuation
(deleted by ORQA, made spaces by TriviaQA), TriviaQA's ‘ ’ ´ ` and _, articles, Unicode white
space, NFD/NFC forms, final sigma, İ, the NUL the fast rules join texts with, repeated tokens,
texts that normalise to nothing; and regular expressions that match at the start, inside,
only after NFD, or do not compile.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qascore.families.orqa import reference as orqa_reference
from qascore.families.orqa.rules import correct_exact, correct_regex, normalize_all
from qascore.families.triviaqa import reference as trivia_reference
from qascore.families.triviaqa.rules import normalize_all as trivia_normalize_all
from qascore.families.triviaqa.rules import score_questions, sum_in_order

PIECES = ["the", "The", "a", "an", "A", "cat", "cats", "ΟΔΟΣ", "Σ", "İ", "é", "e\u0301", "_", "-", ".", ",", "'",
          "‘", "’", "´", "`", "“", "”", "\u00a0", "\u2009", "\u3000", " ", "  ", "\t", "\n", "\x00", "\x1c", "1",
          "１", "ß", "ﬁ", "(", ")", "*", "x"]
texts = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
answer_lists = st.lists(texts, min_size=1, max_size=4)
questions = st.lists(st.tuples(st.one_of(st.none(), texts), answer_lists), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=20))
def test_normalisations_equal_the_twins(values):
    assert normalize_all(values) == [orqa_reference.normalize_answer(value) for value in values]
    assert trivia_normalize_all(values) == [trivia_reference.normalize_answer(value) for value in values]


@settings(max_examples=300, deadline=None)
@given(questions)
def test_orqa_exact_equals_the_twin(rows):
    predictions, answers = [row[0] for row in rows], [row[1] for row in rows]
    expected = [prediction is not None and orqa_reference.is_correct(gold, prediction, "exact")
                for prediction, gold in rows]
    assert correct_exact(predictions, answers).tolist() == expected


PATTERNS = ["cat", "ca?ts?", "(the )?cat", "[eé]", "e\u0301", "caf\u00e9", "\\d+", "[", "a{2", "\\ě", "x|1",
            "^x", "cat$", "", "Σ", "(?i)cat"]
regex_rows = st.lists(st.tuples(st.one_of(st.none(), texts), st.lists(st.sampled_from(PATTERNS), min_size=1,
                                                                       max_size=3)), max_size=10)


@pytest.mark.parametrize("rule", ["match", "search"])
@settings(max_examples=200, deadline=None)
@given(rows=regex_rows)
def test_regex_rules_equal_the_twin(rule, rows):
    predictions, patterns = [row[0] for row in rows], [row[1] for row in rows]
    expected = [prediction is not None and orqa_reference.is_correct(gold, prediction, rule)
                for prediction, gold in rows]
    assert correct_regex(predictions, patterns, rule).tolist() == expected


@settings(max_examples=300, deadline=None)
@given(questions)
def test_triviaqa_em_and_f1_equal_the_twin(rows):
    predictions, truths = [row[0] for row in rows], [row[1] for row in rows]
    exact, f1 = score_questions(predictions, truths)
    for index, (prediction, gold) in enumerate(rows):
        if prediction is None:
            assert exact[index] == f1[index] == 0
            continue
        assert exact[index] == max(trivia_reference.exact_match_score(prediction, truth) for truth in gold)
        assert f1[index] == max(trivia_reference.f1_score(prediction, truth) for truth in gold)  # bit for bit


def test_sums_run_in_the_scripts_order():
    values = [0.1] * 10 + [1e16, 1.0, -1e16]
    total = 0
    for value in values:
        total += value
    import numpy as np

    assert sum_in_order(np.asarray(values)) == total
