"""The ``hotpotqa`` preset: HotpotQA's ``hotpot_evaluate_v1.py`` (hotpotqa/hotpot), exactly.

Inputs (plain lists, paired by position): a prediction is ``{"answer": str, "sp": [[title,
sentence index], ...]}`` (a part that is None or absent is missing; None: both missing), a
reference a HotpotQA dev record ``{"_id"?, "answer", "supporting_facts", ...}``; facts may
also be given in the ``datasets`` layout ``{"title": [...], "sent_id": [...]}``
(:mod:`.inputs`).

Results, under the script's names, fractions 0-1: ``em``, ``f1``, ``prec``, ``recall``
(answer), ``sp_em``, ``sp_f1``, ``sp_prec``, ``sp_recall`` (supporting facts), ``joint_em``,
``joint_f1``, ``joint_prec``, ``joint_recall``. Rules in :mod:`.rules` (fast) and
:mod:`.reference` (the plain twin); files in :mod:`.files`.

>>> import qascore
>>> results = qascore.compute([{"answer": "Yes.", "sp": [["Paris", 0]]}],
...                           [{"answer": "yes", "supporting_facts": [["Paris", 0], ["Paris", 3]]}], preset="hotpotqa")
>>> results["em"], results["sp_f1"], results["joint_f1"]
(1.0, 0.6666666666666666, 0.6666666666666666)
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

import numpy as np

from qascore.families import Family, PerQuestion
from qascore.families.hotpotqa.files import read_files
from qascore.families.hotpotqa.inputs import prediction_columns, reference_columns
from qascore.families.hotpotqa.reference import FIGURES
from qascore.families.hotpotqa.rules import score_questions

__all__ = ["FAMILY", "score", "summarize", "features"]


def score(predictions: Sequence, references: Sequence, inputs: Optional[Sequence], options) -> PerQuestion:
    """Each question's twelve metrics (0-1) as hotpot_evaluate_v1.py scores it."""
    if inputs is not None:
        raise ValueError("The hotpotqa preset takes no inputs=; pass predictions= and references= only.")
    for name, values in (("predictions", predictions), ("references", references)):
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"{name} must be a list; got {type(values).__name__}.")
    if len(predictions) != len(references):
        raise ValueError(f"Got {len(predictions)} predictions but {len(references)} references; "
                         "pass one prediction per reference.")
    if not references:
        raise ValueError("Nothing to score: predictions and references are empty.")
    answers, facts = prediction_columns(predictions)
    gold_answers, gold_facts, ids = reference_columns(references)
    missing = sum(answer is None or fact is None for answer, fact in zip(answers, facts))
    if missing and options.missing == "error":
        raise ValueError(f"{missing} questions lack an answer or supporting facts prediction (None); predict both "
                         "for every question, or pass missing='zero' to score missing parts 0 as "
                         "hotpot_evaluate_v1.py does.")
    scores = score_questions(answers, gold_answers, facts, gold_facts)
    return PerQuestion(scores=scores, ids=None if None in ids else list(ids))


def summarize(per_question: PerQuestion, options) -> Dict[str, object]:
    """The script's twelve figures: per-question totals in question order, divided by the number of questions."""
    return {name: float(np.add.accumulate(per_question.scores[name])[-1] / len(per_question.scores[name]))
            for name in FIGURES}


def features(preset: str):
    """evaluate's features: facts as the hotpot_qa dataset lays them out ({"title": [...], "sent_id": [...]})."""
    import datasets

    facts = datasets.Sequence({"title": datasets.Value("string"), "sent_id": datasets.Value("int64")})
    return datasets.Features({"predictions": {"answer": datasets.Value("string"), "sp": facts},
                              "references": {"answer": datasets.Value("string"), "supporting_facts": facts}})


FAMILY = Family(name="hotpotqa", score=score, summarize=summarize, read_files=read_files, features=features,
                interval_scale=dict.fromkeys(FIGURES, 1))
