"""Preset families: official scorers whose rules are not SQuAD's EM/F1 over gold strings.

The SQuAD-style presets (squad, squad_v2, korquad, mlqa) run through qascore's array
scorer (:mod:`qascore.scoring`). Every other preset names a *family* in its
:class:`qascore.presets.Preset` row: one module in this folder that knows its benchmark's
inputs, rules, result keys and files, and provides a :class:`Family`.
:func:`qascore.compute`, :class:`qascore.QAScorer`, the evaluate module, the command line
and the Space all go through :func:`compute_family` and :func:`score_family_files`, so
they agree.

Any family whose predictions are strings and references gold-answer lists also gets the
opt-in lenient and extraction keys (``lenient=``, ``extract_answers=True``; see
:mod:`qascore.answer_keys`) from :func:`compute_family`, with no code of its own.

Adding a family means: a module here with a ``FAMILY`` attribute, one line in
:data:`FAMILY_MODULES`, and its presets as rows of :data:`qascore.presets.PRESETS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence

import numpy as np

from qascore.answer_keys import add_answer_keys, answer_scores, extract
from qascore.cyclic_gc import cyclic_gc_paused
from qascore.scoring.bootstrap import confidence_interval

__all__ = ["Family", "PerQuestion", "checked_prediction", "is_string_list",
           "FAMILY_MODULES", "get_family", "family_options", "compute_family",
           "score_family_files"]

#: Family name -> the module that defines its ``FAMILY``, imported on first use.
FAMILY_MODULES: Dict[str, str] = {
    "cmrc2018": "qascore.families.cmrc2018",
    "jsquad": "qascore.families.jsquad",
    "mrqa": "qascore.families.mrqa",
    "orqa": "qascore.families.orqa",
    "triviaqa": "qascore.families.triviaqa",
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
            reported figure (100 for percentages, 1 for fractions). The opt-in lenient and
            extraction keys use the factor these share (100 when they differ).
        check_options: ``check_options(preset, given) -> dict``: the values of the preset's
            :attr:`qascore.presets.Preset.family_options` (``given``: each name's keyword, None
            when left out), checked, with defaults filled in; None if the family takes none.
        file_figures: ``file_figures(counts) -> dict``: figures of a files run that only the
            files know (TriviaQA's ``pred_len`` counts predictions for unknown keys too); they
            replace the summary's values. None if there are none.
    """

    name: str
    score: Callable[..., PerQuestion]
    summarize: Callable[..., Dict[str, object]]
    read_files: Callable[..., tuple]
    features: Callable[..., object]
    interval_scale: Mapping[str, float]
    check_options: Optional[Callable[..., Dict[str, object]]] = None
    file_figures: Optional[Callable[[dict], Dict[str, object]]] = None


def is_string_list(values) -> bool:
    """True for a list or tuple of strings (``str.join`` checks the items in C).

    >>> is_string_list(["Paris", "Rome"]), is_string_list(("a", 1)), is_string_list("Paris")
    (True, False, False)
    """
    if not isinstance(values, (list, tuple)):
        return False
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def checked_prediction(value, where: str, options) -> Optional[str]:
    """One text prediction of a family preset (``where`` names it in errors): its text, or None
    (no prediction) when ``options.missing == "zero"``.

    >>> from qascore.options import make_options
    >>> checked_prediction(3, "prediction 0", make_options("nq_open"))
    Traceback (most recent call last):
    ...
    TypeError: prediction 0 must be a string (the predicted answer); got 3.
    """
    if value is None:
        if options.missing != "zero":
            raise ValueError(f"{where} is None (no prediction); predict every question, or pass missing='zero' "
                             "to score it 0 as the official script does.")
        return None
    if not isinstance(value, str):
        raise TypeError(f"{where} must be a string (the predicted answer); got {value!r:.60}.")
    return value


