"""Seeded percentile-bootstrap confidence intervals for mean scores, vectorised with numpy.

>>> low, high = confidence_interval([1.0, 0.0, 1.0, 1.0], confidence_level=0.9, n_resamples=200, seed=0)
>>> 0.0 <= low <= 75.0 <= high <= 100.0
True
"""

from __future__ import annotations

from typing import Sequence, Tuple

import numpy as np

__all__ = ["confidence_interval", "resample_means"]

_MAX_CELLS = 4_000_000  # resamples x examples drawn at once, to bound memory


def resample_means(scores: Sequence[float], *, n_resamples: int, seed: int) -> np.ndarray:
    """Means of ``n_resamples`` bootstrap resamples (with replacement) of ``scores``, drawn in chunks."""
    values = np.asarray(scores, dtype=np.float64)
    size = len(values)
    rng = np.random.default_rng(seed)
    chunk = max(1, _MAX_CELLS // size)
    means = np.empty(n_resamples, dtype=np.float64)
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        indices = rng.integers(0, size, size=(stop - start, size))
        means[start:stop] = values[indices].mean(axis=1)
    return means


def confidence_interval(
    scores: Sequence[float], *, confidence_level: float, n_resamples: int, seed: int
) -> Tuple[float, float]:
    """Percentile bootstrap interval (0-100) for the mean of per-example ``scores``."""
    means = 100.0 * resample_means(scores, n_resamples=n_resamples, seed=seed)
    tail = (1.0 - confidence_level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)
