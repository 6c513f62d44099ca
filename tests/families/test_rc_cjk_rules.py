"""The fast rules of cmrc2018/drcd, jsquad and mrqa against their plain official-rules twins
(``reference.py`` of each family), on generated text that hits each rule's subtleties."""

import importlib.util

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qascore.families.cmrc2018 import reference as cmrc_reference
from qascore.families.cmrc2018.rules import score_questions as cmrc_scores
from qascore.families.cmrc2018.segmentation import SP_CHARS, exact_form, f1_segments
from qascore.families.cmrc2018.treebank import treebank_words, word_tokenize
from qascore.families.jsquad import reference as jsquad_reference
from qascore.families.jsquad.rules import score_questions as jsquad_scores
from qascore.families.mrqa import reference as mrqa_reference
from qascore.families.mrqa.rules import score_questions as mrqa_scores

# Chinese inside and just outside U+4E00-U+9FA5 (extension A, compatibility, kana), the
# punctuation list and its look-alikes (… ‘ ASCII , . ! ?), Latin, digits, spaces, quotes.
CMRC_ALPHABET = ["北", "京", "大", "学", "\u4e00", "\u9fa5", "\u9fa6", "\u3400", "\uf900", "の", "カ", "……", "…", "‘", "’",
                 *sorted(SP_CHARS), "a", "b", "A", "u", "s", "1", "9", "0", " ", " ", "\t", ".", ",", "!", "?", ";",
                 "(", ")", '"', "'", "$", "%", "Ａ", "１", "n't", "cannot", "'s", "&", "..."]
cmrc_texts = st.lists(st.sampled_from(CMRC_ALPHABET), max_size=10).map("".join)
TREEBANK_ALPHABET = list("ab .,;:'\"`()[]{}<>?!$%&@#*-—–…«»“”‘’„\n\t019") + ["n't", "'ll", "can", "not", "gon", "na"]
treebank_texts = st.lists(st.sampled_from(TREEBANK_ALPHABET), max_size=14).map("".join)


def questions(texts):
    """Lists of (prediction or None, gold answers) built from ``texts``, golds often shared with predictions."""
    question = st.tuples(st.one_of(st.none(), texts), st.lists(texts, min_size=1, max_size=3))
    return st.lists(question, min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(questions(cmrc_texts))
def test_cmrc2018_rules_equal_the_official_rules(rows):
    predictions, references = [row[0] for row in rows], [row[1] for row in rows]
    exact, f1 = cmrc_scores(predictions, references)
    for index, (prediction, golds) in enumerate(rows):
        if prediction is None:
            assert exact[index] == f1[index] == 0.0
            continue
        assert exact[index] == cmrc_reference.em_score(golds, prediction)
        assert f1[index] == cmrc_reference.f1_score(golds, prediction)  # bit for bit


@settings(max_examples=400, deadline=None)
@given(cmrc_texts)
def test_segmentation_equals_the_scripts_loop(text):
    assert f1_segments(text) == cmrc_reference.mixed_segmentation(text, remove_punctuation=True)
    assert exact_form(text) == cmrc_reference.remove_punctuation(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abcab"), max_size=9), st.lists(st.sampled_from("abcab"), max_size=9))
def test_longest_common_run_equals_dynamic_programming(first, second):
    predictions, references = ["".join(" " + char for char in first)], [["".join(" " + char for char in second)]]
    common = cmrc_reference.longest_common_substring(second, first)
    expected = 0.0 if not common else 2 * common / (len(first) + len(second))
    assert cmrc_scores(predictions, references)[1][0] == pytest.approx(expected, abs=1e-15)


def test_the_punctuation_list_subtleties():
    assert exact_form(" 北京·大学。 ") == "北京大学"
    assert exact_form("北京 大学") == "北京 大学"  # inner spaces count for EM
    assert exact_form("……北京…") == "……北京…"  # '……' is one list entry, never one character
    assert exact_form("‘北京’") == "‘北京"  # ’ is in the list, ‘ is not
    assert f1_segments("ab-cd 北京") == ["abcd", "北", "京"]  # a removed character does not end a run
    assert f1_segments("\u3400\uf900北") == ["\u3400\uf900", "北"]  # only U+4E00-U+9FA5 are segments of their own


@pytest.mark.skipif(importlib.util.find_spec("nltk") is None, reason="nltk is not installed")
@settings(max_examples=1000, deadline=None)
@given(treebank_texts)
def test_treebank_rules_equal_nltk_3_9(text):
    import nltk
    from nltk.tokenize import NLTKWordTokenizer

    version = tuple(int(part) for part in nltk.__version__.split(".")[:3])
    if not (3, 5) <= version <= (3, 9, 2):
        pytest.skip(f"nltk {nltk.__version__}: its word tokenizer rules differ from 3.5-3.9.2's")
    assert treebank_words(text) == NLTKWordTokenizer().tokenize(text)


def test_sentences_follow_punkt_on_lower_cased_text():
    assert word_tokenize("terry a. gates") == ["terry", "a.", "gates"]  # an initial before a lower-case word
    assert word_tokenize("it rained. then") == ["it", "rained", ".", "then"]
    assert word_tokenize("the u.s. army") == ["the", "u.s.", "army"]
    assert word_tokenize("1 3 . 2 3") == ["1", "3", ".", "2", "3"]


JSQUAD_ALPHABET = ["東", "京", "タ", "た", "。", "。", "．", "、", " ", "\u3000", "A", "a", "Ａ", "!", "\n"]
jsquad_texts = st.lists(st.sampled_from(JSQUAD_ALPHABET), max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(jsquad_texts, st.lists(jsquad_texts, max_size=3)), min_size=1, max_size=8))
def test_jsquad_rules_equal_the_official_rules(rows):
    exact, f1 = jsquad_scores([row[0] for row in rows], [row[1] for row in rows])
    for index, (prediction, golds) in enumerate(rows):
        kept = [gold for gold in golds if jsquad_reference.normalize_answer(gold)] or [""]
        assert exact[index] == max(jsquad_reference.compute_exact(gold, prediction) for gold in kept)
        assert f1[index] == max(jsquad_reference.compute_f1(gold, prediction) for gold in kept)


def test_jsquad_full_stops():
    normalize = jsquad_reference.normalize_answer
    assert normalize("答え。。") == "答え" and normalize("答え。 ") == "答え。" and normalize("答え．") == "答え．"


MRQA_ALPHABET = ["the", "a", "An", " ", "cat", "Cat", "dog", ".", ",", "!", "é", "-"]
mrqa_texts = st.lists(st.sampled_from(MRQA_ALPHABET), max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(questions(mrqa_texts))
def test_mrqa_rules_equal_the_official_rules(rows):
    exact, f1 = mrqa_scores([row[0] for row in rows], [row[1] for row in rows])
    for index, (prediction, golds) in enumerate(rows):
        if prediction is None:
            assert exact[index] == f1[index] == 0.0
            continue
        assert exact[index] == max(mrqa_reference.exact_match_score(prediction, gold) for gold in golds)
        assert f1[index] == max(mrqa_reference.f1_score(prediction, gold) for gold in golds)
