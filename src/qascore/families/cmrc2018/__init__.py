"""The ``cmrc2018`` and ``drcd`` presets: ymcui/cmrc2018's ``cmrc2018_evaluate.py``.

CMRC 2018 (simplified Chinese) and DRCD (traditional Chinese; DRCD ships no scorer, and the
CMRC 2018 authors score it with theirs) are scored alike: EM after the script's punctuation
removal, F1 from the longest common run of mixed segments (each Chinese character a segment,
other runs word-tokenised), the best gold answer counting, a missing prediction 0. The
results are the script's own: ``AVERAGE`` (the mean of ``EM`` and ``F1``), ``F1``, ``EM``
(percentages, at full precision where the script prints ``%.3f``), ``TOTAL`` (questions) and
``SKIP`` (questions without a prediction, counted in ``TOTAL``).

>>> from qascore import compute
>>> compute(["北京大学", "北京"], [["北京大学"], ["北京大学"]], preset="cmrc2018")
{'AVERAGE': 66.66666666666666, 'F1': 83.33333333333333, 'EM': 50.0, 'TOTAL': 2, 'SKIP': 0}
"""

from __future__ import annotations

import numpy as np

from qascore.families import Family, PerQuestion
from qascore.families.answer_lists import answer_list_features, checked_inputs, read_paired_files
from qascore.families.cmrc2018.rules import score_questions

__all__ = ["FAMILY"]


def score(predictions, references, inputs, options) -> PerQuestion:
    """Per-question ``EM``, ``F1`` and their mean ``AVERAGE`` (0 to 1)."""
    if inputs is not None:
        raise ValueError(f"inputs= does not apply to preset {options.preset.name!r}; pass predictions and references.")
    predictions, references = checked_inputs(predictions, references, options)
    if not references:
        raise ValueError("Nothing to score: pass at least one prediction and one reference.")
    exact, f1 = score_questions(predictions, references)
    skipped = sum(text is None for text in predictions)
    return PerQuestion(scores={"AVERAGE": (exact + f1) * 0.5, "F1": f1, "EM": exact}, details={"skipped": skipped})


def _sum_in_order(values: np.ndarray) -> float:
    """The sum added left to right, as the script's ``+=`` loop adds."""
    return float(np.add.accumulate(np.concatenate(([0.0], values)))[-1])


def summarize(per_question: PerQuestion, options) -> dict:
    total = len(per_question.scores["EM"])
    f1 = 100.0 * _sum_in_order(per_question.scores["F1"]) / total
    exact = 100.0 * _sum_in_order(per_question.scores["EM"]) / total
    return {"AVERAGE": (exact + f1) * 0.5, "F1": f1, "EM": exact, "TOTAL": total,
            "SKIP": per_question.details["skipped"]}


FAMILY = Family(
    name="cmrc2018",
    score=score,
    summarize=summarize,
    read_files=read_paired_files,
    features=answer_list_features,
    interval_scale={"AVERAGE": 100.0, "F1": 100.0, "EM": 100.0},
)
