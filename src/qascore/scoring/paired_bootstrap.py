"""Paired bootstrap comparison of two QA systems scored on the same questions.

Both systems' per-question scores are resampled with the *same* question indices, so the
spread of the difference reflects only how the systems differ, not how hard the sampled
questions are (Koehn 2004; Berg-Kirkpatrick et al. 2012). The p-value is two-sided: the share
of resampled differences, shifted to be centred on zero (the null hypothesis of no difference),
that are at least as far from zero as the observed difference. Its resolution is
``1 / n_resamples``: a p-value of 0 means below that, not zero.

The means of A and B are added as :func:`qascore.compute` adds them (left to right, then
``100 * total / count``), so they equal its figures for the same per-question scores to the
last digit.

>>> a = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
>>> b = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
>>> result = paired_bootstrap(a, b, n_resamples=2000, seed=0)
>>> result["difference"]
37.5
>>> result["ci_low"] <= 37.5 <= result["ci_high"]
True
>>> 0.0 <= result["p_value"] < 0.1, result["p_value_resolution"]
(True, 0.0005)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from qascore.scoring.bootstrap import check_n_resamples, resample_means
from qascore.scoring.results import RunningTotals

__all__ = ["paired_bootstrap"]


def paired_bootstrap(
    scores_a: Sequence[float],
    scores_b: Sequence[float],
    *,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    seed: int = 0,
) -> dict:
    """Compare per-question scores (0-1) of system A and system B on the same questions.

    Returns means and the difference B - A on the 0-100 scale: ``{"a", "b", "difference",
    "ci_low", "ci_high", "p_value", "p_value_resolution", "confidence_level", "n_resamples",
    "count"}``; ``difference`` is ``b - a`` as reported, and ``p_value_resolution`` is
    ``1 / n_resamples``, the smallest non-zero p-value the resamples can give.
    """
    a = np.asarray(scores_a, dtype=np.float64)
    b = np.asarray(scores_b, dtype=np.float64)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(
            f"Got {a.size} scores for system A and {b.size} for system B; both must score the same questions."
        )
    if a.size == 0:
        raise ValueError("No questions to compare; give at least one per-question score per system.")
    if not 0.0 < confidence_level < 1.0:
        raise ValueError(f"confidence_level must be between 0 and 1 (e.g. 0.95), got {confidence_level!r}.")
    n_resamples = check_n_resamples(n_resamples)

    differences = b - a
    observed = float(differences.mean())
    resampled = resample_means(differences, n_resamples=n_resamples, seed=seed)
    tail = (1.0 - confidence_level) / 2.0
    low, high = np.quantile(resampled, [tail, 1.0 - tail])
    # Shift the bootstrap distribution onto the null (mean difference 0) and count how often
    # it lands at least as far out as what was observed.
    centred = resampled - observed
    p_value = float(np.mean(np.abs(centred) >= abs(observed) - 1e-12))
    totals = RunningTotals()
    totals.add("a", a)
    totals.add("b", b)
    return {
        "a": totals.percent("a"),
        "b": totals.percent("b"),
        "difference": totals.percent("b") - totals.percent("a"),
        "ci_low": 100.0 * float(low),
        "ci_high": 100.0 * float(high),
        "p_value": p_value,
        "p_value_resolution": 1.0 / n_resamples,
        "confidence_level": confidence_level,
        "n_resamples": n_resamples,
        "count": int(a.size),
    }

