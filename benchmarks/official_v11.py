"""The official SQuAD v1.1 scoring algorithm, written plainly, as the speed baseline.

The algorithm is the one published in ``evaluate-v1.1.py`` (Rajpurkar et al., the
SQuAD v1.1 evaluation script): lower-case, drop ASCII punctuation, drop the
articles a/an/the, collapse whitespace; F1 from a ``collections.Counter``
intersection of the whitespace tokens; each score is the maximum over the gold
answers; a question without a prediction scores 0. This file re-implements it
line for line in meaning (not copied text) so the benchmark has the reference
numbers and the reference speed in the same process model as every peer.

>>> normalize_answer("The  Denver Broncos!")
'denver broncos'
>>> f1_score("Denver Broncos", "the Broncos")
0.6666666666666666
>>> dataset = [{"paragraphs": [{"qas": [{"id": "q1", "answers": [{"text": "1976"}]}]}]}]
>>> compute_score(dataset, {"q1": "in 1976"})
{'exact_match': 0.0, 'f1': 66.66666666666666}
"""

import json
import re
import string
import sys
from collections import Counter

_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text):
    """Lower-case, remove punctuation and articles, and collapse whitespace.

    >>> normalize_answer("An  apple, a day.")
    'apple day'
    """
    lowered = text.lower()
    without_punctuation = "".join(ch for ch in lowered if ch not in _PUNCTUATION)
    without_articles = _ARTICLES.sub(" ", without_punctuation)
    return " ".join(without_articles.split())


def f1_score(prediction, ground_truth):
    """Token-overlap F1 of two answers after normalisation (0 when nothing overlaps).

    >>> f1_score("a red car", "red cars")
    0.5
    """
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def exact_match_score(prediction, ground_truth):
    """True when both answers normalise to the same string.

    >>> exact_match_score("The Broncos.", "broncos")
    True
    """
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def metric_max_over_ground_truths(metric_fn, prediction, ground_truths):
    """The best score of ``prediction`` against any of the gold answers.

    >>> metric_max_over_ground_truths(f1_score, "red car", ["blue car", "red car"])
    1.0
    """
    return max(metric_fn(prediction, ground_truth) for ground_truth in ground_truths)


def compute_score(dataset, predictions):
    """Score ``predictions`` (id -> text) against a SQuAD v1.1 ``data`` list, in percent.

    >>> compute_score([{"paragraphs": [{"qas": [{"id": "a", "answers": [{"text": "x"}]}]}]}], {"a": "x"})
    {'exact_match': 100.0, 'f1': 100.0}
    """
    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                total += 1
                if qa["id"] not in predictions:
                    print(f"Unanswered question {qa['id']} will receive score 0.", file=sys.stderr)
                    continue
                ground_truths = [answer["text"] for answer in qa["answers"]]
                prediction = predictions[qa["id"]]
                exact_match += metric_max_over_ground_truths(exact_match_score, prediction, ground_truths)
                f1 += metric_max_over_ground_truths(f1_score, prediction, ground_truths)
    return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}


def score_files(dataset_file, prediction_file):
    """What the official script's main block does: read both JSON files, then :func:`compute_score`."""
    with open(dataset_file, encoding="utf-8") as handle:
        dataset = json.load(handle)["data"]
    with open(prediction_file, encoding="utf-8") as handle:
        predictions = json.load(handle)
    return compute_score(dataset, predictions)

