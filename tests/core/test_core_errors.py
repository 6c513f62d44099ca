"""Bad input gets a ValueError or TypeError that names the problem and the fix."""

import math

import evaluate
import pytest

import qascore

RECORD_REF = {"id": "q1", "answers": {"text": ["Paris"], "answer_start": [0]}}
RECORD_PRED = {"id": "q1", "prediction_text": "Paris"}


@pytest.mark.parametrize(
    "predictions, references, options, error, message",
    [
        ([], [], {}, ValueError, "Nothing to score"),
        (["a", "b"], [["a"]], {}, ValueError, "Got 2 predictions but 1 references"),
        ("Paris", [["Paris"]], {}, TypeError, "predictions must be a list, got a single string"),
        (["Paris"], "Paris", {}, TypeError, "references must be a list, got a single string"),
        ([None], [["a"]], {}, TypeError, r"predictions\[0\] is None"),
        ([3], [["a"]], {}, TypeError, r"predictions\[0\] must be a string, got int"),
        (["a"], [None], {}, TypeError, r"references\[0\] is None"),
        (["a"], [["a", None]], {}, TypeError, r"references\[0\]\[1\] is None"),
        (["a"], [[]], {}, ValueError, "no gold answer.*use preset 'squad_v2'"),
        (["a"], [[]], {"preset": "korquad"}, ValueError, "Preset 'korquad' has no unanswerable"),
        (["a", {"id": "x", "prediction_text": "a"}], [["a"], ["b"]], {}, TypeError, "all predictions as strings"),
        ([RECORD_PRED], [["Paris"]], {}, TypeError, "same layout"),
        ([{"prediction_text": "a"}], [RECORD_REF], {}, ValueError, "has no 'id' key"),
        ([{"id": "q1"}], [RECORD_REF], {}, ValueError, "has no 'prediction_text' key"),
        ([{"id": 1, "prediction_text": "a"}], [RECORD_REF], {}, TypeError, "must be a string id, got int"),
        ([RECORD_PRED], [{"id": "q1", "answers": {"text": "Paris"}}], {}, TypeError, r"\['text'\] is a string"),
        ([RECORD_PRED], [{"id": "q1", "answers": {"answer_start": [0]}}], {}, ValueError, "has no 'text' key"),
        # a repeated id is refused when its records differ (identical copies, as resampling makes
        # them, are scored row by row: tests/core/test_clients.py)
        ([RECORD_PRED, dict(RECORD_PRED, prediction_text="Lyon")], [RECORD_REF], {}, ValueError,
         "Duplicate prediction ids: 'q1' comes 2 times with different records"),
        ([RECORD_PRED], [RECORD_REF, dict(RECORD_REF, answers={"text": ["Lyon"]})], {}, ValueError,
         "Duplicate reference ids: 'q1' comes 2 times with different records"),
        ([dict(RECORD_PRED, no_answer_probability=0.1), dict(RECORD_PRED, no_answer_probability=0.2)], [RECORD_REF],
         {"preset": "squad_v2"}, ValueError, "Duplicate prediction ids: 'q1'.*'no_answer_probability': 0.2"),
        ({"id": "q1", "text": "Paris"}, [RECORD_REF], {}, TypeError,
         r"predictions must be a list, got a dict with keys \['id', 'text'\]; give a list of"),
        ({"Paris"}, [["Paris"]], {}, TypeError, "an unordered set cannot be paired by position"),
        ([RECORD_PRED, {"id": "zz", "prediction_text": "a"}], [RECORD_REF], {}, ValueError,
         "1 predictions have ids that no reference has: 'zz'.*extra='ignore'"),
        ([RECORD_PRED], [RECORD_REF] + [{"id": f"m{i}", "answers": {"text": ["x"]}} for i in range(7)], {},
         ValueError, "7 references have no prediction: 'm0', 'm1', 'm2', 'm3', 'm4' and 2 more.*missing='zero'"),
        ([{"id": "q1", "prediction_text": "a", "no_answer_probability": math.nan}], [RECORD_REF],
         {"preset": "squad_v2"}, ValueError, "is NaN"),
        ([{"id": "q1", "prediction_text": "a", "no_answer_probability": "high"}], [RECORD_REF],
         {"preset": "squad_v2"}, TypeError, "must be a number"),
        ([{"id": "q1", "prediction_text": "a", "no_answer_probability": 0.5}, {"id": "q2", "prediction_text": "b"}],
         [RECORD_REF, {"id": "q2", "answers": {"text": []}}], {"preset": "squad_v2"}, ValueError,
         "a no-answer score is given for 1 of 2 predictions"),
        ([{"id": "q1", "prediction_text": "a", "no_answer_probability": 0.5}], [RECORD_REF], {}, ValueError,
         "No-answer probabilities were given but preset 'squad' has no unanswerable"),
        (["a"], [["a"]], {"preset": "squad_v3"}, ValueError, "Unknown preset 'squad_v3'"),
        (["a"], [["a"]], {"preset": "mlqa"}, ValueError, "mlqa preset needs language="),
        (["a"], [["a"]], {"preset": "mlqa", "language": "fr"}, ValueError, "Unknown MLQA language 'fr'.*unicode"),
        (["a"], [["a"]], {"language": "de"}, ValueError, "language= applies to the mlqa preset"),
        (["a"], [["a"]], {"normalizer": "bpe"}, ValueError, "Unknown normalizer 'bpe'"),
        (["a"], [["a"]], {"normalizer": 3}, TypeError, "normalizer must be a name"),
        (["a"], [["a"]], {"missing": "skip"}, ValueError, "missing must be one of 'error', 'zero'"),
        (["a"], [["a"]], {"extra": "keep"}, ValueError, "extra must be one of 'error', 'ignore'"),
        (["a"], [["a"]], {"confidence_level": 95}, ValueError, "confidence_level must be between 0 and 1"),
        (["a"], [["a"]], {"confidence_level": 0.9, "n_resamples": 0}, ValueError, "n_resamples must be an integer"),
        (["a"], [["a"]], {"seed": -1}, ValueError, "seed must be an integer >= 0"),
        (["a"], [["a"]], {"map_abstentions": True}, ValueError, "map_abstentions=True needs preset 'squad_v2'"),
        (["a"], [["a"]], {"preset": "squad_v2", "abstentions": ["n/a"]}, ValueError, "abstentions= is used only"),
        (["a"], [["a"]], {"preset": "squad_v2", "map_abstentions": True, "abstentions": "n/a"}, TypeError,
         "abstentions must be a list of strings"),
        (["a"], [["a"]], {"preset": "squad_v2", "no_answer_threshold": math.nan}, ValueError,
         "no_answer_threshold is NaN"),
        (["a"], [["a"]], {"return_per_example": "yes"}, TypeError, "return_per_example must be True or False"),
        (["a"], [["a"]], {"inputs": ["q", "r"]}, ValueError, "Got 2 inputs for 1 predictions"),
        (["a"], [["a"]], {"inputs": [None]}, TypeError, r"inputs\[0\] is None"),
        (["a"], [["a"]], {"inputs": "q"}, TypeError, "inputs must be a list, got a single string"),
        (["a"], [["a"]], {"no_answer_probabilities": [0.1, 0.2], "preset": "squad_v2"}, ValueError,
         "Got 2 no_answer_probabilities for 1 predictions"),
        ([RECORD_PRED], [RECORD_REF], {"no_answer_probabilities": [0.1], "preset": "squad_v2"}, ValueError,
         "no_answer_probabilities= goes with plain lists"),
        # numbers beyond float64, and resamples beyond what memory holds, are named with their range
        (["a"], [["a"]], {"no_answer_probabilities": [10**400], "preset": "squad_v2"}, ValueError,
         r"no_answer_probabilities\[0\] is too large for a float64"),
        ([dict(RECORD_PRED, no_answer_probability=-10**400)], [RECORD_REF], {"preset": "squad_v2"}, ValueError,
         r"predictions\[0\]\['no_answer_probability'\] is too large for a float64"),
        (["a"], [["a"]], {"preset": "squad_v2", "no_answer_threshold": 10**400}, ValueError,
         "no_answer_threshold is too large for a float64"),
        (["a"], [["a"]], {"confidence_level": 0.9, "n_resamples": 10**12}, ValueError,
         "n_resamples must be an integer from 1 to 1000000"),
        # option types are named with what they must be
        (["a"], [["a"]], {"preset": ["squad"]}, TypeError, "preset must be a preset name"),
        (["a"], [["a"]], {"preset": "mlqa", "language": ["en"]}, TypeError, "language must be a language code"),
        (["a"], [["a"]], {"preset": "squad_v2", "map_abstentions": True, "abstentions": True}, TypeError,
         "abstentions must be a list of strings"),
        # ids that print alike but differ in Unicode normalisation are pointed out
        ([{"id": "Zu\u0308rich", "prediction_text": "a"}], [{"id": "Z\u00fcrich", "answers": {"text": ["a"]}}], {},
         ValueError, r"differ from a reference id only in Unicode normalisation \(NFC vs NFD\)"),
        ([{"id": "Zu\u0308rich", "prediction_text": "a"}], [{"id": "Z\u00fcrich", "answers": {"text": ["a"]}}],
         {"extra": "ignore"}, ValueError, r"have no prediction: 'Z\u00fcrich'\. 1 of them differ .*NFC"),
    ],
)
def test_bad_input_is_explained(predictions, references, options, error, message):
    with pytest.raises(error, match=message):
        qascore.compute(predictions, references, **options)


