"""An offline stand-in for evaluate's ``squad`` module, for the side-by-side benchmark.

``evaluate.load("squad")`` fetches the module's script from the Hugging Face Hub, and
evaluate 0.4.6 ships no copy of it, so it cannot run here (no network). This class
rebuilds what that module does, as published in huggingface/evaluate
``metrics/squad/squad.py``, so the measurement goes through the same code paths:

- the same ``features`` (predictions ``{"id", "prediction_text"}``, references
  ``{"id", "answers": Sequence({"text", "answer_start": int32})}``), so
  ``Metric.compute`` encodes, writes and reads back the same Arrow table;
- the same ``_compute``: an id -> text dict plus a nested SQuAD ``data`` list passed to
  the official v1.1 scoring function (``official_v11.compute_score`` here, the same
  algorithm as the module's ``compute_score.py``).

Written for this benchmark (not copied); label it "evaluate squad (offline rebuild)".

>>> metric = EvaluateSquadRebuild()
>>> metric.compute(predictions=[{"id": "q", "prediction_text": "1976"}],
...                references=[{"id": "q", "answers": {"text": ["1976"], "answer_start": [97]}}])
{'exact_match': 100.0, 'f1': 100.0}
"""

import datasets
import evaluate
from official_v11 import compute_score


class EvaluateSquadRebuild(evaluate.Metric):
    """evaluate's SQuAD v1.1 metric module rebuilt locally (same features, same ``_compute``)."""

    def _info(self):
        return evaluate.MetricInfo(
            description="Offline rebuild of evaluate's squad metric module for benchmarking.",
            citation="Rajpurkar et al., SQuAD: 100,000+ Questions for Machine Comprehension of Text, EMNLP 2016.",
            inputs_description="predictions: [{'id', 'prediction_text'}]; references: [{'id', 'answers'}].",
            features=datasets.Features(
                {
                    "predictions": {"id": datasets.Value("string"), "prediction_text": datasets.Value("string")},
                    "references": {
                        "id": datasets.Value("string"),
                        "answers": datasets.Sequence(
                            {"text": datasets.Value("string"), "answer_start": datasets.Value("int32")}
                        ),
                    },
                }
            ),
        )

    def _compute(self, predictions, references):
        answers_by_id = {prediction["id"]: prediction["prediction_text"] for prediction in predictions}
        qas = [
            {"id": reference["id"], "answers": [{"text": text} for text in reference["answers"]["text"]]}
            for reference in references
        ]
        return compute_score([{"paragraphs": [{"qas": qas}]}], answers_by_id)
