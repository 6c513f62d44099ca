"""DROP's official rules, written out plainly: the twin the fast scorer is tested against.

A line-by-line restatement of ``drop_eval.py`` (allenai/allennlp-reading-comprehension,
``allennlp_rc/eval/drop_eval.py`` at 14fc0a4): no caching, no arrays, one question and one
gold answer at a time, exactly as the script walks them. :func:`evaluate` takes the parsed
data file and predictions file and returns the script's figures under the keys
:func:`qascore.families.drop.summarize` uses; the benchmark times it as "the official rules".

>>> get_metrics("the 3-yard run", "3 yards run")
(0.0, 0.67)
>>> get_metrics(["Paris", "Rome"], ["rome", "paris"])
(1.0, 1.0)
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from typing import Dict, List, Set, Tuple

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["normalize_answer", "get_metrics", "answer_strings", "evaluate"]

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _normalize_token(token: str) -> str:
    """Lower case; punctuation out unless ``float`` reads it; numbers as ``str(float)``; articles out."""
    token = token.lower()
    if not _is_number(token):
        token = "".join(char for char in token if char not in _PUNCTUATION)
    if _is_number(token):
        token = str(float(token))
    return " ".join(_ARTICLES.sub(" ", token).split())


def normalize_answer(text: str) -> str:
    """One span as the script compares it: tokens split at spaces and hyphens, each normalised."""
    parts = [_normalize_token(token) for token in re.split(" |-", text)]
    return " ".join(part for part in parts if part.strip()).strip()


def _bags(answer) -> Tuple[List[str], List[Set[str]]]:
    spans = answer if isinstance(answer, (list, tuple)) else [answer]
    normalized = [normalize_answer(span) for span in spans]
    return normalized, [set(span.split()) for span in normalized]


def _bag_f1(predicted: Set[str], gold: Set[str]) -> float:
    shared = len(gold & predicted)
    precision = 1.0 if not predicted else shared / float(len(predicted))
    recall = 1.0 if not gold else shared / float(len(gold))
    if precision == 0.0 and recall == 0.0:
        return 0.0
    return (2 * precision * recall) / (precision + recall)


def _numbers_agree(gold: Set[str], predicted: Set[str]) -> bool:
    gold_numbers = {word for word in gold if _is_number(word)}
    predicted_numbers = {word for word in predicted if _is_number(word)}
    return not gold_numbers or bool(gold_numbers & predicted_numbers)


def _aligned_f1(predicted: List[Set[str]], gold: List[Set[str]]) -> np.ndarray:
    scores = np.zeros([len(gold), len(predicted)])
    for row, gold_bag in enumerate(gold):
        for column, predicted_bag in enumerate(predicted):
            if _numbers_agree(gold_bag, predicted_bag):
                scores[row, column] = _bag_f1(predicted_bag, gold_bag)
    rows, columns = linear_sum_assignment(-scores)
    best = np.zeros([max(len(gold), len(predicted))])
    for row, column in zip(rows, columns):
        best[row] = max(best[row], scores[row, column])
    return best


def get_metrics(predicted, gold) -> Tuple[float, float]:
    """EM and F1 of a prediction (a string or list of spans) against one gold answer's strings."""
    predicted_spans, predicted_bags = _bags(predicted)
    gold_spans, gold_bags = _bags(gold)
    exact = float(set(predicted_spans) == set(gold_spans) and len(predicted_spans) == len(gold_spans))
    return exact, float(round(np.mean(_aligned_f1(predicted_bags, gold_bags)), 2))


def answer_strings(answer: dict) -> Tuple[Tuple[str, ...], str]:
    """A gold answer object as strings and its type: a number, else spans, else a date."""
    if "number" in answer and answer["number"]:
        return (str(answer["number"]),), "number"
    if "spans" in answer and answer["spans"]:
        return tuple(answer["spans"]), "span" if len(answer["spans"]) == 1 else "spans"
    if "date" in answer:
        date = answer["date"]
        return ("{0} {1} {2}".format(date["day"], date["month"], date["year"]),), "date"
    raise ValueError(f"Answer type not found, should be one of number, spans or date: {answer}")


def evaluate(data: Dict[str, dict], predictions: Dict[str, object]) -> Dict[str, float]:
    """The script's figures for a parsed data file and predictions file.

    ``global_em``/``global_f1`` are fractions, the per-type figures percentages, as the script
    writes and prints them.
    """
    exact_scores, f1_scores = [], []
    type_exact: Dict[str, list] = defaultdict(list)
    type_f1: Dict[str, list] = defaultdict(list)
    for passage in data.values():
        for qa_pair in passage["qa_pairs"]:
            best_exact, best_f1, best_type = 0.0, 0.0, None
            if qa_pair["query_id"] in predictions:
                predicted = predictions[qa_pair["query_id"]]
                candidates = [qa_pair["answer"]] + (qa_pair.get("validated_answers") or [])
                for answer in candidates:
                    gold, gold_type = answer_strings(answer)
                    exact, f1 = get_metrics(predicted, gold)
                    if gold[0].strip() != "":
                        best_exact, best_f1 = max(best_exact, exact), max(best_f1, f1)
                        if best_exact == exact and best_f1 == f1:
                            best_type = gold_type
            else:
                best_type = answer_strings(qa_pair["answer"])[1] if qa_pair["answer"] else "number"
            exact_scores.append(best_exact)
            f1_scores.append(best_f1)
            type_exact[best_type].append(best_exact)
            type_f1[best_type].append(best_f1)
    figures = {"global_em": float(np.mean(exact_scores)), "global_f1": float(np.mean(f1_scores))}
    total = np.sum([len(scores) for scores in type_exact.values()])
    for answer_type in sorted(type_exact):
        figures[f"{answer_type}_count"] = len(type_exact[answer_type])
        figures[f"{answer_type}_percent"] = float(100.0 * len(type_exact[answer_type]) / total)
        figures[f"{answer_type}_em"] = float(100.0 * np.mean(type_exact[answer_type]))
        figures[f"{answer_type}_f1"] = float(100.0 * np.mean(type_f1[answer_type]))
    return figures