def test_unknown_option_is_named_with_the_known_ones(metric_dir):
    with pytest.raises(TypeError, match="Unknown option 'threshold'. Options are: language, normalizer"):
        qascore.compute(["a"], [["a"]], threshold=0.5)
    with pytest.raises(TypeError, match="Unknown option 'threshold'"):
        evaluate.load(metric_dir).compute(predictions=["a"], references=[["a"]], threshold=0.5)


def test_scorer_keeps_batches_when_compute_fails():
    scorer = qascore.QAScorer()
    scorer.add_batch(predictions=[RECORD_PRED], references=[RECORD_REF, {"id": "q2", "answers": {"text": ["x"]}}])
    with pytest.raises(ValueError, match="have no prediction: 'q2'"):
        scorer.compute()
    assert len(scorer) == 2
    scorer.add_batch(predictions=[{"id": "q2", "prediction_text": "x"}], references=[])
    assert scorer.compute() == {"exact_match": 100.0, "f1": 100.0}


@pytest.mark.parametrize("preset, options", [("squad", {}), ("squad_v2", {}), ("korquad", {}),
                                             ("mlqa", {"language": "zh"}), ("squad", {"normalizer": "unicode"})])
def test_arbitrary_unicode_never_crashes(preset, options):
    texts = [
        "e\u0301\u0301\u0301",  # combining marks
        "zero\u200bwidth\u200d\ufeff",  # zero-width and format characters
        "ＦＵＬＬ　ｗｉｄｔｈ",  # full-width letters and ideographic space
        "\ud800 lone \udfff surrogates",
        "x" * 1_000_000 + " y",  # a 1 MB string
        "",
        "\u0000\u001f\u007f",
        "🙂 👍🏽 emoji",
    ]
    results = qascore.compute(texts, [[text, "y"] for text in reversed(texts)], preset=preset, **options)
    for key in ("exact_match", "exact", "f1"):
        if key in results:
            assert 0.0 <= results[key] <= 100.0


