"""Issue 10 at the Trainer adapters: nothing is silently dropped, and errors name what the user passed.

Generative rows use the WordPiece tokenizer of tests/helpers_trainer.py (2000 ids); extractive logits
are written here by hand over features made by prepare_features, so no model runs.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the helpers
import helpers_trainer as helpers  # noqa: E402

pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import qascore  # noqa: E402
from qascore.trainer.generative import QAComputeMetrics  # noqa: E402

PAD, EOS = helpers.PAD_ID, helpers.EOS_ID


def ids(text):
    """The test tokenizer's ids for ``text``, without special tokens."""
    return helpers.qa_tokenizer()(text, add_special_tokens=False)["input_ids"]


def padded(rows, width=6):
    """Rows of ids padded with -100 to ``width``, as Trainer concatenates them."""
    return np.array([row + [-100] * (width - len(row)) for row in rows])


DENVER, CAROLINA = ids("denver broncos"), ids("carolina panthers")
PREDICTIONS = padded([DENVER + [EOS], CAROLINA + [EOS], DENVER + [EOS]])
LABELS = padded([DENVER + [EOS], CAROLINA + [EOS], CAROLINA + [EOS]])


def metrics(**options):
    return QAComputeMetrics(helpers.qa_tokenizer(), **options)


# --- generative: token ids outside the vocabulary ----------------------------------------------------


@pytest.mark.parametrize("bad", [2000, 2**31, 2**32, -5, -101])
def test_prediction_ids_outside_the_vocabulary_are_refused(bad):
    """Past the vocabulary the tokenizer skipped the id (2000, 2**31); negative or past u32 it overflowed."""
    assert len(helpers.qa_tokenizer()) == 2000
    predictions = PREDICTIONS.copy()
    predictions[1, 1] = bad
    message = (
        rf"predictions row 1, position 1 holds the token id {bad}, outside the tokenizer's vocabulary "
        r"\(ids 0 to 1999\); check that the model's vocabulary size matches len\(tokenizer\) and pad with -100"
    )
    with pytest.raises(ValueError, match=message):
        metrics()((predictions, LABELS))


def test_label_and_input_ids_outside_the_vocabulary_are_refused():
    labels = LABELS.copy()
    labels[2, 0] = 2500
    with pytest.raises(ValueError, match="label_ids row 2, position 0 holds the token id 2500"):
        metrics()((PREDICTIONS, labels))
    inputs = np.array([[7, 8], [7, -3], [7, 8]])
    with pytest.raises(ValueError, match="inputs row 1, position 1 holds the token id -3"):
        metrics(references=[["x"]] * 3)(
            transformers.EvalPrediction(predictions=PREDICTIONS, label_ids=LABELS, inputs=inputs)
        )


def test_ids_past_int64_in_python_lists_and_uint64_arrays_are_refused():
    with pytest.raises(ValueError, match="predictions row 1, position 2 holds the token id 18446744073709551616"):
        metrics()(([DENVER, [7, 8, 2**64]], [DENVER, DENVER]))
    predictions = PREDICTIONS.clip(0).astype(np.uint64)
    predictions[0, 0] = 2**63
    with pytest.raises(ValueError, match="predictions row 0, position 0 holds the token id 9223372036854775808"):
        metrics()((predictions, LABELS.clip(0)))


def test_logits_wider_than_the_vocabulary_are_refused():
    """A model whose vocabulary is larger than the tokenizer's (padded embeddings) can predict unknown ids."""
    logits = np.zeros((1, 3, 2010), dtype=np.float32)
    logits[0, 0, DENVER[0]] = logits[0, 1, 2005] = logits[0, 2, EOS] = 1.0
    with pytest.raises(ValueError, match="predictions row 0, position 1 holds the token id 2005"):
        metrics()((logits, padded([DENVER + [EOS]], width=3)))


def test_batch_steps_name_the_row_of_the_whole_evaluation():
    compute_metrics = metrics()
    compute_metrics((PREDICTIONS[:2], LABELS[:2]), compute_result=False)
    predictions = PREDICTIONS[2:].copy()
    predictions[0, 3] = 4000
    with pytest.raises(ValueError, match="predictions row 2, position 3 holds the token id 4000"):
        compute_metrics((predictions, LABELS[2:]), compute_result=True)


# --- generative: labels without a gold answer ---------------------------------------------------------


