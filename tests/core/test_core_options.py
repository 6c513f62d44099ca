"""Each option of qascore.compute, and the official corner cases.

Expected values here are worked out by hand from the official rules in the comments, or
come from ../shared/data/expected.json via conftest.
"""

import math
import statistics

import evaluate
import pytest

import qascore
from qascore.normalize import UnicodeNormalizer

from conftest import case_options, official_cases, prediction_records, reference_records

CASES, _ = official_cases()


# --- official corner cases -------------------------------------------------------------

@pytest.mark.parametrize("prediction", ["the", "A", "...", ""])
def test_empty_after_normalisation_v1_gives_em_1_f1_0(prediction):
    # v1.1: normalize("the") == normalize("an") == "" so EM is 1; F1 has no common token so 0.
    assert qascore.compute([prediction], [["an"]], preset="squad") == {"exact_match": 100.0, "f1": 0.0}


def test_empty_after_normalisation_v2_gives_em_1_f1_1():
    # v2.0: the gold "an" normalises to nothing and is dropped: the question is unanswerable.
    results = qascore.compute(["the"], [["an"]], preset="squad_v2")
    assert (results["exact"], results["f1"]) == (100.0, 100.0)
    assert results["HasAns_total"] == 1  # answerable by its raw answer list, as the official script counts


def test_v2_drops_only_empty_gold_answers():
    results = qascore.compute(["Paris"], [["The", "Paris"]], preset="squad_v2")
    assert results["exact"] == 100.0
    results = qascore.compute([""], [["The", "Paris"]], preset="squad_v2")
    assert results["exact"] == 0.0 and results["f1"] == 0.0


def test_no_gold_answer_is_unanswerable_under_v2():
    results = qascore.compute(["", "Paris"], [[], []], preset="squad_v2")
    assert results == {"exact": 50.0, "f1": 50.0, "total": 2, "NoAns_exact": 50.0, "NoAns_f1": 50.0,
                       "NoAns_total": 2}


def test_missing_zero_counts_the_question():
    references = [{"id": "a", "answers": {"text": ["x"]}}, {"id": "b", "answers": {"text": ["y"]}}]
    results = qascore.compute([{"id": "a", "prediction_text": "x"}], references, missing="zero")
    assert results == {"exact_match": 50.0, "f1": 50.0}


def test_records_are_paired_by_id_not_position():
    predictions = [{"id": "b", "prediction_text": "y"}, {"id": "a", "prediction_text": "x"}]
    references = [{"id": "a", "answers": {"text": ["x"]}}, {"id": "b", "answers": {"text": ["y"]}}]
    assert qascore.compute(predictions, references) == {"exact_match": 100.0, "f1": 100.0}


def test_official_squad_json_answer_lists_are_accepted():
    references = [{"id": "a", "answers": [{"text": "Denver Broncos", "answer_start": 0}, {"text": "Broncos"}]}]
    assert qascore.compute([{"id": "a", "prediction_text": "broncos"}], references)["exact_match"] == 100.0


# --- no-answer scores ---------------------------------------------------------------------

def test_threshold_abstains_only_when_strictly_greater():
    predictions = [{"id": "a", "prediction_text": "Paris", "no_answer_probability": 0.5}]
    unanswerable = [{"id": "a", "answers": {"text": []}}]
    assert qascore.compute(predictions, unanswerable, preset="squad_v2", no_answer_threshold=0.5)["exact"] == 0.0
    assert qascore.compute(predictions, unanswerable, preset="squad_v2", no_answer_threshold=0.49)["exact"] == 100.0


def test_logit_scores_and_float64_thresholds():
    # Null odds are logits (any real number); a threshold of 0.9 must stay 0.9, not float32's 0.8999999761581421.
    predictions = ["Paris", "Rome", ""]
    references = [["Paris"], [], []]
    results = qascore.compute(predictions, references, preset="squad_v2",
                              no_answer_probabilities=[-7.25, 0.9, 12.5], no_answer_threshold=0.0)
    assert results["exact"] == 100.0
    assert results["best_exact"] == 100.0 and results["best_exact_thresh"] == -7.25
    results = qascore.compute(["Paris", "Rome"], [["Paris"], []], preset="squad_v2",
                              no_answer_probabilities=[0.1, 0.9])
    assert results["best_exact_thresh"] == 0.1 and results["exact"] == 50.0


