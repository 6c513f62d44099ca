"""The reshaping layer of the Trainer adapter, fed every shape Trainer can produce (no model needed).

Expected rows are written out by hand from the inputs; the scores come from qascore.compute on the
strings the fake vocabulary decodes to.
"""

import inspect
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the helpers
import helpers_trainer as helpers  # noqa: E402

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import qascore  # noqa: E402
from qascore.trainer.generative import QAComputeMetrics  # noqa: E402
from qascore.trainer.outputs import token_rows  # noqa: E402
from qascore.trainer.references import gold_answers  # noqa: E402

WORDS = {1: "denver", 2: "broncos", 3: "carolina", 4: "panthers", 5: "[eos]", 6: "who", 7: "won"}
PAD, EOS = 0, 5


class WordTokenizer:
    """Decodes ids to space-separated words, skipping pad and eos like a real tokenizer."""

    pad_token_id, eos_token_id = PAD, EOS

    def batch_decode(self, rows, skip_special_tokens=False):
        special = {PAD, EOS} if skip_special_tokens else set()
        return [" ".join(WORDS[token] for token in row if token not in special) for row in rows]


GOLD = [["Denver Broncos", "Broncos"], ["Carolina Panthers"], ["Carolina"]]
# generated ids: pad id inside a batch, -100 where Trainer concatenated batches of different lengths
GENERATED = np.array([[0, 1, 2, 5, 0], [0, 4, 5, 0, -100], [0, 3, 4, 5, -100]])
EXPECTED = qascore.compute(["denver broncos", "panthers", "carolina panthers"], GOLD)
LABELS = np.array([[1, 2, 5, -100, -100], [3, 4, 5, -100, -100], [3, 5, -100, -100, -100]])


def test_compute_metrics_has_compute_result_parameter():
    """transformers checks this with inspect when batch_eval_metrics=True."""
    assert "compute_result" in inspect.signature(QAComputeMetrics(WordTokenizer())).parameters


def test_generated_ids_with_pad_and_minus_100():
    compute_metrics = QAComputeMetrics(WordTokenizer(), references=GOLD)
    assert compute_metrics(transformers.EvalPrediction(predictions=GENERATED, label_ids=LABELS)) == EXPECTED


def test_decoded_labels_are_the_gold_answers_without_references():
    result = QAComputeMetrics(WordTokenizer())(transformers.EvalPrediction(predictions=GENERATED, label_ids=LABELS))
    assert result == qascore.compute(
        ["denver broncos", "panthers", "carolina panthers"], ["denver broncos", "carolina panthers", "carolina"]
    )


def test_eval_prediction_with_inputs_is_read_by_attribute():
    inputs = np.array([[6, 7, -100], [6, 7, 0], [7, -100, -100]])
    prediction = transformers.EvalPrediction(predictions=GENERATED, label_ids=LABELS, inputs=inputs)
    assert len(tuple(prediction)) == 3  # `preds, labels = p` would fail here
    result = QAComputeMetrics(WordTokenizer(), references=GOLD)(prediction)
    expected = qascore.compute(
        ["denver broncos", "panthers", "carolina panthers"], GOLD, inputs=["who won", "who won", "won"]
    )
    assert result == expected and "grounding_rate" in result


def test_batch_mode_with_torch_tensors_bf16_logits_and_raw_batches():
    """batch_eval_metrics: torch tensors per step, logits in bf16, the raw batch dict as inputs."""
    compute_metrics = QAComputeMetrics(WordTokenizer(), references=GOLD)
    logits = torch.full((3, 5, 8), -5.0, dtype=torch.bfloat16)
    for row, ids in enumerate(LABELS):
        for position, token in enumerate(ids):
            logits[row, position, token if token >= 0 else 0] = 5.0
    labels = torch.tensor(LABELS)
    batches = [slice(0, 2), slice(2, 3)]
    results = []
    for step, rows in enumerate(batches):
        prediction = transformers.EvalPrediction(
            predictions=(logits[rows], torch.zeros(1)),  # (logits, encoder states) as a seq2seq model returns
            label_ids=labels[rows],
            inputs={"input_ids": torch.tensor([[6, 7], [6, 7], [7, 0]])[rows], "labels": labels[rows]},
        )
        results.append(compute_metrics(prediction, compute_result=step == len(batches) - 1))
    assert results[0] == {}
    expected = qascore.compute(
        ["denver broncos", "carolina panthers", "carolina"], GOLD, inputs=["who won", "who won", "won"]
    )
    assert results[1] == expected
    assert all(type(value) is float for value in results[1].values())


