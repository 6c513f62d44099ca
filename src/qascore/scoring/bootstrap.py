"""Seeded percentile-bootstrap confidence intervals for mean scores, vectorised with numpy.

>>> low, high = confidence_interval([1.0, 0.0, 1.0, 1.0], confidence_level=0.9, n_resamples=200, seed=0)
>>> 0.0 <= low <= 75.0 <= high <= 100.0
True
"""

from __future__ import annotations

import numbers
from typing import Sequence, Tuple

import numpy as np

__all__ = ["MAX_RESAMPLES", "check_n_resamples", "confidence_interval", "resample_means"]

_MAX_CELLS = 4_000_000  # resamples x examples drawn at once, to bound memory

#: The most bootstrap resamples accepted: their means take 8 MB, and the interval's Monte
#: Carlo error is long below the score's own sampling error (1,000-10,000 are usual).
MAX_RESAMPLES = 1_000_000


def check_n_resamples(value) -> int:
    """``value`` as an int between 1 and :data:`MAX_RESAMPLES`, or a ValueError saying so.

    >>> check_n_resamples(10**12)
    Traceback (most recent call last):
    ...
    ValueError: n_resamples must be an integer from 1 to 1000000 (e.g. 1000); got 1000000000000.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= value <= MAX_RESAMPLES:
        raise ValueError(f"n_resamples must be an integer from 1 to {MAX_RESAMPLES} (e.g. 1000); got {value!r:.60}.")
    return int(value)


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
    scores: Sequence[float], *, confidence_level: float, n_resamples: int, seed: int, scale: float = 100.0
) -> Tuple[float, float]:
    """Percentile bootstrap interval for the mean of per-example ``scores``, times ``scale``
    (100 for figures in percent, 1 for fractions)."""
    means = scale * resample_means(scores, n_resamples=n_resamples, seed=seed)
    tail = (1.0 - confidence_level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)