def test_best_threshold_keys_only_with_scores():
    results = qascore.compute(["Paris"], [["Paris"]], preset="squad_v2")
    assert not any(key.startswith("best_") for key in results)


def test_map_abstentions():
    predictions = ["Unanswerable.", "No answer", "Paris", "none of these"]
    references = [[], [], ["Paris"], []]
    plain = qascore.compute(predictions, references, preset="squad_v2")
    mapped = qascore.compute(predictions, references, preset="squad_v2", map_abstentions=True)
    assert plain["NoAns_exact"] == 0.0
    assert mapped["NoAns_exact"] == 100.0 * 2 / 3  # "none of these" is not an abstention phrase
    custom = qascore.compute(predictions, references, preset="squad_v2", map_abstentions=True,
                             abstentions=["none of these"])
    assert custom["NoAns_exact"] == 100.0 / 3
    assert "abstain:default" in qascore.signature(preset="squad_v2", map_abstentions=True)



@pytest.mark.parametrize("answer", ["Na", "NA", "na.", "None", "unknown", "Unknown", "N/A"])
def test_real_answers_are_not_swallowed_as_abstentions(answer):
    """Sodium's symbol is no "n/a"; "None" and "unknown" are gold answers in SQuAD v2.0 dev."""
    results = qascore.compute([answer], [[answer]], preset="squad_v2", map_abstentions=True)
    assert results["exact"] == 100.0


def test_abstention_phrases_match_the_whole_prediction_up_to_case_spacing_and_edge_punctuation():
    predictions = ['"No  answer."', "I don\u2019t know", "(unanswerable)", "UNANSWERABLE!", "no answer yet",
                   "it is unanswerable"]
    mapped = qascore.compute(predictions, [[]] * 6, preset="squad_v2", map_abstentions=True,
                             return_per_example=True)
    assert mapped["per_example"]["exact"] == [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]


def test_a_custom_phrase_is_matched_before_squad_normalisation():
    custom = qascore.compute(["Na", "n/a"], [["Na"], []], preset="squad_v2", map_abstentions=True,
                             abstentions=["n/a"], return_per_example=True)
    assert custom["per_example"]["exact"] == [1.0, 1.0]

# --- per-example scores and confidence intervals --------------------------------------------

def test_per_example_in_order_with_ids():
    predictions = [{"id": "b", "prediction_text": "y z"}, {"id": "a", "prediction_text": "x"}]
    references = [{"id": "a", "answers": {"text": ["x"]}}, {"id": "b", "answers": {"text": ["y"]}}]
    results = qascore.compute(predictions, references, return_per_example=True)
    assert results["per_example"] == {"id": ["a", "b"], "exact_match": [1.0, 0.0], "f1": [1.0, 2 / 3]}
    plain = qascore.compute(["x", "y z"], [["x"], ["y"]], return_per_example=True)
    assert plain["per_example"] == {"exact_match": [1.0, 0.0], "f1": [1.0, 2 / 3]}


def test_per_example_under_v2_are_the_thresholded_scores():
    results = qascore.compute(["Paris", "Rome"], [["Paris"], []], preset="squad_v2",
                              no_answer_probabilities=[0.9, 0.9], no_answer_threshold=0.5, return_per_example=True)
    assert results["per_example"] == {"exact": [0.0, 1.0], "f1": [0.0, 1.0]}


def test_bootstrap_interval_is_seeded_and_sized_like_the_normal_approximation():
    case = CASES[0]  # BERT ensemble on SQuAD v1.1 dev
    args = (prediction_records(case), reference_records(case["data"]))
    options = dict(case_options(case), confidence_level=0.95, n_resamples=2000, return_per_example=True)
    first = qascore.compute(*args, seed=1, **options)
    again = qascore.compute(*args, seed=1, **options)
    other = qascore.compute(*args, seed=2, **options)
    assert first == again and first["f1_ci_low"] != other["f1_ci_low"]
    for key in ("exact_match", "f1"):
        low, high, point = first[f"{key}_ci_low"], first[f"{key}_ci_high"], first[key]
        assert low < point < high
        scores = first["per_example"][key]
        normal_width = 2 * 1.959964 * 100 * statistics.pstdev(scores) / math.sqrt(len(scores))
        assert abs((high - low) - normal_width) / normal_width < 0.1


def test_bootstrap_of_constant_scores_is_a_point():
    results = qascore.compute(["a"] * 5, [["a"]] * 5, confidence_level=0.9, n_resamples=50)
    assert results["exact_match_ci_low"] == results["exact_match_ci_high"] == 100.0


