"""Lenient matching (qascore.scoring.lenient): the documented rules, the fast scorer against its plain twin
(qascore.scoring.lenient_reference) on generated inputs, and the same keys through every interface.

No figure here is hard-coded: lenient matching has no official scorer, so the interfaces are checked
against each other and against the twin, and the rules against the one-sentence examples of their docs.
"""

from __future__ import annotations

import json
import math

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

import qascore
from qascore.api import compute_paired
from qascore.cli import main
from qascore.normalize import get_normalizer
from qascore.pairing import Examples
from qascore.scoring.lenient import LENIENT_METRICS, lenient_scores, loose_normalize_many, read_number_words
from qascore.scoring.lenient_reference import lenient_reference, loose_normalize

from conftest import SHARED_DATA

JUDGED = SHARED_DATA / "nq_open" / "efficientqa-test-judged.shared.jsonl"

# (metric, prediction, gold, decision): each documented rule on the examples of its one sentence
RULES = [
    ("contains", "the Denver Broncos won", "Denver Broncos", 1.0),
    ("contains", "martial arts", "art", 0.0),  # whole tokens, not a raw substring
    ("prefix_exact_match", "Paris, the capital of France", "Paris", 1.0),
    ("prefix_exact_match", "the city of Paris", "Paris", 0.0),
    ("suffix_exact_match", "the city of Paris", "Paris", 1.0),
    ("token_recall", "Henry", "Guy Henry", 0.5),
    ("loose_exact_match", "six geese a-laying", "6 geese a-laying", 1.0),
    ("loose_exact_match", "twenty-fourth", "24th", 1.0),
    ("loose_exact_match", "Guy Henry's", "Guy Henry", 1.0),
    ("loose_exact_match", "November 16, 2018", "16 November 2018", 1.0),
    ("loose_exact_match", "He\u00adlium", "Helium", 1.0),  # a soft hyphen is a format character
    ("loose_exact_match", "Ｐａｒｉｓ", "Paris", 1.0),  # NFKC
    ("lenient_match", "Guy Henry", "actor Guy Henry's", 1.0),
    ("lenient_match", "1945", "September 1, 1945", 1.0),  # a year for the full date
    ("lenient_match", "September 2, 1945", "September 1, 1945", 0.0),  # a wrong day
    ("lenient_match", "season 9", "season three", 0.0),
    ("lenient_match", "the third season", "season three", 1.0),
]


@pytest.mark.parametrize("metric, prediction, gold, expected", RULES, ids=lambda value: str(value)[:24])
def test_each_rule_decides_its_documented_examples(metric, prediction, gold, expected):
    normalizer = get_normalizer("squad")
    assert lenient_scores([prediction], [[gold]], normalizer, metrics=[metric])[metric].tolist() == [expected]
    assert lenient_reference([prediction], [[gold]], normalizer, metrics=[metric])[metric] == [expected]


def test_number_words_are_read_as_written():
    assert read_number_words("two thousand eighteen".split()) == [2018]
    assert read_number_words("one hundred twenty thousand".split()) == [120000]
    assert read_number_words("twenty twenty".split()) == [20, 20]
    assert read_number_words("zero one".split()) == [0, 1]
    assert read_number_words("first second".split()) == [1, 2]


# Texts made of the pieces the rules act on: number words, ordinals, dashes, possessives, months,
# format characters, articles, punctuation, full-width and accented letters.
PIECES = ["the", "a", "Paris", "paris", "six", "6", "twenty", "four", "24th", "fourth", "hundred", "one",
          "May", "may", "5", "31", "1970", "Henry's", "Guy", "—", "-", "/", "soft\u00adhyphen", ".", ",",
          "\u00a0", "Ｐａｒｉｓ", "Cafe\u0301", "Café", "st", "'s", "\u2019s", "", "北京", "season", "third"]
texts = st.lists(st.sampled_from(PIECES), max_size=5).flatmap(
    lambda parts: st.sampled_from([" ".join(parts), "".join(parts), "-".join(parts)]))
questions = st.tuples(st.one_of(texts, st.none()), st.lists(texts, max_size=3))


@pytest.mark.parametrize("name", ["squad", "squad_nfd", "korquad", "unicode", "mlqa-zh", "mlqa-de"])
@pytest.mark.parametrize("unanswerable", [False, True])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(questions, min_size=1, max_size=12))
def test_fast_scorer_equals_the_plain_twin(name, unanswerable, rows):
    normalizer = get_normalizer(*name.split("-")[:1], language=(name.split("-") + [None])[1])
    predictions = [prediction for prediction, _ in rows]
    references = [golds if golds or unanswerable else [""] for _, golds in rows]
    fast = lenient_scores(predictions, references, normalizer, unanswerable=unanswerable)
    plain = lenient_reference(predictions, references, normalizer, unanswerable=unanswerable)
    assert {metric: values.tolist() for metric, values in fast.items()} == plain
    assert loose_normalize_many([text for text in predictions if text is not None], normalizer) == [
        loose_normalize(text, normalizer) for text in predictions if text is not None]


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(questions, min_size=1, max_size=12))
def test_every_metric_accepts_what_exact_match_accepts(rows):
    predictions = [prediction or "" for prediction, _ in rows]
    references = [golds or ["x"] for _, golds in rows]
    results = qascore.compute(predictions, references, lenient=True, return_per_example=True)
    rows = results["per_example"]
    for metric in LENIENT_METRICS:
        assert all(score >= exact for score, exact in zip(rows[metric], rows["exact_match"]))


