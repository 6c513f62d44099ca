"""Inputs and files shared by the families whose questions are SQuAD-like: gold answer lists
and ``{id: text}`` predictions (cmrc2018/drcd, jsquad, mrqa).

Their official scripts score strings as SQuAD's do but with other rules or result keys, so
they are families; what they take in is the same, and is checked here, where it enters:
``predictions`` a list of strings (None: no prediction for that question), ``references``
a list with each question's gold answers in any shape :func:`qascore.records.answers_of`
reads (a list of strings, a ``datasets`` ``answers`` row, SQuAD's answer objects).

>>> from qascore.options import make_options
>>> checked_inputs(["Paris"], [{"text": ["Paris", "the city"], "answer_start": [0, 4]}], make_options("mrqa"))
(['Paris'], [['Paris', 'the city']])
>>> checked_inputs([None], [["Rome"]], make_options("mrqa"))
Traceback (most recent call last):
...
ValueError: predictions[0] is None (no prediction) and missing='error'; predict every question, or pass missing='zero' to score it 0 as the official script does.
"""

from __future__ import annotations

from itertools import chain
from typing import List, Optional, Sequence, Tuple

from qascore.records import all_of_type, answers_of

__all__ = ["checked_inputs", "answer_list_features", "read_paired_files"]


def checked_inputs(predictions: Sequence, references: Sequence, options, *, allow_missing: bool = False,
                   allow_unanswerable: bool = False) -> Tuple[List[Optional[str]], List[List[str]]]:
    """The predictions and each question's gold answers as lists of strings, checked.

    A None prediction is refused unless ``options.missing == "zero"`` or ``allow_missing``;
    every question needs a gold answer (the official scripts take the best of them) unless
    ``allow_unanswerable``.
    """
    for name, values in (("predictions", predictions), ("references", references)):
        if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
            raise TypeError(f"{name} must be a list with one entry per question; got {type(values).__name__}.")
    if len(predictions) != len(references):
        raise ValueError(f"Got {len(predictions)} predictions but {len(references)} references; "
                         "pass one prediction per question.")
    predictions = list(predictions)
    if not all_of_type(predictions, str):  # the usual case is checked in one scan; else find the culprit
        _check_predictions(predictions, options, allow_missing)
    if all_of_type(references, list) and all_of_type(chain.from_iterable(references), str):
        answers = list(references)
    else:
        answers = [answers_of(value, f"references[{index}]") for index, value in enumerate(references)]
    for index in ([] if allow_unanswerable or all(answers) else range(len(answers))):
        if not answers[index]:
            raise ValueError(f"references[{index}] has no gold answer; preset {options.preset.name!r} scores "
                             "against the best of a question's gold answers, so each question needs one.")
    return predictions, answers


def _check_predictions(predictions: list, options, allow_missing: bool) -> None:
    for index, text in enumerate(predictions):
        if text is None:
            if options.missing != "zero" and not allow_missing:
                raise ValueError(f"predictions[{index}] is None (no prediction) and missing='error'; predict every "
                                 "question, or pass missing='zero' to score it 0 as the official script does.")
        elif not isinstance(text, str):
            raise TypeError(f"predictions[{index}] must be the answer text (a string); got "
                            f"{type(text).__name__}: {text!r:.60}.")


def answer_list_features(preset_name: str):
    """The evaluate module's features: a prediction string and a list of gold answer strings."""
    import datasets

    return datasets.Features({"predictions": datasets.Value("string"),
                              "references": datasets.Sequence(datasets.Value("string"))})


def read_paired_files(data, predictions, options, *, duplicate_keys: str = "error", overridden=None,
                      load_gold=None, allow_unanswerable: bool = False) -> tuple:
    """Gold data and ``{id: text}`` predictions paired by id in data order, as the official scripts pair them.

    ``load_gold(data, duplicate_keys=, overridden=)`` returns the gold ``(ids, answers)``; by
    default the SQuAD layout (:func:`qascore.files.readers.load_reference_columns`). A question
    without a prediction gets None, predictions for unknown ids are counted and left out. A
    question without gold answers is refused unless ``allow_unanswerable``.
    Returns ``(predictions, references, ids, counts)``.
    """
    from qascore.files.readers import load_predictions, load_reference_columns
    from qascore.pairing import pair_by_id

    reading = {"duplicate_keys": duplicate_keys, "overridden": overridden}
    if load_gold is None:
        columns = load_reference_columns(data, **reading)
        ids, answers = columns.ids, columns.answers
    else:
        ids, answers = load_gold(data, **reading)
    examples, counts = pair_by_id(ids, answers, load_predictions(predictions, **reading), data_file=data)
    for question_id, golds in zip(ids, answers):
        if not golds and not allow_unanswerable:
            raise ValueError(f"{data}: question {question_id!r} has no gold answer; preset {options.preset.name!r} "
                             "scores against the best of a question's gold answers, so each question needs one")
    return examples.predictions, examples.references, examples.ids, counts