def test_preprocess_logits_keeps_ids_on_device_and_masks_non_label_positions():
    compute_metrics = QAComputeMetrics(WordTokenizer())
    logits = torch.randn(2, 4, 8, dtype=torch.bfloat16)
    labels = torch.tensor([[1, 2, -100, -100], [3, -100, -100, -100]])
    ids = compute_metrics.preprocess_logits((logits, torch.zeros(2, 3, 8)), labels)
    assert ids.shape == (2, 4) and ids.device == logits.device
    assert ids[0, 2] == -100 and ids[1, 1] == -100 and ids[0, 0] == logits[0, 0].float().argmax()
    generated = torch.tensor([[0, 1, 2, 5]])
    assert compute_metrics.preprocess_logits(generated, labels[:1]) is generated


def test_lists_of_per_batch_arrays():
    """eval_do_concat_batches=False: one array per batch, of different widths."""
    predictions = [GENERATED[:2, :4], GENERATED[2:]]
    labels = [LABELS[:2, :3], LABELS[2:]]
    rows = token_rows(predictions, pad_token_id=PAD)
    assert [row.tolist() for row in rows] == [[1, 2, 5], [4, 5], [3, 4, 5]]
    assert QAComputeMetrics(WordTokenizer(), references=GOLD)((predictions, labels)) == EXPECTED


def test_bad_inputs_are_reported():
    with pytest.raises(TypeError, match="EvalPrediction"):
        QAComputeMetrics(WordTokenizer())("not a prediction")
    with pytest.raises(TypeError, match="batch_decode"):
        QAComputeMetrics(object())
    with pytest.raises(TypeError, match="per_example_file"):
        QAComputeMetrics(WordTokenizer(), return_per_example=True)
    with pytest.raises(ValueError, match="no_answer_threshold"):
        QAComputeMetrics(WordTokenizer(), no_answer_threshold=0.5)  # squad has no unanswerable questions
    with pytest.raises(ValueError, match="ids= has 2 entries but references= has 3"):
        QAComputeMetrics(WordTokenizer(), references=GOLD, ids=["a", "b"])
    with pytest.raises(TypeError, match="fractional"):
        token_rows(np.array([[0.5, 1.0]]), pad_token_id=PAD)
    with pytest.raises(ValueError, match="shape"):
        token_rows(np.zeros((2, 2, 2), dtype=np.int64), pad_token_id=PAD)
    with pytest.raises(TypeError, match="reference 1"):
        gold_answers(["Paris", 3])
    with pytest.raises(TypeError, match="one entry per evaluation example"):
        gold_answers("Paris")


def test_a_failed_batch_stream_does_not_leak_into_the_next_evaluation():
    compute_metrics = QAComputeMetrics(WordTokenizer(), references=GOLD)
    compute_metrics((GENERATED[:2], LABELS[:2]), compute_result=False)
    with pytest.raises(ValueError, match="more predictions"):
        compute_metrics((GENERATED, LABELS), compute_result=False)  # 5 rows for 3 references
    compute_metrics((GENERATED[:2], LABELS[:2]), compute_result=False)
    assert compute_metrics((GENERATED[2:], LABELS[2:]), compute_result=True) == EXPECTED


def test_loaded_evaluate_module_gives_the_same_numbers():
    evaluate = pytest.importorskip("evaluate")
    module = evaluate.load(str(helpers.METRIC_DIR), "squad_v2")
    compute_metrics = QAComputeMetrics(WordTokenizer(), metric=module, references=GOLD)
    result = compute_metrics((GENERATED, LABELS))
    assert result == {
        key: float(value)
        for key, value in qascore.compute(
            ["denver broncos", "panthers", "carolina panthers"], GOLD, preset="squad_v2"
        ).items()
    }
    assert compute_metrics((GENERATED, LABELS)) == result  # the module was emptied by compute
    with pytest.raises(ValueError, match="loaded with config 'squad_v2'"):
        QAComputeMetrics(WordTokenizer(), metric=module, preset="squad")