# --- inputs: grounding and question types -----------------------------------------------------

def test_grounding_rate_and_question_types():
    inputs = [
        "Context: Paris is the capital of France.\nQuestion: What is the capital of France?",
        "Who wrote Hamlet?",
        "Whom did he marry?",
        "Name the largest ocean.",
    ]
    predictions = ["Paris", "William Shakespeare", "", "Pacific"]
    references = [["Paris"], ["Shakespeare"], ["Anne Hathaway"], ["the Pacific Ocean"]]
    results = qascore.compute(predictions, references, inputs=inputs)
    # Non-empty predictions: Paris (in its input), William Shakespeare, Pacific (not) -> 1 of 3.
    assert results["grounding_rate"] == pytest.approx(100 / 3)
    assert results["count_what"] == 1 and results["f1_what"] == 100.0
    assert results["count_who"] == 2  # who + whom
    assert results["f1_who"] == pytest.approx(100 * (2 / 3) / 2)
    assert results["count_other"] == 1 and results["exact_match_other"] == 0.0
    assert results["f1_other"] == pytest.approx(100 * 2 * (1 / 1) * (1 / 2) / (1 + 1 / 2))
    # a type no question has: count 0 and undefined (NaN) scores, never a missing key (issue 12)
    assert results["count_when"] == 0 and math.isnan(results["exact_match_when"]) and math.isnan(results["f1_when"])
    assert all(isinstance(value, (int, float)) for value in results.values())


TYPED_KEYS = [f"{score}_{kind}" for kind in ("what", "who", "when", "where", "which", "why", "how", "other")
              for score in ("exact_match", "f1", "count")]


def test_every_evaluation_gets_the_same_keys_whatever_the_data(metric_dir):
    """Issue 12: one configuration, one key list; a figure with nothing to average is NaN, its count 0."""
    answered = qascore.compute(["Paris", "Shakespeare"], [["Paris"], ["Shakespeare"]],
                               inputs=["Paris: what is the capital?", "Who wrote Hamlet?"])
    silent = qascore.compute(["", "the"], [["Paris"], ["Shakespeare"]], inputs=["Name it.", "Name him."])
    assert list(answered) == list(silent) == ["exact_match", "f1", "grounding_rate"] + TYPED_KEYS
    assert answered["grounding_rate"] == 50.0 and answered["count_what"] == 1 and answered["count_who"] == 1
    # "" and "the" normalise to nothing: no prediction to ground, and every question is of type other
    assert math.isnan(silent["grounding_rate"])
    assert silent["count_other"] == 2 and silent["exact_match_other"] == 0.0 and silent["f1_other"] == 0.0
    for kind in ("what", "who", "when", "where", "which", "why", "how"):
        assert silent[f"count_{kind}"] == 0 and type(silent[f"count_{kind}"]) is int
        assert math.isnan(silent[f"exact_match_{kind}"]) and math.isnan(silent[f"f1_{kind}"])
    # every interface: running totals, per-example numbers, records paired by id, the evaluate module
    streamed = qascore.QAScorer()
    streamed.add_batch(predictions=[""], references=[["Paris"]], inputs=["Name it."])
    streamed.add_batch(predictions=["the"], references=[["Shakespeare"]], inputs=["Name him."])
    kept = qascore.QAScorer(confidence_level=0.9, n_resamples=10)
    kept.add_batch(predictions=["", "the"], references=[["Paris"], ["Shakespeare"]], inputs=["Name it.", "Name him."])
    records = qascore.compute([{"id": "b", "prediction_text": "the"}, {"id": "a", "prediction_text": ""}],
                              [{"id": "a", "answers": {"text": ["Paris"]}}, {"id": "b", "answers": {"text": ["x"]}}],
                              inputs=["Name him.", "Name it."])
    module = evaluate.load(metric_dir).compute(predictions=["", "the"], references=[["Paris"], ["Shakespeare"]],
                                               inputs=["Name it.", "Name him."])
    for results in (streamed.compute(), kept.compute(), records, module):
        assert [key for key in results if "_ci_" not in key] == list(silent)
        assert math.isnan(results["grounding_rate"]) and results["count_why"] == 0 and math.isnan(results["f1_why"])


