"""PNG plots for a scored run: no-answer precision-recall curves and score histograms.

The precision-recall curves follow the official SQuAD v2.0 script (``evaluate-v2.0.py
--out-image-dir``): questions are sorted by no-answer score, a threshold may be placed after
each distinct score, answered questions count as true positives weighted by their EM or F1,
and the curve is drawn as a filled step plot. The three files keep the official names
(``pr_exact.png``, ``pr_f1.png``, ``pr_oracle.png``), as do the no-answer score histograms
(``na_prob_hist_hasAns.png``, ``na_prob_hist_noAns.png``); ``f1_hist.png`` adds the
distribution of per-question F1.

>>> points = precision_recall_points([1.0, 0.5, 0.0], [0.1, 0.2, 0.9], [True, True, False])
>>> points["precision"], points["recall"]
([1.0, 1.0, 0.75, 0.5], [0.0, 0.5, 0.75, 0.75])
>>> points["average_precision"]  # 100 * (1.0 * 0.5 + 0.75 * 0.25 + 0.5 * 0.0)
68.75
"""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path
from typing import IO, Sequence

from qascore.files.atomic import AtomicFiles

__all__ = [
    "precision_recall_points",
    "precision_recall_figure",
    "plot_precision_recall",
    "plot_histogram",
    "write_plots",
]

PRECISION_RECALL_TITLES = {
    "exact": "Precision-Recall curve for Exact Match score",
    "f1": "Precision-Recall curve for F1 score",
    "oracle": "Oracle Precision-Recall curve (binary task of HasAns vs. NoAns)",
}


def precision_recall_points(
    scores: Sequence[float], no_answer_scores: Sequence[float], has_answer: Sequence[bool]
) -> dict:
    """Precision and recall (0-1) at each distinct no-answer threshold, and average precision (0-100).

    ``scores`` are per-question EM or F1 (0-1) before any no-answer threshold is applied.
    """
    order = sorted(range(len(scores)), key=lambda index: no_answer_scores[index])
    answerable = sum(1 for flag in has_answer if flag)
    if answerable == 0:
        raise ValueError("No answerable question: a precision-recall curve needs at least one.")
    true_positives, precisions, recalls, average_precision = 0.0, [1.0], [0.0], 0.0
    for rank, index in enumerate(order):
        if has_answer[index]:
            true_positives += scores[index]
        precision = true_positives / (rank + 1)
        recall = true_positives / answerable
        is_last = rank == len(order) - 1
        if is_last or no_answer_scores[index] != no_answer_scores[order[rank + 1]]:
            average_precision += precision * (recall - recalls[-1])
            precisions.append(precision)
            recalls.append(recall)
    return {"precision": precisions, "recall": recalls, "average_precision": 100.0 * average_precision}


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install matplotlib (or 'qascore[space]')") from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _draw_precision_recall(axes, points: dict, title: str) -> None:
    """Draw ``points`` as the official v2.0 script does (blue filled step curve, axes to 1.05)."""
    axes.step(points["recall"], points["precision"], color="b", alpha=0.2, where="post")
    axes.fill_between(points["recall"], points["precision"], step="post", alpha=0.2, color="b")
    axes.set_xlabel("Recall")
    axes.set_ylabel("Precision")
    axes.set_xlim([0.0, 1.05])
    axes.set_ylim([0.0, 1.05])
    axes.set_title(f"{title} (AP {points['average_precision']:.2f})")


def _save(figure, target: str | os.PathLike | IO[bytes]) -> None:
    """Save ``figure`` as PNG to a path or a binary file, then let pyplot forget it."""
    try:
        figure.savefig(target, format="png")
    finally:
        _pyplot().close(figure)


def _precision_recall_single(points: dict, *, title: str):
    figure, axes = _pyplot().subplots()
    _draw_precision_recall(axes, points, title)
    return figure


def plot_precision_recall(points: dict, path: str | os.PathLike, *, title: str) -> Path:
    """Save one precision-recall curve as a PNG file."""
    _save(_precision_recall_single(points, title=title), path)
    return Path(path)


