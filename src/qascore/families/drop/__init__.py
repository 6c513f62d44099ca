"""The ``drop`` preset: DROP's ``drop_eval.py`` (allenai/allennlp-reading-comprehension), exactly.

Inputs (plain lists, paired by position):

- a prediction is a string (one span) or a list of strings (several spans); None means no
  prediction (scored 0, with ``missing="zero"``);
- a reference is a DROP answer object ``{"number": "3", "spans": [...], "date": {"day",
  "month", "year"}}``, a list of them (the ``answer`` first, then the ``validated_answers``),
  or a DROP ``qa_pairs`` record ``{"query_id", "answer", "validated_answers"?, ...}``, whose
  ``query_id`` then names the question in ``per_example``.

Results, under the script's own names and scales: ``global_em`` and ``global_f1``
(fractions 0-1, what ``--output_path`` writes) and, for each answer type the questions are
counted under (``date``, ``number``, ``span``, ``spans``), ``<type>_count``,
``<type>_percent``, ``<type>_em`` and ``<type>_f1`` (percentages, as the script prints them).
The rules are in :mod:`.rules` (fast) and :mod:`.reference` (the plain twin); files in
:mod:`.files`.

>>> import qascore
>>> qascore.compute(["3 yards", ["Paris", "rome"]],
...                 [{"number": "3"}, [{"spans": ["Rome", "Paris"]}, {"spans": ["Paris"]}]], preset="drop")
{'global_em': 0.5, 'global_f1': 0.835, 'number_count': 1, 'number_percent': 50.0, 'number_em': 0.0, 'number_f1': 67.0, 'spans_count': 1, 'spans_percent': 50.0, 'spans_em': 100.0, 'spans_f1': 100.0}
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

import numpy as np

from qascore.families import Family, PerQuestion
from qascore.families.drop.answers import check_lengths, prediction_spans, question_of
from qascore.families.drop.files import read_files
from qascore.families.drop.rules import score_questions

__all__ = ["FAMILY", "score", "summarize", "features"]


def score(predictions: Sequence, references: Sequence, inputs: Optional[Sequence], options) -> PerQuestion:
    """Each question's EM and F1 (0-1) as drop_eval.py scores it, and the type it is counted under."""
    if inputs is not None:
        raise ValueError("The drop preset takes no inputs=; pass predictions= and references= only.")
    check_lengths(predictions, references)
    if not references:
        raise ValueError("Nothing to score: predictions and references are empty.")
    questions = [question_of(reference, index) for index, reference in enumerate(references)]
    spans = [prediction_spans(prediction, index) for index, prediction in enumerate(predictions)]
    unpredicted = spans.count(None)
    if unpredicted and options.missing == "error":
        raise ValueError(f"{unpredicted} questions have no prediction (None); predict every question, or pass "
                         "missing='zero' to score them 0 as drop_eval.py does.")
    for index, (predicted, question) in enumerate(zip(spans, questions)):
        if predicted is not None and not question.candidates:
            raise ValueError(f"references[{index}]: every gold answer is blank, so drop_eval.py cannot type the "
                             "question (it fails); give it a gold answer or leave it out.")
    exact, f1, types = score_questions(spans, [question.candidates for question in questions],
                                       [question.unpredicted_type for question in questions])
    ids = [question.query_id for question in questions]
    return PerQuestion(scores={"global_em": exact, "global_f1": f1}, ids=None if None in ids else ids,
                       details={"types": np.array(types)})


def summarize(per_question: PerQuestion, options) -> Dict[str, object]:
    """The script's figures: global EM/F1 as fractions, then per answer type (sorted) count, share, EM, F1 in %."""
    exact, f1 = per_question.scores["global_em"], per_question.scores["global_f1"]
    types = per_question.details["types"]
    results: Dict[str, object] = {"global_em": float(np.mean(exact)), "global_f1": float(np.mean(f1))}
    for answer_type in sorted(set(types.tolist())):
        chosen = types == answer_type
        count = int(chosen.sum())
        results[f"{answer_type}_count"] = count
        results[f"{answer_type}_percent"] = float(100.0 * count / len(types))
        results[f"{answer_type}_em"] = float(100.0 * np.mean(exact[chosen]))
        results[f"{answer_type}_f1"] = float(100.0 * np.mean(f1[chosen]))
    return results


def features(preset: str):
    """evaluate's features: a prediction is a string or a list of spans (one layout per run); a
    reference is the list of a question's DROP answer objects."""
    import datasets

    answer = {"number": datasets.Value("string"), "spans": datasets.List(datasets.Value("string")),
              "date": {part: datasets.Value("string") for part in ("day", "month", "year")}}
    references = datasets.List(answer)
    return [datasets.Features({"predictions": datasets.Value("string"), "references": references}),
            datasets.Features({"predictions": datasets.List(datasets.Value("string")), "references": references})]


FAMILY = Family(name="drop", score=score, summarize=summarize, read_files=read_files, features=features,
                interval_scale={"global_em": 1, "global_f1": 1})
