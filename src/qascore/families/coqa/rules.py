"""CoQA's turn scores and domain figures, as ``evaluate-v1.0.py`` computes them, on arrays.

Every (turn, gold answer) pair gets SQuAD's EM and the script's F1 (1 when prediction and
gold both normalise to nothing, 0 when only one does) in one pass over arrays
(:mod:`qascore.scoring.tokens` counts the overlaps). A turn with several golds then scores
the mean, over leaving each gold out, of the best of the others; with one gold, that gold's
score. The sums run in the script's order (each leave-one-out term in turn, each turn in
data order within its source, the sources in the script's order), so the figures have the
script's bits.

>>> exact, f1 = turn_scores(["Paris", "unknown"], [["Paris", "Rome", "Rome", "Lyon"], ["unknown"]])
>>> exact.tolist(), f1.tolist()
([0.75, 1.0], [0.75, 1.0])
"""

from __future__ import annotations

from itertools import chain
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from qascore.normalize import SquadNormalizer
from qascore.scoring.tokens import TokenTable

__all__ = ["pair_scores", "turn_scores", "domain_figures"]

IN_DOMAIN = ("mctest", "gutenberg", "race", "cnn", "wikipedia")
OUT_DOMAIN = ("reddit", "science")
DOMAIN_NAMES = {"mctest": "children_stories", "gutenberg": "literature", "race": "mid-high_school", "cnn": "news",
                "wikipedia": "wikipedia", "science": "science", "reddit": "reddit"}


def pair_scores(predictions: List[str], golds: List[str]) -> Tuple[np.ndarray, np.ndarray]:
    """EM (0/1) and F1 of each (prediction, gold) pair, with the script's empty-answer rule."""
    normalizer = SquadNormalizer()
    table = TokenTable(normalizer.normalize_many(list(predictions) + list(golds)), normalizer.tokenize)
    predicted, gold = table.string_of_text[:len(predictions)], table.string_of_text[len(predictions):]
    exact = (predicted == gold).astype(np.float64)
    predicted_length, gold_length = table.lengths[predicted], table.lengths[gold]
    same = table.overlap(predicted, gold)
    f1 = np.zeros(len(predictions))
    empty = (predicted_length == 0) | (gold_length == 0)
    f1[empty] = (predicted_length[empty] == 0) & (gold_length[empty] == 0)
    overlapping = ~empty & (same > 0)
    precision = 1.0 * same[overlapping] / predicted_length[overlapping]
    recall = 1.0 * same[overlapping] / gold_length[overlapping]
    f1[overlapping] = (2 * precision * recall) / (precision + recall)
    return exact, f1


def _leave_one_out(scores: np.ndarray, golds: np.ndarray) -> np.ndarray:
    """``scores`` is turns x most golds (-inf past each turn's golds): the script's turn score."""
    total = np.zeros(len(scores))
    for left_out in range(scores.shape[1]):
        others = scores.copy()
        others[:, left_out] = -np.inf
        total += np.where(left_out < golds, others.max(axis=1), 0.0)  # adding 0.0 leaves a sum as it was
    single = golds == 1
    total[single] = scores[single, 0]
    return total / np.maximum(1, golds)


def turn_scores(predictions: Sequence[Optional[str]], golds: Sequence[Sequence[str]]):
    """Each turn's EM and F1 (0-1); a prediction of None (missing) scores 0."""
    counts = np.fromiter(map(len, golds), dtype=np.int64, count=len(golds))
    exact, f1 = np.zeros(len(golds)), np.zeros(len(golds))
    answered = np.flatnonzero([prediction is not None for prediction in predictions])
    if not len(answered):
        return exact, f1
    counts_answered = counts[answered]
    pair_exact, pair_f1 = pair_scores(list(chain.from_iterable([predictions[turn]] * len(golds[turn])
                                                               for turn in answered.tolist())),
                                      list(chain.from_iterable(golds[turn] for turn in answered.tolist())))
    width = int(counts_answered.max())
    rows = np.repeat(np.arange(len(answered)), counts_answered)
    columns = np.arange(len(rows)) - np.repeat(np.cumsum(counts_answered) - counts_answered, counts_answered)
    for pairs, out in ((pair_exact, exact), (pair_f1, f1)):
        grid = np.full((len(answered), width), -np.inf)
        grid[rows, columns] = pairs
        out[answered] = _leave_one_out(grid, counts_answered)
    return exact, f1


def _total(values: np.ndarray) -> float:
    """The sum in order, as the script's ``+=`` loop adds (``np.add.reduce`` would add pairwise)."""
    return float(np.add.accumulate(values)[-1]) if len(values) else 0.0


def domain_figures(exact: np.ndarray, f1: np.ndarray, sources: Optional[Sequence[str]], *,
                   rounded: bool = True) -> Dict[str, float]:
    """The script's figures: per source, in-domain, out-of-domain and overall EM/F1 (x100, one
    decimal) and turns. Without sources, only the overall figures (summed in turn order)."""
    def figure(total: float, turns: int) -> float:
        value = total / max(1, turns) * 100
        return round(value, 1) if rounded else value

    if sources is None:
        return {"overall_em": figure(_total(exact), len(exact)), "overall_f1": figure(_total(f1), len(f1)),
                "overall_turns": len(exact)}
    sources = np.asarray(sources)
    figures: Dict[str, float] = {}
    groups = {"in_domain": [0.0, 0.0, 0], "out_domain": [0.0, 0.0, 0]}
    for source in IN_DOMAIN + OUT_DOMAIN:
        chosen = sources == source
        em_total, f1_total, turns = _total(exact[chosen]), _total(f1[chosen]), int(chosen.sum())
        name = DOMAIN_NAMES[source]
        figures.update({f"{name}_em": figure(em_total, turns), f"{name}_f1": figure(f1_total, turns),
                        f"{name}_turns": turns})
        group = groups["in_domain" if source in IN_DOMAIN else "out_domain"]
        group[0] += em_total
        group[1] += f1_total
        group[2] += turns
    for name, (em_total, f1_total, turns) in groups.items():
        figures.update({f"{name}_em": figure(em_total, turns), f"{name}_f1": figure(f1_total, turns),
                        f"{name}_turns": turns})
    inside, outside = groups["in_domain"], groups["out_domain"]
    turns = inside[2] + outside[2]
    figures.update({"overall_em": figure(inside[0] + outside[0], turns),
                    "overall_f1": figure(inside[1] + outside[1], turns), "overall_turns": turns})
    return figures