def get_family(name: str) -> Family:
    """The family called ``name`` (its module is imported on first use)."""
    if name not in FAMILY_MODULES:
        raise ValueError(f"Unknown preset family {name!r}; known: {', '.join(FAMILY_MODULES) or 'none'}.")
    return importlib.import_module(FAMILY_MODULES[name]).FAMILY


def family_options(preset, given: Mapping[str, object]) -> Dict[str, object]:
    """The checked family options of ``preset`` from ``given`` (option name -> keyword, None if left out).

    An option given to a preset that does not take it is refused, naming the presets that do.
    """
    from qascore.presets import PRESETS

    for name, value in given.items():
        if value is not None and name not in preset.family_options:
            takers = [row.name for row in PRESETS.values() if name in row.family_options]
            raise ValueError(f"{name}= applies to preset{'s' if len(takers) > 1 else ''} {', '.join(takers)}, "
                             f"not to {preset.name!r}.")
    if not preset.family_options:
        return {}
    family = get_family(preset.family)
    taken = {name: given.get(name) for name in preset.family_options}
    return dict(family.check_options(preset, taken)) if family.check_options else taken


def compute_family(predictions: Sequence, references: Sequence, inputs: Optional[Sequence], options, *,
                   ids: Optional[List[str]] = None) -> dict:
    """Score with a family preset's rules; add intervals and per-example scores when asked.

    ``options`` are checked :class:`qascore.options.Options` whose preset has a family;
    ``ids`` name the questions in the per-example lists when the inputs carry none (files).
    """
    family = get_family(options.preset.family)
    with cyclic_gc_paused():  # scoring builds several objects per question, none in a cycle
        if options.adds_answer_keys:
            gold = _gold_answer_lists(predictions, references, options)
            predictions, found = extract(predictions, options)
        per_question = family.score(predictions, references, inputs, options)
        results = family.summarize(per_question, options)
    if options.confidence_level is not None:
        for name, scale in family.interval_scale.items():
            results[f"{name}_ci_low"], results[f"{name}_ci_high"] = confidence_interval(
                per_question.scores[name], confidence_level=options.confidence_level,
                n_resamples=options.n_resamples, seed=options.seed, scale=scale)
    if options.return_per_example:
        rows = {name: [float(score) for score in per_question.scores[name]] for name in family.interval_scale}
        ids = per_question.ids if per_question.ids is not None else ids
        results["per_example"] = {"id": list(ids), **rows} if ids is not None else rows
    if options.adds_answer_keys:
        factors = set(family.interval_scale.values())
        scale = factors.pop() if len(factors) == 1 else 100.0
        results = add_answer_keys(results, answer_scores(predictions, gold, found, options), options, scale=scale)
    return results


def _gold_answer_lists(predictions: Sequence, references: Sequence, options) -> List[List[str]]:
    """The references as lists of gold strings, for the lenient and extraction keys; a TypeError
    when a family's inputs are not answer strings (span lists, records, ...)."""
    if not all(prediction is None or isinstance(prediction, str) for prediction in predictions):
        raise TypeError(f"lenient= and extract_answers= score answer strings; the {options.preset.name} preset's "
                        "predictions here are not all strings (or None).")
    gold = [[reference] if isinstance(reference, str) else reference for reference in references]
    if not all(isinstance(answers, (list, tuple)) and all(isinstance(text, str) for text in answers)
               for answers in gold):
        raise TypeError(f"lenient= and extract_answers= need each reference as a list of gold answer strings; the "
                        f"{options.preset.name} preset's references here are not.")
    return gold


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
        results = compute_family(predicted, references, None, options, ids=ids)
        if family.file_figures is not None:
            results.update(family.file_figures(counts))
        examples = Examples(predictions=predicted, references=references, ids=ids) if keep_examples else None
        del predicted, references, ids
    return {"results": results, "signature": options.signature(), "counts": counts, "no_answer": None,
            "examples": examples, "scored": None, "options": given}
