"""The ``jsquad`` preset: JSQuAD as JGLUE scores it (transformers 4.9.2's ``squad_metrics.py``
with JGLUE's patch: character F1, trailing ``。`` stripped, punctuation kept).

The results are ``squad_evaluate``'s own dict: ``exact``, ``f1`` (percentages), ``total``
(questions), ``HasAns_exact``, ``HasAns_f1``, ``HasAns_total`` (questions with gold answers;
``NoAns_*`` too when some have none), and ``best_exact``, ``best_exact_thresh``, ``best_f1``,
``best_f1_thresh``: without no-answer probabilities every question gets 0.0, so these are
the best running totals over the questions (for the answerable ones, ``exact`` and ``f1``)
at threshold 0.0. The official breakdown fails on a prediction file that misses a question
(KeyError), so a missing prediction is refused here.

>>> from qascore import compute
>>> results = compute(["東京", "大阪。"], [["東京タワー"], ["大阪"]], preset="jsquad")
>>> results["exact"], results["f1"], results["best_f1"], results["HasAns_total"]
(50.0, 78.57142857142858, 78.57142857142858, 2)
"""

from __future__ import annotations

import functools

import numpy as np

from qascore.families import Family, PerQuestion
from qascore.families.answer_lists import answer_list_features, checked_inputs, read_paired_files
from qascore.families.jsquad.rules import score_questions

__all__ = ["FAMILY"]


def score(predictions, references, inputs, options) -> PerQuestion:
    """Per-question ``exact`` and ``f1`` (0 to 1); which questions have gold answers and a non-empty prediction."""
    if inputs is not None:
        raise ValueError("inputs= does not apply to preset 'jsquad'; pass predictions and references.")
    predictions, references = checked_inputs(predictions, references, options, allow_unanswerable=True)
    missing = [index for index, text in enumerate(predictions) if text is None]
    if missing:
        raise ValueError(f"{len(missing)} questions have no prediction (first: question {missing[0]}); JSQuAD's "
                         "official scorer gives no figures for an incomplete prediction file (its HasAns breakdown "
                         "fails), so predict every question.")
    if not references:
        raise ValueError("Nothing to score: pass at least one prediction and one reference.")
    exact, f1 = score_questions(predictions, references)
    has_answer = np.fromiter(map(bool, references), dtype=bool, count=len(references))
    answered = np.fromiter(map(bool, predictions), dtype=bool, count=len(predictions))
    return PerQuestion(scores={"exact": exact, "f1": f1}, details={"has_answer": has_answer, "answered": answered})


def _percent(scores: np.ndarray) -> float:
    """100 x the mean, the sum added left to right as the script's ``sum()`` (Python 3.7) adds."""
    return 100.0 * float(np.add.accumulate(np.concatenate(([0.0], scores)))[-1]) / len(scores)


def _best(scores: np.ndarray, has_answer: np.ndarray, answered: np.ndarray) -> float:
    """``find_best_thresh`` with every no-answer probability 0.0: the best running total, as a percentage."""
    changes = np.where(has_answer, scores, np.where(answered, -1.0, 0.0))
    running = np.add.accumulate(np.concatenate(([float(np.count_nonzero(~has_answer))], changes)))
    return 100.0 * float(running.max()) / len(scores)


def summarize(per_question: PerQuestion, options) -> dict:
    exact, f1 = per_question.scores["exact"], per_question.scores["f1"]
    has_answer, answered = per_question.details["has_answer"], per_question.details["answered"]
    results = {"exact": _percent(exact), "f1": _percent(f1), "total": len(exact)}
    for prefix, selected in (("HasAns", has_answer), ("NoAns", ~has_answer)):
        if selected.any():
            results.update({f"{prefix}_exact": _percent(exact[selected]), f"{prefix}_f1": _percent(f1[selected]),
                            f"{prefix}_total": int(np.count_nonzero(selected))})
    for name, scores in (("exact", exact), ("f1", f1)):
        results[f"best_{name}"], results[f"best_{name}_thresh"] = _best(scores, has_answer, answered), 0.0
    return results


FAMILY = Family(
    name="jsquad",
    score=score,
    summarize=summarize,
    read_files=functools.partial(read_paired_files, allow_unanswerable=True),
    features=answer_list_features,
    interval_scale={"exact": 100.0, "f1": 100.0},
)
