"""The ``mrqa`` preset: the MRQA 2019 shared task's ``mrqa_official_eval.py``.

SQuAD v1.1's EM and F1 (:mod:`qascore.families.mrqa.rules`) over MRQA's gzipped JSON Lines
files (:mod:`qascore.families.mrqa.files`). The results are the script's: ``exact_match``
and ``f1`` (percentages). A question without a prediction scores 0 (``missing="zero"``, what
``qascore score`` does); ``skip_no_answer=True`` (the script's ``--skip-no-answer``) leaves
it out of the total instead.

>>> from qascore import compute
>>> compute(["the Broncos", None], [["Denver Broncos"], ["Paris"]], preset="mrqa", skip_no_answer=True)
{'exact_match': 0.0, 'f1': 66.66666666666666}
"""

from __future__ import annotations

import functools

import numpy as np

from qascore.families import Family, PerQuestion
from qascore.families.answer_lists import answer_list_features, checked_inputs, read_paired_files
from qascore.families.mrqa.files import load_answers
from qascore.families.mrqa.rules import score_questions

__all__ = ["FAMILY"]


def score(predictions, references, inputs, options) -> PerQuestion:
    """Per-question ``exact_match`` and ``f1`` (0 to 1) of the questions that count."""
    if inputs is not None:
        raise ValueError("inputs= does not apply to preset 'mrqa'; pass predictions and references.")
    predictions, references = checked_inputs(predictions, references, options, allow_missing=options.skip_no_answer)
    if options.skip_no_answer:
        kept = [index for index, text in enumerate(predictions) if text is not None]
        predictions, references = [predictions[i] for i in kept], [references[i] for i in kept]
    if not references:
        raise ValueError("Nothing to score: pass at least one prediction and one reference"
                         + (" (skip_no_answer=True left out every question)." if options.skip_no_answer else "."))
    exact, f1 = score_questions(predictions, references)
    return PerQuestion(scores={"exact_match": exact, "f1": f1})


def _percent(scores: np.ndarray) -> float:
    """100 x the mean, the sum added left to right as the script's ``+=`` loop adds."""
    return 100.0 * float(np.add.accumulate(np.concatenate(([0.0], scores)))[-1]) / len(scores)


def summarize(per_question: PerQuestion, options) -> dict:
    return {"exact_match": _percent(per_question.scores["exact_match"]), "f1": _percent(per_question.scores["f1"])}


FAMILY = Family(
    name="mrqa",
    score=score,
    summarize=summarize,
    read_files=functools.partial(read_paired_files, load_gold=load_answers),
    features=answer_list_features,
    interval_scale={"exact_match": 100.0, "f1": 100.0},
)
