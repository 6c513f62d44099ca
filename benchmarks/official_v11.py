"""The official SQuAD v1.1 algorithm, the speed baseline: qascore's shipped twin of ``evaluate-v1.1.py``.

:mod:`qascore.scoring.reference` writes the official rules plainly (a ``Counter`` per pair, a
loop over the questions); the tests check it against the official figures. This module adds
what the official script's main block does: read both JSON files, then score.

>>> dataset = [{"paragraphs": [{"qas": [{"id": "q1", "answers": [{"text": "1976"}]}]}]}]
>>> compute_score(dataset, {"q1": "in 1976"})
{'exact_match': 0.0, 'f1': 66.66666666666666}
"""

import json

from qascore.scoring.reference import evaluate_v11 as compute_score
from qascore.scoring.reference import normalize_answer

__all__ = ["compute_score", "normalize_answer", "score_files"]


def score_files(dataset_file, prediction_file):
    """What the official script's main block does: read both JSON files, then :func:`compute_score`."""
    with open(dataset_file, encoding="utf-8") as handle:
        dataset = json.load(handle)["data"]
    with open(prediction_file, encoding="utf-8") as handle:
        predictions = json.load(handle)
    return compute_score(dataset, predictions)