def test_scorer_checks_each_plain_batch_where_it_enters():
    scorer = qascore.QAScorer()
    with pytest.raises(ValueError, match="no gold answer"):
        scorer.add_batch(predictions=["a"], references=[[]])
    scorer.add_batch(predictions=["Paris"], references=[["Paris"]], inputs=["Who?"])
    with pytest.raises(ValueError, match="Inputs were given with some batches but not others"):
        scorer.add_batch(predictions=["Rome"], references=[["Lyon"]])
    with pytest.raises(ValueError, match="Some batches were plain lists and others SQuAD records"):
        scorer.add_batch(predictions=[RECORD_PRED], references=[RECORD_REF])
    # the refused batches left nothing behind
    assert scorer.compute() == qascore.compute(["Paris"], [["Paris"]], inputs=["Who?"])


def test_a_refused_batch_leaves_no_trace_in_the_scorer():
    scorer = qascore.QAScorer()
    with pytest.raises(ValueError, match="no gold answer"):
        scorer.add_batch(predictions=["a"], references=[[]])
    assert len(scorer) == 0
    scorer.add_batch(predictions=[RECORD_PRED], references=[RECORD_REF])  # records after a refused plain batch
    assert len(scorer) == 1
    assert scorer.compute() == {"exact_match": 100.0, "f1": 100.0}


def test_paired_bootstrap_bounds_its_resamples():
    from qascore.scoring.paired_bootstrap import paired_bootstrap

    with pytest.raises(ValueError, match="n_resamples must be an integer from 1 to 1000000"):
        paired_bootstrap([1.0], [0.0], n_resamples=10**12)


def test_scorer_with_records_then_plain_lists_is_refused():
    scorer = qascore.QAScorer()
    scorer.add_batch(predictions=[RECORD_PRED], references=[RECORD_REF])
    with pytest.raises(ValueError, match="Some batches were plain lists and others SQuAD records"):
        scorer.add_batch(predictions=["a"], references=[["a"]])
    assert scorer.compute() == {"exact_match": 100.0, "f1": 100.0}
