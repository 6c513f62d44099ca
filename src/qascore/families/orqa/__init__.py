"""The ORQA family: NQ-open, EfficientQA and CuratedTREC, as ORQA's ``evaluate_predictions.py`` scores them.

Presets (rules in :mod:`.rules`, their plain twin in :mod:`.reference`, files in :mod:`.files`):

* ``nq_open``, ``efficientqa``: exact match with any answer after NFD and SQuAD-style
  normalisation; ``answer_field`` picks the reference field (EfficientQA test's
  ``answer_and_def_correct_predictions`` adds the predictions raters judged correct);
* ``curated_trec``: the script's ``--is_regex``: ``re.match`` of each answer pattern;
* ``curated_trec_search``: DPR's ``has_answer`` regex rule (``regex`` search after NFD), which
  many papers report on CuratedTREC; it is not ORQA's rule.

Results are the script's: ``accuracy`` (a fraction, 0-1), ``num_correct``, ``num_total``,
``missing_predictions``.

>>> import qascore
>>> qascore.compute(["the Beatles", "1969"], [["Beatles"], ["1970"]], preset="nq_open")
{'accuracy': 0.5, 'num_correct': 1, 'num_total': 2, 'missing_predictions': 0}
>>> qascore.compute(["July 1969"], [[r"(July )?1969"]], preset="curated_trec")["accuracy"]
1.0
"""

from __future__ import annotations

import numpy as np

from qascore.families import Family, PerQuestion
from qascore.families.orqa.files import read_pairs
from qascore.families.orqa.inputs import paired
from qascore.families.orqa.rules import RULES, correct_exact, correct_regex, flatten

__all__ = ["FAMILY", "ANSWER_FIELDS"]

#: The script's ``--answer_field`` choices.
ANSWER_FIELDS = ("answer", "answer_and_def_correct_predictions")


def check_options(preset, given: dict) -> dict:
    """``answer_field`` (default ``"answer"``) and ``is_regex`` (the preset's own; a contradiction is refused)."""
    answer_field = "answer" if given["answer_field"] is None else given["answer_field"]
    if answer_field not in ANSWER_FIELDS:
        raise ValueError(f"answer_field must be one of {', '.join(ANSWER_FIELDS)} (the script's --answer_field); "
                         f"got {answer_field!r}.")
    regex = RULES[preset.name] != "exact"
    is_regex = given["is_regex"]
    if is_regex is not None and not isinstance(is_regex, bool):
        raise TypeError(f"is_regex must be True or False; got {is_regex!r}.")
    if is_regex is not None and is_regex != regex:
        other = "curated_trec (or curated_trec_search)" if is_regex else "nq_open"
        raise ValueError(f"is_regex={is_regex} contradicts preset {preset.name!r}, whose answers are "
                         f"{'' if regex else 'not '}regular expressions; use preset {other}.")
    return {"answer_field": answer_field, "is_regex": regex}


def score(predictions, references, inputs, options) -> PerQuestion:
    """Each question right (1.0) or not (0.0) under the preset's rule.

    ``details``: ``correct`` (bool array), ``missing`` (how many predictions are None), and
    what the rule compared: ``predictions`` (None where missing), ``answers`` (flat) and
    ``answer_question`` (the question of each answer): normal forms under the exact rule, the
    texts and patterns themselves under the regex rules.
    """
    if inputs is not None:
        raise ValueError(f"inputs= does not apply to preset {options.preset.name!r}; the official script "
                         "scores answers only.")
    predicted, answer_lists, questions = paired(predictions, references, options)
    rule = RULES[options.preset.name]
    forms: dict = {}
    if rule == "exact":
        correct = correct_exact(predicted, answer_lists, normal_forms=forms)
    else:
        correct = correct_regex(predicted, answer_lists, rule)
        answers, owner = flatten(answer_lists)
        forms = {"predictions": predicted, "answers": answers, "answer_question": owner}
    details = {"correct": correct, "missing": predicted.count(None), **forms}
    return PerQuestion(scores={"accuracy": correct.astype(np.float64)}, ids=questions, details=details)


def summarize(per_question: PerQuestion, options) -> dict:
    """The script's figures: ``accuracy = num_correct / num_total``, and the counts."""
    correct = per_question.details["correct"]
    if not len(correct):
        raise ValueError("There are no questions to score (the official script divides by their number).")
    num_correct = int(np.count_nonzero(correct))
    return {"accuracy": num_correct / float(len(correct)), "num_correct": num_correct, "num_total": len(correct),
            "missing_predictions": int(per_question.details["missing"])}


def read_files(data, predictions, options, *, duplicate_keys="error", overridden=None) -> tuple:
    """The script's JSON Lines files, paired by question text (see :mod:`.files`)."""
    return read_pairs(data, predictions, answer_field=options.family_option("answer_field"),
                      duplicate_keys=duplicate_keys, overridden=overridden)


def features(preset: str):
    """Predictions are strings, references lists of answer strings (patterns under curated_trec*)."""
    import datasets

    return datasets.Features({"predictions": datasets.Value("string"),
                              "references": datasets.Sequence(datasets.Value("string"))})


FAMILY = Family(name="orqa", score=score, summarize=summarize, read_files=read_files, features=features,
                interval_scale={"accuracy": 1.0}, check_options=check_options)
