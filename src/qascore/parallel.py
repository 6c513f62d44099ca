"""Score large inputs on several cores, with exactly the numbers of :func:`qascore.compute`.

:func:`compute` splits the examples into ``num_proc`` contiguous chunks, scores each
chunk in a worker process (:func:`qascore.scoring.score_examples`, the same code
``qascore.compute`` runs), joins the per-example scores in their original order and
averages them the way ``qascore.compute`` does, so every figure is bit-identical.
Plain lists are checked by the workers, chunk by chunk; SQuAD records are paired by
id in the parent first (pairing needs every id).

Supported: the presets with v1.1 rules (squad, korquad, mlqa) and their options
(``language``, ``normalizer``, ``missing``, ``extra``, ``return_per_example``). For
squad_v2, ``inputs=`` or confidence intervals use :func:`qascore.compute`.

>>> compute(["Denver Broncos", "the 1990s"], [["Denver Broncos"], ["1990"]], num_proc=2)
{'exact_match': 50.0, 'f1': 50.0}
"""

from __future__ import annotations

import multiprocessing
import numbers
from typing import Dict, List, Optional, Sequence

from qascore.evaluation import make_options
from qascore.formats import align, to_columns
from qascore.scoring import score_examples

__all__ = ["compute"]

_UNSUPPORTED = ("confidence_level", "n_resamples", "seed", "map_abstentions", "abstentions", "no_answer_threshold")

# What forked workers read: set by the parent just before the pool starts, inherited by fork.
_shared: Dict[str, object] = {}


def _check_num_proc(num_proc) -> int:
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
    """Worker: score the examples in ``rows`` (plain lists are checked and paired here)."""
    options = _shared["options"]
    predictions, references = _shared["predictions"], _shared["references"]
    if _shared["aligned"]:
        chunk_predictions, chunk_references = predictions[rows.start:rows.stop], references[rows.start:rows.stop]
    else:
        try:
            columns = to_columns(predictions[rows.start:rows.stop], references[rows.start:rows.stop])
        except (TypeError, ValueError) as error:
            raise type(error)(f"{error} (positions count from example {rows.start}, where this chunk starts)") from None
        examples = align(columns, missing=options.missing, extra=options.extra)
        chunk_predictions, chunk_references = examples.predictions, examples.references
    empty = next((rows.start + i for i, answers in enumerate(chunk_references) if not answers), None)
    if empty is not None:
        raise ValueError(
            f"references[{empty}] has no gold answer. Preset {options.preset.name!r} has no unanswerable "
            "questions; use qascore.compute with preset 'squad_v2' to score them."
        )
    return score_examples(chunk_predictions, chunk_references, options.normalizer, unanswerable=False)


def _percent(scores: List[float]) -> float:
    """100 x the mean, summed one by one in order as the official scripts do (``f1 += ...``).

    Not ``sum()``: from Python 3.12 it compensates rounding, which moves the last digits.

    >>> _percent([1, 0.5, 0])
    50.0
    """
    total = 0
    for score in scores:
        total += score
    return 100.0 * total / len(scores)


def compute(
    predictions: Sequence,
    references: Sequence,
    *,
    num_proc: int,
    preset: str = "squad",
    **options,
) -> Dict[str, object]:
    """``qascore.compute(predictions, references, preset=preset, **options)`` on ``num_proc`` processes.

    Uses the ``fork`` start method (Linux, macOS), so the inputs are not copied to the
    workers; with ``num_proc=1`` or where fork is unavailable everything runs here.
    """
    num_proc = _check_num_proc(num_proc)
    unsupported = [name for name in _UNSUPPORTED if name in options]
    checked = make_options(preset, **options)
    if checked.preset.unanswerable or unsupported:
        raise ValueError(
            "qascore.parallel.compute supports the squad, korquad and mlqa presets with language=, normalizer=, "
            f"missing=, extra= and return_per_example=; got preset {checked.preset.name!r}"
            + (f" and {', '.join(unsupported)}" if unsupported else "")
            + ". Use qascore.compute for these."
        )
    records = bool(predictions) and isinstance(predictions[0], dict)
    if records:
        examples = align(to_columns(predictions, references), missing=checked.missing, extra=checked.extra)
        predictions, references, ids = examples.predictions, examples.references, examples.ids
    else:
        predictions, references, ids = list(predictions), list(references), None
        if len(predictions) != len(references):
            to_columns(predictions, references)  # raises the usual length-mismatch error
    if not references:
        raise ValueError("Nothing to score: pass at least one prediction and one reference.")
    _shared.update(options=checked, predictions=predictions, references=references, aligned=records)
    try:
        chunks = _chunks(len(references), num_proc)
        if num_proc == 1 or "fork" not in multiprocessing.get_all_start_methods():
            scored = [_score_chunk(chunk) for chunk in chunks]
        else:
            with multiprocessing.get_context("fork").Pool(len(chunks)) as pool:
                scored = pool.map(_score_chunk, chunks)
    finally:
        _shared.clear()
    exact = [score for chunk_exact, _ in scored for score in chunk_exact]
    f1 = [score for _, chunk_f1 in scored for score in chunk_f1]
    results: Dict[str, object] = {"exact_match": _percent(exact), "f1": _percent(f1)}
    if checked.return_per_example:
        rows = {checked.preset.exact_key: [float(score) for score in exact], "f1": [float(score) for score in f1]}
        results["per_example"] = {"id": ids, **rows} if ids is not None else rows
    return results