@pytest.mark.parametrize("preset", ["squad", "squad_v2"])
def test_labels_of_only_minus_100_are_refused(preset):
    minus_100 = np.full((3, 4), -100)
    with pytest.raises(ValueError, match="label_ids hold only -100 and the pad id, so there is no gold answer"):
        metrics(preset=preset)((PREDICTIONS, minus_100))
    if preset == "squad_v2":  # batch_eval_metrics: one batch of unanswerable rows is fine, a whole evaluation is not
        compute_metrics = metrics(preset=preset)
        assert compute_metrics((PREDICTIONS[:2], minus_100[:2]), compute_result=False) == {}
        with pytest.raises(ValueError, match="label_ids hold only -100 and the pad id"):
            compute_metrics((PREDICTIONS[2:], minus_100[2:]), compute_result=True)


@pytest.mark.parametrize("metric", [None, "path"])
def test_empty_decoded_labels_are_unanswerable_under_squad_v2(metric):
    """A label decoding to "" is the same as [] in references=: a question without gold answer."""
    predictions = padded([[EOS], DENVER + [EOS], CAROLINA + [EOS]])
    labels = padded([[EOS], DENVER + [EOS], [PAD, EOS]])
    options = dict(preset="squad_v2", metric=None if metric is None else str(helpers.METRIC_DIR))
    result = metrics(**options)((predictions, labels))
    gold = [[], ["denver broncos"], []]
    assert result == metrics(references=gold, **options)((predictions, labels))
    expected = qascore.compute(["", "denver broncos", "carolina panthers"], gold, preset="squad_v2")
    assert result == {key: float(value) for key, value in expected.items()}
    assert result["NoAns_total"] == 2.0 and result["HasAns_total"] == 1.0


@pytest.mark.parametrize("preset", ["squad", "korquad"])
def test_an_empty_decoded_label_is_refused_without_unanswerable_questions(preset):
    labels = LABELS.copy()
    labels[1] = [EOS] + [-100] * 5
    message = (
        f"label_ids row 1 decodes to an empty answer, but preset '{preset}' has no unanswerable questions; "
        "pass the gold answers as references="
    )
    with pytest.raises(ValueError, match=message):
        metrics(preset=preset)((PREDICTIONS, labels))
    labels = LABELS.copy()
    labels[2] = [EOS] + [-100] * 5
    compute_metrics = metrics(preset=preset)
    compute_metrics((PREDICTIONS[:1], labels[:1]), compute_result=False)
    with pytest.raises(ValueError, match="label_ids row 2 decodes to an empty answer"):
        compute_metrics((PREDICTIONS[1:], labels[1:]), compute_result=True)


# --- generative: arrays of the wrong type -------------------------------------------------------------


def test_predictions_that_are_not_numbers_are_refused():
    words = np.array([["denver", "broncos"], ["carolina", "panthers"], ["denver", "broncos"]])
    with pytest.raises(TypeError, match="predictions must be integer token ids shaped .* got an array of dtype <U8"):
        metrics()((words, LABELS))
    with pytest.raises(TypeError, match="predictions must be integer token ids .* dtype <U8"):
        metrics()((words.astype(object), LABELS))
    with pytest.raises(TypeError, match="label_ids must be integer token ids .* dtype <U8"):
        metrics()((PREDICTIONS, words))
    # an object array of Python ints is still read as ids
    assert metrics()((PREDICTIONS.astype(object), LABELS)) == metrics()((PREDICTIONS, LABELS))


# --- extractive ----------------------------------------------------------------------------------------

RECORDS = helpers.squad_records()[:3]


@pytest.fixture(scope="module")
def features():
    return helpers.extractive_dataset(RECORDS)


def logits(features, seed=0):
    rng = np.random.default_rng(seed)
    shape = (len(features), helpers.EXTRACTIVE_MAX_LENGTH)
    return rng.normal(size=shape), rng.normal(size=shape)


