"""Scoring in two stages: per-example numbers, then the reported results.

:func:`score_aligned` turns aligned examples into :class:`ScoredExamples`, a few numbers
per question and no text; :func:`summarize` turns those into the results dict (official
aggregates, no-answer thresholds, intervals, question types, grounding). Splitting the two
lets :class:`qascore.QAScorer` score each batch as it arrives and keep about 30 bytes per
question instead of every string.

The keys depend only on the configuration (preset, options, whether inputs and no-answer
scores are given), so every evaluation of a training run logs the same series; see
:func:`results_from_totals` for the figures that can be undefined (NaN) and the official
squad_v2 keys that follow the official script instead.

>>> from qascore.api import make_options
>>> from qascore.records import align, to_columns
>>> options = make_options("squad")
>>> scored = score_aligned(align(to_columns(["Paris", "Lyon"], [["Paris"], ["Rome"]])), options)
>>> list(scored.f1)
[1.0, 0.0]
>>> summarize(scored, options)
{'exact_match': 50.0, 'f1': 50.0}
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Dict, List, Optional, Sequence

import numpy as np

from qascore.records import Examples
from qascore.scoring.bootstrap import confidence_interval
from qascore.scoring.exact_f1 import score_examples
from qascore.scoring.no_answer import apply_threshold, best_threshold, map_abstentions
from qascore.scoring.question_types import QUESTION_TYPES, grounding_flags, question_type_codes

__all__ = ["ScoredExamples", "RunningTotals", "exact_sum", "score_aligned", "fold", "needs_every_example", "summarize"]


@dataclass
class ScoredExamples:
    """What the results need of each question, in compact arrays.

    ``exact`` and ``f1`` are the raw scores (before any no-answer threshold); ``answered``
    is 1, 0 or -1 for a non-empty, empty or absent prediction; the optional arrays are None
    when their input was not given. ``no_answer_order`` is
    :attr:`qascore.records.Examples.no_answer_order` (None: the questions' own order).
    """

    exact: array
    f1: array
    has_answer: array
    answered: array
    no_answer_scores: Optional[array] = None
    question_types: Optional[array] = None
    grounded: Optional[array] = None
    ids: Optional[List[str]] = None
    no_answer_order: Optional[array] = None

    @classmethod
    def empty(cls) -> "ScoredExamples":
        """No questions yet (an accumulator's starting point)."""
        return cls(exact=array("d"), f1=array("d"), has_answer=array("b"), answered=array("b"))

    def __len__(self) -> int:
        return len(self.exact)

    def optional_inputs(self) -> Dict[str, bool]:
        """Which optional inputs this batch carried (no-answer scores, inputs, ids)."""
        return {"No-answer scores": self.no_answer_scores is not None, "Inputs": self.grounded is not None,
                "Ids": self.ids is not None}

    def check_same_inputs(self, other: Dict[str, bool]) -> None:
        """A ValueError unless ``other`` (an :meth:`optional_inputs`) matches this batch's."""
        for what, given in self.optional_inputs().items():
            if given != other[what]:
                raise ValueError(f"{what} were given with some batches but not others; give them with every batch.")

    def extend(self, other: "ScoredExamples") -> None:
        """Append another batch's scores; both must carry the same optional inputs."""
        if not len(self):
            for field in fields(self):
                setattr(self, field.name, getattr(other, field.name))
            return
        self.check_same_inputs(other.optional_inputs())  # check everything before changing anything
        for field in fields(self):
            if getattr(self, field.name) is not None:
                getattr(self, field.name).extend(getattr(other, field.name))


def _check_answerable(examples: Examples, options) -> None:
    if not options.preset.unanswerable and not all(examples.references):
        empty = [i for i, answers in enumerate(examples.references) if not answers]
        names = [examples.ids[i] if examples.ids else f"references[{i}]" for i in empty[:5]]
        raise ValueError(
            f"{len(empty)} questions have no gold answer ({', '.join(names)}). Preset {options.preset.name!r} "
            "has no unanswerable questions; use preset 'squad_v2' to score them."
        )
    if examples.no_answer_probabilities is not None and not options.preset.unanswerable:
        raise ValueError(
            f"No-answer probabilities were given but preset {options.preset.name!r} has no unanswerable "
            "questions; use preset 'squad_v2'."
        )


def _has_answer(references, options) -> array:
    """1 for a question with a gold answer, else 0; all 1 without a pass when the preset has no
    unanswerable questions (:func:`_check_answerable` refused any without an answer)."""
    if not options.preset.unanswerable:
        return array("b", bytes([1]) * len(references))
    return array("b", map(bool, references))


def score_aligned(examples: Examples, options) -> ScoredExamples:
    """Stage one: EM, F1 and the facts the results need, per question."""
    _check_answerable(examples, options)
    predictions = examples.predictions
    if options.abstentions is not None:
        predictions = map_abstentions(predictions, options.abstentions)
    scores = score_examples(
        predictions, examples.references, options.normalizer, unanswerable=options.preset.unanswerable
    )
    scored = ScoredExamples(
        exact=array("d", scores.exact.tobytes()),
        f1=array("d", scores.f1.tobytes()),
        has_answer=_has_answer(examples.references, options),
        answered=array("b", scores.answered.tobytes()),
        ids=examples.ids,
    )
    if examples.no_answer_probabilities is not None:
        scored.no_answer_scores = array(
            "d", [-math.inf if score is None else score for score in examples.no_answer_probabilities]
        )
        if examples.no_answer_order is not None:
            scored.no_answer_order = array("q", examples.no_answer_order)
    if examples.inputs is not None:
        scored.question_types = array("b", question_type_codes(examples.inputs))
        scored.grounded = array("b", grounding_flags(predictions, examples.inputs, options.normalizer.normalize))
    return scored


class RunningTotals:
    """Sums and counts of per-example scores under named keys, in one of two kinds of sum.

    - ``exact=False`` (the default, :func:`qascore.compute` and :class:`qascore.QAScorer`): added
      one at a time in input order, as the official scripts' ``+=`` loop does
      (``np.add.accumulate`` does the same in C), so the totals of many batches are
      bit-identical to one pass over all of them and to the official script. Such sums depend
      on the order of the scores, so they cannot be merged.
    - ``exact=True`` (:class:`qascore.QATotals`, the mergeable totals): every float64 score is an
      integer times a power of two, and the sums are kept exactly (:func:`exact_sum`, a
      :class:`fractions.Fraction`), so :meth:`merge` in any order and grouping gives the same
      bits; :meth:`percent` rounds once at the end. It differs from the official left-to-right
      sum only by that sum's own rounding (about 1e-12 on SQuAD's 10k questions).

    >>> totals = RunningTotals()
    >>> totals.add("f1", [1.0, 0.5])
    >>> totals.add("f1", [0.0])
    >>> totals.percent("f1"), totals.count("f1")
    (50.0, 3)
    >>> left, right = RunningTotals(exact=True), RunningTotals(exact=True)
    >>> left.add("f1", [0.1, 0.2])
    >>> right.add("f1", [0.3])
    >>> left.merge(right).percent("f1") == 100 * 0.6 / 3  # the exact sum of the three floats, rounded once
    True
    """

    def __init__(self, *, exact: bool = False):
        self.exact = exact
        self._sums: Dict[str, object] = {}  # float (left to right) or Fraction (exact)
        self._counts: Dict[str, int] = {}

    def add(self, key: str, scores: Sequence[float]) -> None:
        """Add ``scores`` (any numbers; a list, array.array or numpy array) under ``key``."""
        values = np.asarray(scores, dtype=np.float64)
        if self.exact:
            total = self._sums.get(key, Fraction(0)) + exact_sum(values)
        else:
            total = self._sums.get(key, 0.0)
            if len(values):
                # add.accumulate adds strictly left to right (np.sum would add pairwise)
                total = float(np.add.accumulate(np.concatenate(([total], values)))[-1])
        self._sums[key] = total
        self._counts[key] = self._counts.get(key, 0) + len(values)

    def merge(self, other: "RunningTotals") -> "RunningTotals":
        """Add ``other``'s sums and counts into these (both ``exact=True``); returns ``self``."""
        if not (self.exact and other.exact):
            raise ValueError("Only exact totals can be merged: make both with RunningTotals(exact=True); "
                             "left-to-right sums depend on the order of the scores.")
        for key, count in other._counts.items():
            self._sums[key] = self._sums.get(key, Fraction(0)) + other._sums[key]
            self._counts[key] = self._counts.get(key, 0) + count
        return self

    def copy(self) -> "RunningTotals":
        """An independent copy (sums and counts are immutable numbers)."""
        twin = RunningTotals(exact=self.exact)
        twin._sums, twin._counts = dict(self._sums), dict(self._counts)
        return twin

    def count(self, key: str) -> int:
        return self._counts.get(key, 0)

    def seen(self, key: str) -> bool:
        """True once anything, even an empty selection, was added under ``key``."""
        return key in self._counts

    def percent(self, key: str) -> float:
        """100 x the mean of everything added under ``key``; NaN when nothing was (a mean of nothing).

        >>> RunningTotals().percent("f1")
        nan
        """
        if not self.count(key):
            return math.nan
        if self.exact:  # one rounding of the exact 100 * sum / count (Fraction -> float rounds correctly)
            return float(100 * self._sums[key] / self._counts[key])
        return 100.0 * self._sums[key] / self._counts[key]


def exact_sum(values: np.ndarray) -> Fraction:
    """The exact sum of float64 ``values`` (no rounding at all), whatever their order.

    Each float is ``mantissa * 2**(exponent - 53)`` with an integer mantissa below 2**53; the
    mantissas of each exponent are added as integers (in two 26-bit halves, so int64 cannot
    overflow) and the few per-exponent sums are combined as Python integers.

    >>> exact_sum(np.array([0.1, 0.2, 0.3])) == Fraction(0.1) + Fraction(0.2) + Fraction(0.3)
    True
    >>> exact_sum(np.array([1.0, math.inf]))
    Traceback (most recent call last):
    ...
    ValueError: Scores must be finite numbers; got inf or NaN.
    """
    if not len(values):
        return Fraction(0)
    if not np.isfinite(values).all():
        raise ValueError("Scores must be finite numbers; got inf or NaN.")
    mantissas, exponents = np.frexp(values)
    integers = np.ldexp(mantissas, 53).astype(np.int64)  # values == integers * 2**(exponents - 53), exactly
    by_exponent = np.argsort(exponents, kind="stable")
    exponents, integers = exponents[by_exponent], integers[by_exponent]
    starts = np.flatnonzero(np.r_[True, exponents[1:] != exponents[:-1]])
    high = np.add.reduceat(integers >> 26, starts).tolist()
    low = np.add.reduceat(integers & (2**26 - 1), starts).tolist()
    powers = (exponents[starts] - 53).tolist()
    smallest = min(powers)
    numerator = sum(((h << 26) + l) << (power - smallest) for h, l, power in zip(high, low, powers))
    return Fraction(numerator) * Fraction(2) ** smallest


def final_scores(scored: ScoredExamples, options):
    """Per-example EM and F1 as reported: under squad_v2, after the no-answer threshold."""
    if not options.preset.unanswerable:
        return scored.exact, scored.f1
    no_answer = scored.no_answer_scores if scored.no_answer_scores is not None else [0.0] * len(scored)
    threshold = options.no_answer_threshold
    return (
        apply_threshold(scored.exact, no_answer, scored.has_answer, threshold=threshold),
        apply_threshold(scored.f1, no_answer, scored.has_answer, threshold=threshold),
    )


def fold(totals: RunningTotals, scored: ScoredExamples, options) -> None:
    """Add a batch's scores to ``totals``: everything the results report except what needs
    every example at once (best thresholds, intervals, per-example lists)."""
    exact, f1 = final_scores(scored, options)
    names = (options.preset.exact_key, "f1")
    exact, f1 = np.asarray(exact, dtype=np.float64), np.asarray(f1, dtype=np.float64)
    for name, scores in zip(names, (exact, f1)):
        totals.add(name, scores)
    groups = {}
    if options.preset.unanswerable:
        has_answer = np.frombuffer(scored.has_answer, dtype=np.int8) != 0
        groups = {"HasAns_": has_answer, "NoAns_": ~has_answer}
    if scored.question_types is not None:
        grounded = np.frombuffer(scored.grounded, dtype=np.int8)
        totals.add("grounding", grounded[grounded >= 0])
        question_types = np.frombuffer(scored.question_types, dtype=np.int8)
        groups.update((kind, question_types == code) for code, kind in enumerate(QUESTION_TYPES))
    for group, selected in groups.items():
        for name, scores in zip(names, (exact, f1)):
            key = f"{group}{name}" if group.endswith("_") else f"{name}_{group}"
            totals.add(key, scores[selected])


def results_from_totals(totals: RunningTotals, options) -> Dict[str, object]:
    """The results that :func:`fold` can give, in the official key order.

    The same configuration always gives the same keys, whatever the predictions and questions,
    so a Trainer logs the same series at every evaluation and ``metric_for_best_model`` never
    goes missing:

    - With inputs, ``grounding_rate`` and, for every type of
      :data:`qascore.scoring.question_types.QUESTION_TYPES`, ``<exact>_<type>``, ``f1_<type>`` and
      ``count_<type>`` are always present. A figure with nothing to average (no non-empty
      prediction to ground; no question of that type) is NaN (``math.nan``) and its count 0.
      NaN because it is the honest value: 0.0 would be a wrong score that drags a curve
      down, and None is not a number, so the Trainer adapters' float conversion
      (:func:`qascore.trainer.backend.flat_floats`) would drop the key again. Trainer logs NaN
      as it is, a dashboard shows it as a gap, and the best-model check of transformers 5
      (``np.greater(nan, best)`` is False) never picks an evaluation whose figure is NaN. Test
      with ``math.isnan``: NaN never equals anything.
    - squad_v2's ``HasAns_*`` and ``NoAns_*`` keys keep the official omission: evaluate-v2.0.py
      adds them only ``if has_ans_qids`` / ``if no_ans_qids``, and a preset reports its
      official script's figures under the script's own names. Which groups exist depends only
      on the gold answers, so they too are the same at every evaluation of one dataset.

    >>> from qascore.api import make_options
    >>> from qascore.records import align, to_columns
    >>> options = make_options("squad")
    >>> totals = RunningTotals()
    >>> fold(totals, score_aligned(align(to_columns([""], [["Paris"]], inputs=["Where?"])), options), options)
    >>> results = results_from_totals(totals, options)
    >>> results["grounding_rate"], results["f1_where"], results["count_where"], results["f1_who"], results["count_who"]
    (nan, 0.0, 1, nan, 0)
    """
    exact_key = options.preset.exact_key
    results: Dict[str, object] = {exact_key: totals.percent(exact_key), "f1": totals.percent("f1")}
    if options.preset.unanswerable:
        results["total"] = totals.count("f1")
        for prefix in ("HasAns_", "NoAns_"):
            if totals.count(f"{prefix}f1"):  # as evaluate-v2.0.py: only a non-empty group
                results[f"{prefix}exact"] = totals.percent(f"{prefix}exact")
                results[f"{prefix}f1"] = totals.percent(f"{prefix}f1")
                results[f"{prefix}total"] = totals.count(f"{prefix}f1")
    if totals.seen("grounding"):  # inputs were given: every key, NaN where nothing is averaged
        results["grounding_rate"] = totals.percent("grounding")
        for kind in QUESTION_TYPES:
            results[f"{exact_key}_{kind}"] = totals.percent(f"{exact_key}_{kind}")
            results[f"f1_{kind}"] = totals.percent(f"f1_{kind}")
            results[f"count_{kind}"] = totals.count(f"f1_{kind}")
    return results


def needs_every_example(options, scored: ScoredExamples) -> bool:
    """True when the results need every per-example score (intervals, per-example lists, best
    thresholds), False when running totals of each batch suffice."""
    return options.confidence_level is not None or options.return_per_example or scored.no_answer_scores is not None


def summarize(scored: ScoredExamples, options, totals: Optional[RunningTotals] = None) -> Dict[str, object]:
    """Stage two: the results dict of :func:`qascore.compute`.

    ``totals`` holds batches already folded (by an accumulator); ``scored`` the rest.
    """
    totals = totals or RunningTotals()
    if len(scored):
        fold(totals, scored, options)
    if not totals.count("f1"):
        raise ValueError("Nothing to score: pass at least one prediction and one reference.")
    results = results_from_totals(totals, options)
    if options.preset.unanswerable and scored.no_answer_scores is not None:
        for name, raw in (("exact", scored.exact), ("f1", scored.f1)):
            best, thresh = best_threshold(raw, scored.no_answer_scores, scored.has_answer, scored.answered,
                                          scored.no_answer_order)
            results[f"best_{name}"] = best
            results[f"best_{name}_thresh"] = float(thresh)
    if options.confidence_level is None and not options.return_per_example:
        return results
    exact, f1 = final_scores(scored, options)
    per_example = {options.preset.exact_key: exact, "f1": f1}
    if options.confidence_level is not None:
        for name, scores in per_example.items():
            low, high = confidence_interval(
                scores, confidence_level=options.confidence_level, n_resamples=options.n_resamples, seed=options.seed
            )
            results[f"{name}_ci_low"], results[f"{name}_ci_high"] = low, high
    if options.return_per_example:
        rows = {name: [float(score) for score in scores] for name, scores in per_example.items()}
        results["per_example"] = {"id": scored.ids, **rows} if scored.ids is not None else rows
    return results