def test_squad_v2_keeps_the_official_omission_of_an_empty_group_and_its_own_keys():
    """evaluate-v2.0.py adds HasAns_*/NoAns_* only for a non-empty group; qascore's own keys are always there."""
    results = qascore.compute(["", "Paris"], [[], []], inputs=["Why?", "Why not?"], preset="squad_v2")
    assert [key for key in results if key.startswith(("HasAns_", "NoAns_"))] == ["NoAns_exact", "NoAns_f1",
                                                                                 "NoAns_total"]
    assert results["grounding_rate"] == 0.0  # "Paris" is not in "Why not?"
    assert results["count_why"] == 2 and results["exact_why"] == 50.0
    assert results["count_what"] == 0 and math.isnan(results["exact_what"]) and math.isnan(results["f1_what"])
    silent = qascore.compute(["", ""], [[], ["Paris"]], inputs=["Why?", "Why not?"], preset="squad_v2",
                             no_answer_probabilities=[0.5, 0.5])
    assert math.isnan(silent["grounding_rate"])
    assert list(silent) == ["exact", "f1", "total", "HasAns_exact", "HasAns_f1", "HasAns_total", "NoAns_exact",
                            "NoAns_f1", "NoAns_total", "grounding_rate"] + [
        key.replace("exact_match", "exact") for key in TYPED_KEYS] + ["best_exact", "best_exact_thresh", "best_f1",
                                                                      "best_f1_thresh"]


def test_inputs_do_not_change_the_official_keys():
    without = qascore.compute(["a b"], [["a"]])
    with_inputs = qascore.compute(["a b"], [["a"]], inputs=["Why?"])
    assert {key: with_inputs[key] for key in without} == without


# --- normalisers ---------------------------------------------------------------------------

def test_normalizer_option_swaps_only_the_normalisation():
    # Character F1 (KorQuAD's normaliser) on the SQuAD v1.1 rules: "ab" vs "abc" share 2 chars.
    results = qascore.compute(["ab"], [["abc"]], normalizer="korquad")
    assert results["f1"] == pytest.approx(100 * 2 * (2 / 2) * (2 / 3) / (1 + 2 / 3))
    assert qascore.compute(["ab"], [["abc"]])["f1"] == 0.0
    assert "norm:korquad" in qascore.signature(normalizer="korquad")


def test_mlqa_normalizer_under_squad_v2():
    results = qascore.compute(["der Rhein"], [["Rhein"]], preset="squad_v2", normalizer="mlqa", language="de")
    assert results["exact"] == 100.0


@pytest.mark.parametrize(
    "prediction, gold, exact, f1",
    [
        # Japanese: each kana/kanji is a token; full-width forms fold under NFKC.
        ("東京タワー", "東京タワーです", 0.0, 2 * (5 / 5) * (5 / 7) / (1 + 5 / 7)),
        ("ＴＯＫＹＯ", "tokyo", 1.0, 1.0),
        # Thai has no spaces between words: character tokens.
        ("กรุงเทพ", "กรุงเทพมหานคร", 0.0, 2 * 1 * (7 / 13) / (1 + 7 / 13)),
        # Korean Hangul: whitespace words, not characters (use normalizer="korquad" for character F1).
        ("서울 특별시", "서울", 0.0, 2 * (1 / 2) * 1 / (1 / 2 + 1)),
        ("서울시", "서울", 0.0, 0.0),
        # Zero-width characters and Unicode punctuation disappear.
        ("«Paris»\u200b", "paris", 1.0, 1.0),
    ],
)
def test_unicode_profile(prediction, gold, exact, f1):
    results = qascore.compute([prediction], [[gold]], normalizer="unicode")
    assert results["exact_match"] == 100 * exact
    assert results["f1"] == pytest.approx(100 * f1)


def test_custom_normalizer_object():
    class Lowercase(UnicodeNormalizer):
        name = "lower"

        def normalize(self, text):
            return text.lower().strip()

    assert qascore.compute(["PARIS!"], [["paris!"]], normalizer=Lowercase())["exact_match"] == 100.0
    assert "norm:lower" in qascore.signature(normalizer=Lowercase())


def test_signature_records_what_changes_numbers():
    assert qascore.signature() == f"preset:squad|norm:squad|rules:v1.1|missing:error|extra:error|version:{qascore.__version__}"
    assert "thresh:0.5" in qascore.signature(preset="squad_v2", no_answer_threshold=0.5)
    assert "ci:0.95-boot1000-seed0" in qascore.signature(confidence_level=0.95)
    assert qascore.QAScorer(preset="korquad").signature() == qascore.signature(preset="korquad")
