"""Scoring on several processes, with exactly the numbers of one process.

:func:`score_in_processes` splits the questions into ``num_proc`` contiguous slices and
runs stage one (:func:`qascore.scoring.results.score_aligned`: EM, F1 and the other per-question
facts) on each slice in a forked worker. The parent joins the slices' arrays in their
original order, and the results are computed from them exactly as in one process, so
every preset and option works and every figure is bit-identical.

- Plain lists are paired by position, so each worker also checks and pairs its own slice
  and the parent only hands out the bounds: nearly all the work runs in parallel.
- SQuAD records are paired by id over the whole input first, in the parent; examples
  already paired (as :mod:`qascore.files.score` pairs files) go to
  :func:`score_aligned_in_processes` directly.

When a worker finds bad input, the parent scores the whole input in one process, which
raises the error with its true position. Use it through ``qascore.compute(..., num_proc=N)``
or ``qascore score --num-proc N``.

>>> from qascore.api import make_options
>>> scored = score_in_processes(["Denver Broncos", "the 1990s"], [["Denver Broncos"], ["1990"]],
...                             options=make_options("squad"), num_proc=2)
>>> list(scored.exact), list(scored.f1)
([1.0, 0.0], [1.0, 0.0])
"""

from __future__ import annotations

import multiprocessing
import numbers
from typing import Dict, List, Optional, Sequence

from qascore.records import Examples, align, layout_of, to_columns
from qascore.scoring.results import ScoredExamples, score_aligned

__all__ = ["check_num_proc", "score_in_processes", "score_aligned_in_processes"]

# What forked workers read: set by the parent just before the pool starts, inherited by fork.
_shared: Dict[str, object] = {}


def check_num_proc(num_proc) -> int:
    """``num_proc`` as an int, or a ValueError saying what it must be."""
    if isinstance(num_proc, bool) or not isinstance(num_proc, numbers.Integral) or num_proc < 1:
        raise ValueError(f"num_proc must be an integer >= 1 (the number of worker processes); got {num_proc!r}.")
    return int(num_proc)


def _slices(length: int, parts: int) -> List[slice]:
    """``parts`` contiguous, nearly equal slices of ``range(length)``; the last one is open-ended.

    The last slice reaches to the end of every column, so a column longer than the others
    shows up as a length mismatch in the last worker instead of being cut off.

    >>> _slices(5, 2)
    [slice(0, 2, None), slice(2, None, None)]
    """
    bounds = [length * part // parts for part in range(parts + 1)]
    pieces = [slice(start, stop) for start, stop in zip(bounds, bounds[1:]) if stop > start]
    if pieces:
        pieces[-1] = slice(pieces[-1].start, None)
    return pieces


def _cut(values: Optional[Sequence], piece: slice):
    return None if values is None else values[piece]


def _score_plain_slice(piece: slice) -> ScoredExamples:
    """Worker: check, pair and score one slice of plain lists."""
    columns = to_columns(
        _shared["predictions"][piece], _shared["references"][piece],
        inputs=_cut(_shared["inputs"], piece), no_answer_probabilities=_cut(_shared["no_answer_probabilities"], piece),
    )
    options = _shared["options"]
    return score_aligned(align(columns, missing=options.missing, extra=options.extra), options)


def _score_aligned_slice(piece: slice) -> ScoredExamples:
    """Worker: score one slice of examples already paired by id (their ids stay with the parent)."""
    examples: Examples = _shared["examples"]
    part = Examples(
        predictions=examples.predictions[piece], references=examples.references[piece], ids=None,
        no_answer_probabilities=_cut(examples.no_answer_probabilities, piece), inputs=_cut(examples.inputs, piece),
        no_answer_order=_cut(examples.no_answer_order, piece),
    )
    return score_aligned(part, _shared["options"])


def _is_plain(predictions, references) -> bool:
    """True for lists in the plain layout (paired by position), False for records or other containers."""
    return (
        isinstance(predictions, (list, tuple)) and isinstance(references, (list, tuple))
        and layout_of(predictions, references) == "plain"
    )


def score_in_processes(
    predictions: Sequence,
    references: Sequence,
    *,
    options,
    num_proc: int,
    inputs: Optional[Sequence[str]] = None,
    no_answer_probabilities: Optional[Sequence[float]] = None,
) -> ScoredExamples:
    """Stage one of :func:`qascore.compute` on ``num_proc`` forked processes.

    Uses the ``fork`` start method (Linux, macOS), so the inputs are not copied to the
    workers; with one process, or where fork is unavailable, everything runs here.
    """
    raw = dict(predictions=predictions, references=references, inputs=inputs,
               no_answer_probabilities=no_answer_probabilities)
    num_proc = check_num_proc(num_proc)
    if not _can_fork(num_proc):
        return _score_here(raw, options)
    if not _is_plain(predictions, references):
        examples = align(to_columns(**raw), missing=options.missing, extra=options.extra)
        return score_aligned_in_processes(examples, options=options, num_proc=num_proc)
    parts = _map_slices(_score_plain_slice, len(references), num_proc, dict(raw, options=options))
    if parts is None:
        return _score_here(raw, options)  # raises the same error, at its position in the whole input
    return _joined(parts)


def score_aligned_in_processes(examples: Examples, *, options, num_proc: int) -> ScoredExamples:
    """:func:`qascore.scoring.results.score_aligned` of examples already paired, on ``num_proc`` processes.

    >>> from qascore.api import make_options
    >>> examples = Examples(predictions=["Paris", None], references=[["Paris"], ["Rome"]], ids=["q1", "q2"])
    >>> scored = score_aligned_in_processes(examples, options=make_options("squad"), num_proc=2)
    >>> list(scored.f1), scored.ids
    ([1.0, 0.0], ['q1', 'q2'])
    """
    num_proc = check_num_proc(num_proc)
    if not _can_fork(num_proc):
        return score_aligned(examples, options)
    parts = _map_slices(_score_aligned_slice, len(examples), num_proc, dict(examples=examples, options=options))
    if parts is None:
        return score_aligned(examples, options)  # raises the same error, naming the whole input's ids
    scored = _joined(parts)
    scored.ids = examples.ids
    return scored


def _can_fork(num_proc: int) -> bool:
    return num_proc > 1 and "fork" in multiprocessing.get_all_start_methods()


def _map_slices(worker, length: int, num_proc: int, shared: Dict[str, object]) -> Optional[List[ScoredExamples]]:
    """``worker`` on each slice of ``range(length)`` in a forked pool; None if a worker found bad input."""
    pieces = _slices(length, num_proc)
    _shared.update(shared)
    try:
        with multiprocessing.get_context("fork").Pool(max(1, len(pieces))) as pool:
            return pool.map(worker, pieces)
    except (TypeError, ValueError):
        return None
    finally:
        _shared.clear()


def _joined(parts: List[ScoredExamples]) -> ScoredExamples:
    scored = ScoredExamples.empty()
    for part in parts:
        scored.extend(part)
    return scored


def _score_here(raw: Dict[str, Optional[Sequence]], options) -> ScoredExamples:
    return score_aligned(align(to_columns(**raw), missing=options.missing, extra=options.extra), options)