def precision_recall_figure(
    *, exact: Sequence[float], f1: Sequence[float], no_answer_scores: Sequence[float], has_answer: Sequence[bool]
):
    """A matplotlib figure with the EM, F1 and oracle precision-recall curves side by side."""
    plt = _pyplot()
    oracle = [1.0 if flag else 0.0 for flag in has_answer]
    figure, all_axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for axes, (name, scores) in zip(all_axes, (("exact", exact), ("f1", f1), ("oracle", oracle))):
        points = precision_recall_points(scores, no_answer_scores, has_answer)
        _draw_precision_recall(axes, points, PRECISION_RECALL_TITLES[name].replace(" (binary", "\n(binary"))
    figure.tight_layout()
    plt.close(figure)  # the caller renders or saves it; pyplot need not keep it
    return figure


def _histogram(values: Sequence[float], *, title: str, xlabel: str):
    low, high = min(values), max(values)
    value_range = (0.0, 1.0) if 0.0 <= low and high <= 1.0 else (low, high)
    figure, axes = _pyplot().subplots()
    axes.hist(values, weights=[1.0 / len(values)] * len(values), bins=20, range=value_range)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("Proportion of dataset")
    axes.set_title(title)
    return figure


def plot_histogram(values: Sequence[float], path: str | os.PathLike, *, title: str, xlabel: str) -> Path:
    """Histogram of ``values`` as proportions of the questions (20 bins; 0-1 when the values fit)."""
    _save(_histogram(values, title=title, xlabel=xlabel), path)
    return Path(path)


def _no_answer_kind(no_answer_scores: Sequence[float]) -> str:
    """"probability" when every finite score is in [0, 1], else "score" (logits, log-odds).

    Infinite scores stand for questions without a prediction and say nothing of the scale.

    >>> _no_answer_kind([0.2, 1.0, float("-inf")]), _no_answer_kind([0.2, -3.5])
    ('probability', 'score')
    """
    finite = [score for score in no_answer_scores if math.isfinite(score)]
    return "probability" if all(0.0 <= score <= 1.0 for score in finite) else "score"


def write_plots(
    directory: str | os.PathLike,
    *,
    scored_f1: Sequence[float],
    exact: Sequence[float],
    f1: Sequence[float],
    has_answer: Sequence[bool] | None = None,
    no_answer_scores: Sequence[float] | None = None,
    files: AtomicFiles | None = None,
) -> list[Path]:
    """Write every plot the inputs allow into ``directory`` (made if missing); return the files written.

    ``scored_f1`` are the per-question F1 scores (0-1) behind the reported F1 (after any
    no-answer threshold), for the F1 histogram. ``exact`` and ``f1`` are the raw scores before
    the threshold; with ``has_answer`` and ``no_answer_scores`` (SQuAD v2.0 style runs) they give
    the precision-recall curves and the no-answer score histograms (their axis says
"probability" when every score is in [0, 1], "score" otherwise, as for logits). An
infinite no-answer score (a question without a prediction) is left out of the histograms.

    The files are staged in ``files`` (:class:`~qascore.files.atomic.AtomicFiles`; they appear
    when its ``with`` block ends, with the caller's other outputs), or by default renamed into
    place once every plot is drawn: an error leaves no plot behind.
    """
    directory = Path(directory)
    written: list[Path] = []
    with AtomicFiles() if files is None else contextlib.nullcontext(files) as staged:

        def save(name: str, figure) -> None:
            with staged.open(directory / name, binary=True) as handle:
                _save(figure, handle)
            written.append(directory / name)

        save("f1_hist.png", _histogram(scored_f1, title="Histogram of per-question F1", xlabel="F1"))
        if no_answer_scores is None or has_answer is None:
            return written
        if any(has_answer):
            oracle = [1.0 if flag else 0.0 for flag in has_answer]
            for name, scores in (("exact", exact), ("f1", f1), ("oracle", oracle)):
                points = precision_recall_points(scores, no_answer_scores, has_answer)
                save(f"pr_{name}.png", _precision_recall_single(points, title=PRECISION_RECALL_TITLES[name]))
        kind = _no_answer_kind(no_answer_scores)
        for flag, name in ((True, "hasAns"), (False, "noAns")):
            values = [score for score, answerable in zip(no_answer_scores, has_answer)
                      if answerable == flag and math.isfinite(score)]  # -inf: a question without a prediction
            if values:
                title = f"Histogram of no-answer {kind}: {name}"
                save(f"na_prob_hist_{name}.png", _histogram(values, title=title, xlabel=f"Model {kind} of no-answer"))
    return written
