"""CoQA's official rules, written out plainly: the twin the fast scorer is tested against.

A restatement of ``evaluate-v1.0.py`` (stanfordnlp/coqa-baselines, the same file as
jaytsien/Bert-for-coqa ``data/evaluate-v1.0.py`` at d3e1cf3): one turn and one gold answer at
a time, exactly as the script walks them. :func:`evaluate` takes the parsed data file and
prediction list and returns the figures the script prints, flattened as
``<domain>_<em|f1|turns>``.

>>> turn_score(["Paris", "Rome", "Rome", "Lyon"], "paris")
{'em': 0.75, 'f1': 0.75}
"""

from __future__ import annotations

import re
import string
from collections import Counter
from typing import Dict, List

__all__ = ["normalize_answer", "turn_score", "evaluate", "IN_DOMAIN", "OUT_DOMAIN", "DOMAIN_NAMES"]

IN_DOMAIN = ("mctest", "gutenberg", "race", "cnn", "wikipedia")
OUT_DOMAIN = ("reddit", "science")
DOMAIN_NAMES = {"mctest": "children_stories", "gutenberg": "literature", "race": "mid-high_school", "cnn": "news",
                "wikipedia": "wikipedia", "science": "science", "reddit": "reddit"}
_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(char for char in text.lower() if char not in _PUNCTUATION)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text, flags=re.UNICODE).split())


def _tokens(text: str) -> List[str]:
    return normalize_answer(text).split() if text else []


def _exact(gold: str, prediction: str) -> int:
    return int(normalize_answer(gold) == normalize_answer(prediction))


def _f1(gold: str, prediction: str) -> float:
    gold_tokens, predicted_tokens = _tokens(gold), _tokens(prediction)
    same = sum((Counter(gold_tokens) & Counter(predicted_tokens)).values())
    if not gold_tokens or not predicted_tokens:
        return int(gold_tokens == predicted_tokens)
    if same == 0:
        return 0
    precision = 1.0 * same / len(predicted_tokens)
    recall = 1.0 * same / len(gold_tokens)
    return (2 * precision * recall) / (precision + recall)


def turn_score(golds: List[str], prediction: str) -> Dict[str, float]:
    """A turn's EM and F1: with several golds, the mean over leaving each one out of the max over the rest."""
    em_sum = f1_sum = 0.0
    if len(golds) > 1:
        for left_out in range(len(golds)):
            others = golds[:left_out] + golds[left_out + 1:]
            em_sum += max(_exact(gold, prediction) for gold in others)
            f1_sum += max(_f1(gold, prediction) for gold in others)
    else:
        em_sum += max(_exact(gold, prediction) for gold in golds)
        f1_sum += max(_f1(gold, prediction) for gold in golds)
    return {"em": em_sum / max(1, len(golds)), "f1": f1_sum / max(1, len(golds))}


def evaluate(data: dict, predictions: List[dict], *, rounded: bool = True) -> Dict[str, float]:
    """The script's figures for the parsed data file and predictions list (``rounded=False``: before its rounding)."""
    gold, source_of = {}, {}
    for story in data["data"]:
        source_of[story["id"]] = story["source"]
        answer_sets = [story["answers"], *story["additional_answers"].values()]
        for index, question in enumerate(story["questions"]):
            gold[(story["id"], question["turn_id"])] = [answers[index]["input_text"] for answers in answer_sets]
    predicted = {(entry["id"], entry["turn_id"]): entry["answer"] for entry in predictions}
    exact, f1 = {}, {}
    for key, golds in gold.items():
        if key in predicted:
            scores = turn_score(golds, predicted[key])
            exact[key], f1[key] = scores["em"], scores["f1"]
    totals = {source: Counter() for source in IN_DOMAIN + OUT_DOMAIN}
    for key in gold:
        totals[source_of[key[0]]]["em_total"] += exact.get(key, 0)
        totals[source_of[key[0]]]["f1_total"] += f1.get(key, 0)
        totals[source_of[key[0]]]["turn_count"] += 1

    def figure(total, turns):
        value = total / max(1, turns) * 100
        return round(value, 1) if rounded else value
    figures = {}
    groups = {"in_domain": [0.0, 0.0, 0], "out_domain": [0.0, 0.0, 0]}
    for source in IN_DOMAIN + OUT_DOMAIN:
        counter, name = totals[source], DOMAIN_NAMES[source]
        figures[f"{name}_em"] = figure(counter["em_total"], counter["turn_count"])
        figures[f"{name}_f1"] = figure(counter["f1_total"], counter["turn_count"])
        figures[f"{name}_turns"] = counter["turn_count"]
        group = groups["in_domain" if source in IN_DOMAIN else "out_domain"]
        group[0] += counter["em_total"]
        group[1] += counter["f1_total"]
        group[2] += counter["turn_count"]
    for name, (em_total, f1_total, turns) in groups.items():
        figures.update({f"{name}_em": figure(em_total, turns), f"{name}_f1": figure(f1_total, turns),
                        f"{name}_turns": turns})
    inside, outside = groups["in_domain"], groups["out_domain"]
    turns = inside[2] + outside[2]
    figures.update({"overall_em": figure(inside[0] + outside[0], turns),
                    "overall_f1": figure(inside[1] + outside[1], turns), "overall_turns": turns})
    return figures
