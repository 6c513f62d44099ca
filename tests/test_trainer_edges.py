"""Issue 10 at the Trainer adapters: nothing is silently dropped, and errors name what the user passed.

Generative rows use the WordPiece tokenizer of tests/helpers_trainer.py (2000 ids), so no model runs.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import helpers_trainer as helpers  # noqa: E402

pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import qascore  # noqa: E402
from qascore.trainer import QAComputeMetrics  # noqa: E402

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