def judged_pairs(limit=None):
    """The judged EfficientQA predictions, each with its question's gold answers (the `answer` field)."""
    predictions, references = [], []
    with open(JUDGED, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            for field in ("def_correct_predictions", "poss_correct_predictions", "def_incorrect_predictions"):
                predictions += row[field]
                references += [row["answer"]] * len(row[field])
    return predictions[:limit], references[:limit]


def test_keys_follow_the_official_ones_on_the_preset_scale():
    predictions, references = judged_pairs(300)
    plain = qascore.compute(predictions, references)
    results = qascore.compute(predictions, references, lenient=True)
    assert list(results) == list(plain) + list(LENIENT_METRICS)
    assert {key: results[key] for key in plain} == plain  # the official keys never change
    per_question = lenient_scores(predictions, references, get_normalizer("squad"))
    for metric in LENIENT_METRICS:
        assert results[metric] == pytest.approx(100 * per_question[metric].mean(), abs=1e-12)
    v2 = qascore.compute(predictions, references, preset="squad_v2", lenient=["lenient_match"])
    assert list(v2)[-1] == "lenient_match"


def test_compute_scorer_processes_and_evaluate_module_agree(metric_dir):
    import evaluate

    predictions, references = judged_pairs(400)
    options = dict(lenient=True, confidence_level=0.9, n_resamples=200, return_per_example=True)
    expected = qascore.compute(predictions, references, **options)
    assert qascore.compute(predictions, references, num_proc=2, **options) == expected
    scorer = qascore.QAScorer(**options)
    for start in range(0, 400, 150):
        scorer.add_batch(predictions=predictions[start:start + 150], references=references[start:start + 150])
    assert scorer.compute() == expected
    module = evaluate.load(metric_dir)
    assert module.compute(predictions=predictions, references=references, **options) == expected
    module.add_batch(predictions=predictions[:200], references=references[:200])
    module.add_batch(predictions=predictions[200:], references=references[200:])
    sampled = module.compute(lenient=True)
    assert sampled == {key: value for key, value in expected.items() if "_ci_" not in key and key != "per_example"}


def test_command_line_reports_the_same_keys(tmp_path, capsys):
    predictions, references = judged_pairs(500)
    ids = [f"q{index}" for index in range(len(predictions))]
    data, answers = tmp_path / "gold.jsonl", tmp_path / "predictions.json"
    data.write_text("".join(json.dumps({"id": i, "answers": gold}) + "\n" for i, gold in zip(ids, references)))
    answers.write_text(json.dumps(dict(zip(ids, predictions))))
    assert main(["score", str(data), str(answers), "--json", "--lenient"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["results"] == qascore.compute(predictions, references, lenient=True)
    assert "|lenient:all|" in printed["signature"]
    assert main(["score", str(data), str(answers), "--json", "--lenient", "contains", "lenient_match"]) == 0
    assert list(json.loads(capsys.readouterr().out)["results"])[-2:] == ["contains", "lenient_match"]


def test_missing_predictions_score_zero_and_are_no_outputs():
    examples = Examples(predictions=["Paris", None], references=[["Paris"], ["Rome"]])
    results = compute_paired(examples, lenient=["contains"], extract_answers=True, missing="zero")
    assert (results["contains"], results["extraction_rate"], results["extraction_failures"]) == (50.0, 100.0, 0)
    nothing = compute_paired(Examples(predictions=[None], references=[["Rome"]]), extract_answers=True,
                             missing="zero")
    assert math.isnan(nothing["extraction_rate"])


@pytest.mark.parametrize("value, error, message", [
    ("exact", ValueError, "Unknown lenient metric 'exact'; choose from contains"),
    (["contains", 3], TypeError, "lenient must be True, a metric name or a list of names"),
    (7, TypeError, "lenient must be True"),
])
def test_bad_metric_names_are_refused_where_they_enter(value, error, message):
    with pytest.raises(error, match=message):
        qascore.compute(["a"], [["a"]], lenient=value)
    with pytest.raises(error, match=message):
        qascore.QAScorer(lenient=value)


def test_signature_records_the_metrics():
    assert "|lenient:all|" in qascore.signature(lenient=True)
    assert "|lenient:contains+token_recall|" in qascore.signature(lenient=["token_recall", "contains"])
    assert "lenient" not in qascore.signature(lenient=False)
