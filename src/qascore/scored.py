"""Scoring in two stages: per-example numbers, then the reported results.

:func:`score_aligned` turns aligned examples into :class:`ScoredExamples`, a few numbers
per question and no text; :func:`summarize` turns those into the results dict (official
aggregates, no-answer thresholds, intervals, question types, grounding). Splitting the two
lets :class:`qascore.QAScorer` score each batch as it arrives and keep about 30 bytes per
question instead of every string.

>>> from qascore.evaluation import make_options
>>> from qascore.formats import align, to_columns
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
from typing import Dict, List, Optional, Sequence

from qascore.analysis import grounding_flags, grounding_rate, question_type_codes, scores_by_question_type
from qascore.bootstrap import confidence_interval
from qascore.formats import Examples
from qascore.no_answer import answered_codes, apply_threshold, best_threshold, map_abstentions
from qascore.parallel import score_examples_parallel

__all__ = ["ScoredExamples", "score_aligned", "summarize"]


@dataclass
class ScoredExamples:
    """What the results need of each question, in compact arrays.

    ``exact`` and ``f1`` are the raw scores (before any no-answer threshold); ``answered``
    is 1, 0 or -1 for a non-empty, empty or absent prediction; the optional arrays are None
    when their input was not given.
    """

    exact: array
    f1: array
    has_answer: array
    answered: array
    no_answer_scores: Optional[array] = None
    question_types: Optional[array] = None
    grounded: Optional[array] = None
    ids: Optional[List[str]] = None

    @classmethod
    def empty(cls) -> "ScoredExamples":
        """No questions yet (an accumulator's starting point)."""
        return cls(exact=array("d"), f1=array("d"), has_answer=array("b"), answered=array("b"))

    def __len__(self) -> int:
        return len(self.exact)

    def extend(self, other: "ScoredExamples") -> None:
        """Append another batch's scores; both must carry the same optional inputs."""
        if not len(self):
            for field in fields(self):
                setattr(self, field.name, getattr(other, field.name))
            return
        for field in fields(self):  # check everything before changing anything
            if (getattr(self, field.name) is None) != (getattr(other, field.name) is None):
                what = {"no_answer_scores": "No-answer scores", "ids": "Ids"}.get(field.name, "Inputs")
                raise ValueError(f"{what} were given with some batches but not others; give them with every batch.")
        for field in fields(self):
            if getattr(self, field.name) is not None:
                getattr(self, field.name).extend(getattr(other, field.name))


def _check_answerable(examples: Examples, options) -> None:
    empty = [i for i, answers in enumerate(examples.references) if not answers]
    if empty and not options.preset.unanswerable:
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


def score_aligned(examples: Examples, options, num_proc: int = 1) -> ScoredExamples:
    """Stage one: EM, F1 and the facts the results need, per question."""
    _check_answerable(examples, options)
    predictions = examples.predictions
    if options.abstentions is not None:
        predictions = map_abstentions(predictions, options.abstentions, options.normalizer.normalize)
    exact, f1 = score_examples_parallel(
        predictions, examples.references, options.normalizer,
        unanswerable=options.preset.unanswerable, num_proc=num_proc,
    )
    scored = ScoredExamples(
        exact=array("d", exact),
        f1=array("d", f1),
        has_answer=array("b", [bool(answers) for answers in examples.references]),
        answered=array("b", answered_codes(predictions)),
        ids=examples.ids,
    )
    if examples.no_answer_probabilities is not None:
        scored.no_answer_scores = array(
            "d", [-math.inf if score is None else score for score in examples.no_answer_probabilities]
        )
    if examples.inputs is not None:
        scored.question_types = array("b", question_type_codes(examples.inputs))
        scored.grounded = array("b", grounding_flags(predictions, examples.inputs, options.normalizer.normalize))
    return scored


def _mean(scores: Sequence[float], indices: Optional[List[int]] = None) -> float:
    """100 x the mean, adding in order with ``+=`` as the official scripts do.

    (``sum()`` compensates rounding since Python 3.12 and could differ in the last digits.)
    """
    selected = scores if indices is None else [scores[i] for i in indices]
    total = 0
    for score in selected:
        total += score
    return 100.0 * total / len(selected)


def _summarize_unanswerable(scored: ScoredExamples, options):
    """SQuAD v2.0 aggregation: thresholds, HasAns/NoAns splits, best thresholds."""
    no_answer = scored.no_answer_scores if scored.no_answer_scores is not None else [0.0] * len(scored)
    threshold = options.no_answer_threshold
    exact = apply_threshold(scored.exact, no_answer, scored.has_answer, threshold=threshold)
    f1 = apply_threshold(scored.f1, no_answer, scored.has_answer, threshold=threshold)
    results = {"exact": _mean(exact), "f1": _mean(f1), "total": len(exact)}
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        indices = [i for i, answerable in enumerate(scored.has_answer) if bool(answerable) == wanted]
        if indices:
            results[f"{prefix}_exact"] = _mean(exact, indices)
            results[f"{prefix}_f1"] = _mean(f1, indices)
            results[f"{prefix}_total"] = len(indices)
    if scored.no_answer_scores is not None:
        for name, raw in (("exact", scored.exact), ("f1", scored.f1)):
            best, thresh = best_threshold(raw, no_answer, scored.has_answer, scored.answered)
            results[f"best_{name}"] = best
            results[f"best_{name}_thresh"] = float(thresh)
    return results, exact, f1


def summarize(scored: ScoredExamples, options) -> Dict[str, object]:
    """Stage two: the results dict of :func:`qascore.compute`."""
    if not len(scored):
        raise ValueError("Nothing to score: pass at least one prediction and one reference.")
    if options.preset.unanswerable:
        results, exact, f1 = _summarize_unanswerable(scored, options)
    else:
        exact, f1 = scored.exact, scored.f1
        results = {"exact_match": _mean(exact), "f1": _mean(f1)}
    per_example = {options.preset.exact_key: exact, "f1": f1}
    if options.confidence_level is not None:
        for name, scores in per_example.items():
            low, high = confidence_interval(
                scores, confidence_level=options.confidence_level, n_resamples=options.n_resamples, seed=options.seed
            )
            results[f"{name}_ci_low"], results[f"{name}_ci_high"] = low, high
    if scored.grounded is not None:
        rate = grounding_rate(scored.grounded)
        if rate is not None:
            results["grounding_rate"] = rate
        results.update(scores_by_question_type(scored.question_types, per_example))
    if options.return_per_example:
        rows = {name: [float(score) for score in scores] for name, scores in per_example.items()}
        results["per_example"] = {"id": scored.ids, **rows} if scored.ids is not None else rows
    return results
