"""The official scripts' figures for small made-up data: the shipped twin (qascore.scoring.reference)
on ``[(id, gold answers)]`` rows, which tests/core/test_core_reference.py ties to the official figures."""

from qascore.scoring.reference import evaluate_v2, evaluate_v11


def _dataset(gold):
    return [{"paragraphs": [{"qas": [{"id": qid, "answers": [{"text": text} for text in answers]}
                                     for qid, answers in gold]}]}]


def official_v11(gold, predictions):
    """evaluate-v1.1.py on ``gold`` rows (every row counts once) and ``{id: text}`` predictions."""
    return evaluate_v11(_dataset(gold), predictions)


def official_v2(gold, predictions, na_probs, threshold=1.0):
    """evaluate-v2.0.py; ``predictions`` and ``na_probs`` are dicts whose key order is the order the
    script sees them in (its best-threshold walk keeps it for tied scores)."""
    return evaluate_v2(_dataset(gold), predictions, na_probs, threshold)