@pytest.mark.parametrize("preset", ["squad", "squad_v2"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("which", ["start", "end"])
def test_non_finite_logits_are_refused(features, preset, value, which):
    """Scored 0 without a word before; under squad_v2 the core then blamed no_answer_probabilities."""
    start, end = logits(features)
    (start if which == "start" else end)[2, 7] = value
    compute_metrics = QAComputeMetrics.for_extractive(examples=list(RECORDS), features=features, preset=preset)
    message = rf"the {which} logits in predictions, row 2, holds {value} at token position 7; logits must be finite"
    with pytest.raises(ValueError, match=message):
        compute_metrics(((start, end), None))


def test_nan_logits_are_blamed_on_the_logits_not_on_no_answer_probabilities(features):
    """An all-NaN output (fp16 overflow, say) made the core refuse no_answer_probabilities, never passed."""
    start, end = logits(features)
    end[:] = np.nan
    compute_metrics = QAComputeMetrics.for_extractive(examples=list(RECORDS), features=features, preset="squad_v2")
    with pytest.raises(ValueError, match="the end logits in predictions, row 0, holds nan at token position 0"):
        compute_metrics(((start, end), None))


def test_non_finite_logits_in_a_later_batch_name_the_feature_row(features):
    start, end = logits(features)
    start[4, 0] = np.nan
    compute_metrics = QAComputeMetrics.for_extractive(examples=list(RECORDS), features=features)
    compute_metrics(((start[:3], end[:3]), None), compute_result=False)
    with pytest.raises(ValueError, match="the start logits in predictions, row 4, holds nan at token position 0"):
        compute_metrics(((start[3:], end[3:]), None), compute_result=True)


def test_logit_rows_narrower_than_the_features_are_refused(features):
    start, end = logits(features)
    compute_metrics = QAComputeMetrics.for_extractive(examples=list(RECORDS), features=features)
    message = (
        "the end logits in predictions, row 0, has 50 token positions but its feature has 96 "
        r"\(the length of its offset_mapping\)"
    )
    with pytest.raises(ValueError, match=message):
        compute_metrics(((start, end[:, :50]), None))
    # wider rows are Trainer's -100 padding (here NaN, to show it is not read): same answers as unpadded
    pad = np.full((len(features), 10), np.nan)
    wide = compute_metrics(((np.hstack([start, pad]), np.hstack([end, pad])), None))
    assert wide == compute_metrics(((start, end), None))


def test_logits_of_the_wrong_shape_or_type_are_refused(features):
    start, end = logits(features)
    compute_metrics = QAComputeMetrics.for_extractive(examples=list(RECORDS), features=features)
    with pytest.raises(ValueError, match=r"the start logits in predictions must be shaped \(features, tokens\), .* "
                                         r"got shape \(\d+, 96, 1\)"):
        compute_metrics(((start[..., None], end[..., None]), None))
    with pytest.raises(TypeError, match=r"the end logits in predictions must be numbers shaped \(features, tokens\); "
                                        "got an array of dtype <U"):
        compute_metrics(((start, end.astype(str)), None))


def test_examples_without_features_are_refused(features):
    """They would be scored as empty answers (0 under squad) without a word."""
    extra = helpers.squad_records()[3]
    with pytest.raises(ValueError, match=rf"1 examples have no feature in features= \(ids \['{extra['id']}'\]\)"):
        QAComputeMetrics.for_extractive(examples=[*RECORDS, extra], features=features)
    with pytest.raises(ValueError, match=f"examples= repeat the id '{RECORDS[0]['id']}' \\(positions 0 and 3\\)"):
        QAComputeMetrics.for_extractive(examples=[*RECORDS, RECORDS[0]], features=features)


def test_predictions_reach_the_scorer_in_the_examples_order():
    """Regression guard (passes before and after issue 10): squad_v2 threshold ties follow prediction order.

    Example 0 is answerable and example 1 is not; the features come in the other order. Both get a
    no-answer probability of exactly 0.5 and a span answer, so best_exact is 100 in the examples'
    order and 50 in the features' order.
    """
    records = helpers.squad_records(40, version="2.0")
    answerable = next(r for r in records if r["answers"]["text"])
    unanswerable = next(r for r in records if not r["answers"]["text"] and r["context"] != answerable["context"])
    examples = [answerable, unanswerable]
    features = helpers.extractive_dataset([unanswerable, answerable])
    start, end = np.zeros((2, len(features), helpers.EXTRACTIVE_MAX_LENGTH))
    for row, feature in enumerate(features):
        start[row, 0] = end[row, 0] = 10.0  # null score 20
        if feature["example_id"] == answerable["id"]:
            start[row, feature["start_positions"]] += 10.0  # the gold span, 20 where the window holds it
            end[row, feature["end_positions"]] += 10.0
        else:
            first = next(index for index, offset in enumerate(feature["offset_mapping"]) if offset is not None)
            start[row, first] = end[row, first] = 10.0  # some span, 20
    compute_metrics = QAComputeMetrics.for_extractive(examples=examples, features=features, preset="squad_v2")
    result = compute_metrics(((start, end), None))
    assert result["best_exact"] == 100.0 and result["best_exact_thresh"] == 0.5
    answer = answerable["answers"]["text"][0]
    in_feature_order = qascore.compute(
        ["x", answer], [[], [answer]], preset="squad_v2", no_answer_probabilities=[0.5, 0.5]
    )
    assert in_feature_order["best_exact"] == 50.0  # the order matters, and the adapter used the examples'
