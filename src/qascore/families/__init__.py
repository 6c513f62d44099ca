"""Preset families: official scorers whose rules are not SQuAD's EM/F1 over gold strings.

The SQuAD-style presets (squad, squad_v2, korquad, mlqa) run through qascore's array
scorer (:mod:`qascore.scoring`). Every other preset names a *family* in its
:class:`qascore.presets.Preset` row: one module in this folder that knows its benchmark's
inputs, rules, result keys and files, and provides a :class:`Family`.
:func:`qascore.compute`, :class:`qascore.QAScorer`, the evaluate module, the command line
and the Space all go through :func:`compute_family` and :func:`score_family_files`, so
they agree.

Adding a family means: a module here with a ``FAMILY`` attribute, one line in
:data:`FAMILY_MODULES`, and its presets as rows of :data:`qascore.presets.PRESETS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence

import numpy as np

from qascore.cyclic_gc import cyclic_gc_paused
from qascore.scoring.bootstrap import resample_means

__all__ = ["Family", "PerQuestion", "FAMILY_MODULES", "get_family", "compute_family", "score_family_files"]

#: Family name -> the module that defines its ``FAMILY``, imported on first use.
FAMILY_MODULES: Dict[str, str] = {
    "drop": "qascore.families.drop",
    "hotpotqa": "qascore.families.hotpotqa",
    "coqa": "qascore.families.coqa",
}


@dataclass
class PerQuestion:
    """A family's per-question scores, in the order of its inputs.

    Attributes:
        scores: per-question score arrays under the results' own key names (e.g.
            ``{"em": ..., "f1": ...}``), on the scale of :attr:`Family.scale`'s keys. These
            are what ``return_per_example`` lists and ``confidence_level`` resamples.
        ids: the question ids, or None for plain lists.
        details: anything else :attr:`Family.summarize` needs (answer types, domains, ...).
    """

    scores: Dict[str, np.ndarray]
    ids: Optional[List[str]] = None
    details: Dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Family:
    """The rules of one family of official scorers.

    Attributes:
        name: the family's name (the ``family`` of its presets).
        score: ``score(predictions, references, inputs, options) -> PerQuestion``; checks
            its inputs where they enter (a ValueError/TypeError saying how to fix them)
            and scores every question.
        summarize: ``summarize(per_question, options) -> dict``: the official script's
            figures under the script's own key names.
        read_files: ``read_files(data, predictions, options, duplicate_keys=, overridden=)
            -> (predictions, references, ids, counts)``: the benchmark's own files, paired
            the way its official script pairs them; ``counts`` has at least ``questions``,
            ``predicted``, ``missing``, ``extra``, ``missing_ids`` and ``extra_ids``.
        features: ``features(preset) -> datasets.Features``: the evaluate module's input
            features for this family (imported lazily, so ``datasets`` stays optional).
        interval_scale: ``{score key: factor}``: per-question score keys the interval and
            per-example options apply to, and the factor from a per-question mean to the
            reported figure (100 for percentages, 1 for fractions).
    """

    name: str
    score: Callable[..., PerQuestion]
    summarize: Callable[..., Dict[str, object]]
    read_files: Callable[..., tuple]
    features: Callable[..., object]
    interval_scale: Mapping[str, float]


def get_family(name: str) -> Family:
    """The family called ``name`` (its module is imported on first use)."""
    if name not in FAMILY_MODULES:
        raise ValueError(f"Unknown preset family {name!r}; known: {', '.join(FAMILY_MODULES) or 'none'}.")
    return importlib.import_module(FAMILY_MODULES[name]).FAMILY


def compute_family(predictions: Sequence, references: Sequence, inputs: Optional[Sequence], options) -> dict:
    """Score with a family preset's rules; add intervals and per-example scores when asked.

    ``options`` are checked :class:`qascore.options.Options` whose preset has a family.
    """
    family = get_family(options.preset.family)
    with cyclic_gc_paused():  # scoring builds several objects per question, none in a cycle
        per_question = family.score(predictions, references, inputs, options)
        results = family.summarize(per_question, options)
    if options.confidence_level is not None:
        tail = (1.0 - options.confidence_level) / 2.0
        for name, scale in family.interval_scale.items():
            means = scale * resample_means(per_question.scores[name], n_resamples=options.n_resamples,
                                           seed=options.seed)
            low, high = np.quantile(means, [tail, 1.0 - tail])
            results[f"{name}_ci_low"], results[f"{name}_ci_high"] = float(low), float(high)
    if options.return_per_example:
        rows = {name: [float(score) for score in per_question.scores[name]] for name in family.interval_scale}
        results["per_example"] = {"id": per_question.ids, **rows} if per_question.ids is not None else rows
    return results


def score_family_files(data, predictions, options, *, given: dict, duplicate_keys: str = "error",
                       strict: bool = False, keep_examples: bool = True) -> dict:
    """:func:`qascore.files.score.score_files` for a family preset: its benchmark's own files.

    ``options`` are the checked options, ``given`` the keywords they were made from.
    Returns the same keys as ``score_files`` (``results``, ``counts``, ``examples``, ...);
    ``examples`` is None unless ``keep_examples``.
    """
    from qascore.files.score import check_coverage
    from qascore.pairing import Examples

    family = get_family(options.preset.family)
    overridden: dict = {}
    # one pause for the whole run, and the files' objects freed before the collector is back on
    with cyclic_gc_paused():
        predicted, references, ids, counts = family.read_files(
            data, predictions, options, duplicate_keys=duplicate_keys, overridden=overridden
        )
        if duplicate_keys == "last":
            counts["overridden"] = overridden
        check_coverage(counts, data=data, predictions=predictions, strict=strict)
        results = compute_family(predicted, references, None, options)
        examples = Examples(predictions=predicted, references=references, ids=ids) if keep_examples else None
        del predicted, references, ids
    return {"results": results, "signature": options.signature(), "counts": counts, "no_answer": None,
            "examples": examples, "scored": None, "options": given}
