"""Per-example scoring on several cores, with exactly the numbers of one process.

:func:`score_examples_parallel` splits aligned examples into ``num_proc`` contiguous
chunks, scores each in a forked worker with :func:`qascore.scoring.score_examples` (the
code a single process runs) and joins the scores in their original order; everything
else (checks, pairing by id, thresholds, averages) stays in the calling process, so every
preset and option works and every figure is bit-identical. Use it through
``qascore.compute(..., num_proc=N)`` or ``qascore score --num-proc N``.

>>> from qascore.normalize import SquadNormalizer
>>> exact, f1 = score_examples_parallel(["Denver Broncos", "the 1990s"], [["Denver Broncos"], ["1990"]],
...                                     SquadNormalizer(), unanswerable=False, num_proc=2)
>>> exact.tolist(), f1.tolist()
([1.0, 0.0], [1.0, 0.0])
"""

from __future__ import annotations

import multiprocessing
import numbers
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from qascore.normalize import Normalizer
from qascore.scoring import score_examples

__all__ = ["check_num_proc", "score_examples_parallel"]

# What forked workers read: set by the parent just before the pool starts, inherited by fork.
_shared: Dict[str, object] = {}


def check_num_proc(num_proc) -> int:
    """``num_proc`` as an int, or a ValueError saying what it must be."""
    if isinstance(num_proc, bool) or not isinstance(num_proc, numbers.Integral) or num_proc < 1:
        raise ValueError(f"num_proc must be an integer >= 1 (the number of worker processes); got {num_proc!r}.")
    return int(num_proc)


def _chunks(length: int, parts: int) -> List[range]:
    """``parts`` contiguous, nearly equal ranges covering ``range(length)``.

    >>> _chunks(5, 2)
    [range(0, 2), range(2, 5)]
    """
    bounds = [length * part // parts for part in range(parts + 1)]
    return [range(start, stop) for start, stop in zip(bounds, bounds[1:]) if stop > start]


def _score_chunk(rows: range):
    """Worker: score the examples in ``rows``."""
    return score_examples(
        _shared["predictions"][rows.start:rows.stop],
        _shared["references"][rows.start:rows.stop],
        _shared["normalizer"],
        unanswerable=_shared["unanswerable"],
    )


def score_examples_parallel(
    predictions: Sequence[Optional[str]],
    references: Sequence[Sequence[str]],
    normalizer: Normalizer,
    *,
    unanswerable: bool,
    num_proc: int,
) -> Tuple[np.ndarray, np.ndarray]:
    """:func:`qascore.scoring.score_examples` on ``num_proc`` processes.

    Uses the ``fork`` start method (Linux, macOS), so the inputs are not copied to the
    workers; with ``num_proc=1`` or where fork is unavailable everything runs here.
    """
    chunks = _chunks(len(references), check_num_proc(num_proc))
    if len(chunks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return score_examples(predictions, references, normalizer, unanswerable=unanswerable)
    _shared.update(predictions=predictions, references=references, normalizer=normalizer, unanswerable=unanswerable)
    try:
        with multiprocessing.get_context("fork").Pool(len(chunks)) as pool:
            scored = pool.map(_score_chunk, chunks)
    finally:
        _shared.clear()
    return np.concatenate([exact for exact, _ in scored]), np.concatenate([f1 for _, f1 in scored])
