"""The ``coqa`` preset: CoQA's ``evaluate-v1.0.py`` (stanfordnlp/coqa-baselines), exactly.

Inputs (plain lists, one entry per turn, paired by position): a prediction is the turn's
answer string (None: no prediction, scored 0 with ``missing="zero"``); a reference is
``{"answers": [answer, additional answers...], "source": "race", "id"?, "turn_id"?}`` or
just the list of gold answers (:mod:`.inputs`).

Results, under the script's names, x100 and rounded to one decimal as it prints them:
``<domain>_em``, ``<domain>_f1`` and ``<domain>_turns`` for children_stories (mctest),
literature (gutenberg), mid-high_school (race), news (cnn), wikipedia, reddit and science,
then ``in_domain_*``, ``out_domain_*`` and ``overall_*``. References without sources give
the ``overall_*`` figures only. Rules in :mod:`.rules` (fast) and :mod:`.reference` (the
plain twin); files in :mod:`.files`.

>>> import qascore
>>> qascore.compute(["Paris", "unknown"], [["Paris", "Rome", "Rome", "Lyon"], ["unknown"]], preset="coqa")
{'overall_em': 87.5, 'overall_f1': 87.5, 'overall_turns': 2}
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

from qascore.families import Family, PerQuestion
from qascore.families.coqa.files import read_files
from qascore.families.coqa.inputs import check_prediction, reference_parts
from qascore.families.coqa.rules import domain_figures, turn_scores

__all__ = ["FAMILY", "score", "summarize", "features"]


def score(predictions: Sequence, references: Sequence, inputs: Optional[Sequence], options) -> PerQuestion:
    """Each turn's EM and F1 (0-1) as evaluate-v1.0.py scores it."""
    if inputs is not None:
        raise ValueError("The coqa preset takes no inputs=; pass predictions= and references= only.")
    for name, values in (("predictions", predictions), ("references", references)):
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"{name} must be a list; got {type(values).__name__}.")
    if len(predictions) != len(references):
        raise ValueError(f"Got {len(predictions)} predictions but {len(references)} references; "
                         "pass one prediction per turn.")
    if not references:
        raise ValueError("Nothing to score: predictions and references are empty.")
    answers = [check_prediction(prediction, index) for index, prediction in enumerate(predictions)]
    golds, sources, ids = zip(*(reference_parts(reference, index) for index, reference in enumerate(references)))
    if answers.count(None) and options.missing == "error":
        raise ValueError(f"{answers.count(None)} turns have no prediction (None); predict every turn, or pass "
                         "missing='zero' to score them 0 as evaluate-v1.0.py does.")
    with_source = sum(source is not None for source in sources)
    if 0 < with_source < len(sources):
        raise ValueError(f"{with_source} of {len(sources)} references have a 'source'; give every reference its "
                         "story's source (for the domain figures) or none.")
    exact, f1 = turn_scores(answers, golds)
    return PerQuestion(scores={"overall_em": exact, "overall_f1": f1}, ids=None if None in ids else list(ids),
                       details={"sources": list(sources) if with_source else None})


def summarize(per_question: PerQuestion, options) -> Dict[str, object]:
    """The script's figures (x100, one decimal) per domain, in and out of domain and overall."""
    return domain_figures(per_question.scores["overall_em"], per_question.scores["overall_f1"],
                          per_question.details["sources"])


def features(preset: str):
    """evaluate's features: the answer string; the turn's gold answers and its story's source."""
    import datasets

    return datasets.Features({"predictions": datasets.Value("string"),
                              "references": {"answers": datasets.List(datasets.Value("string")),
                                             "source": datasets.Value("string")}})


FAMILY = Family(name="coqa", score=score, summarize=summarize, read_files=read_files, features=features,
                interval_scale={"overall_em": 100, "overall_f1": 100})
