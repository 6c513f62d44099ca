"""What the triviaqa preset accepts from :func:`qascore.compute`, checked where it enters.

* plain lists, paired by position: predictions are strings (None for a question without a
  prediction, with ``missing="zero"``); references are each question's ground truths (a list
  of strings, compared after normalisation) or its TriviaQA ``Answer`` object
  (``NormalizedAliases`` plus the normalised ``HumanAnswers``, as the script takes them);
* the script's own files, loaded: predictions ``{key: answer}`` and references the dataset
  JSON object (``{"Data", "Domain", "VerifiedEval", "Version"}``), keyed as the script keys it
  (see :mod:`.dataset`); ``domain`` and ``verified_eval``, when given, must be the dataset's own.

>>> from qascore.options import make_options
>>> paired({"q1": "Paris"}, [["paris"]], make_options("triviaqa"))
Traceback (most recent call last):
...
TypeError: predictions {key: answer} go with the dataset JSON object as references; got references of type list.
"""

from __future__ import annotations

from itertools import chain
from typing import List, Optional, Tuple

from qascore.families import checked_prediction
from qascore.families.triviaqa.dataset import ground_truths_of, keyed_ground_truths

__all__ = ["paired"]


def paired(predictions, references, options) -> Tuple[List[Optional[str]], List[List[str]], Optional[List[str]], int]:
    """``(predictions, ground truths, keys or None, pred_len)``, checked, in the script's key order.

    ``pred_len`` is the script's: every prediction given, for a known key or not.
    """
    if isinstance(predictions, dict) or isinstance(references, dict):
        if not isinstance(predictions, dict) or not isinstance(references, dict):
            raise TypeError("predictions {key: answer} go with the dataset JSON object as references; got "
                            f"references of type {type(references).__name__}." if isinstance(predictions, dict)
                            else "the dataset JSON object as references goes with predictions {key: answer}; got "
                            f"predictions of type {type(predictions).__name__}.")
        keyed = keyed_ground_truths(references, domain=options.family_option("domain"),
                                    verified_eval=options.family_option("verified_eval"))
        return _paired_by_key(predictions, keyed, options)
    for name, values in (("predictions", predictions), ("references", references)):
        if not isinstance(values, (list, tuple)):
            raise TypeError(f"{name} must be a list (or, for the script's files, a dict); got {type(values).__name__}.")
    if len(predictions) != len(references):
        raise ValueError(f"Got {len(predictions)} predictions but {len(references)} references; "
                         "pass one prediction per reference (None for a question without one, with missing='zero').")
    allowed = {str, type(None)} if options.missing == "zero" else {str}
    if (set(map(type, predictions)) <= allowed and set(map(type, references)) <= {list}
            and (not references or min(map(len, references)) > 0)
            and set(map(type, chain.from_iterable(references))) <= {str}):  # well formed: checked in C passes
        return list(predictions), list(references), None, len(predictions) - list(predictions).count(None)
    truths = [_truths(reference, index) for index, reference in enumerate(references)]
    answers = [index for index, reference in enumerate(references) if isinstance(reference, dict)]
    for index, truths_of in zip(answers, ground_truths_of([references[index] for index in answers],
                                                          [f"reference {index}" for index in answers])):
        truths[index] = truths_of
    checked = [checked_prediction(prediction, f"prediction {index}", options)
               for index, prediction in enumerate(predictions)]
    return checked, truths, None, sum(prediction is not None for prediction in checked)


def _truths(reference, index: int) -> List[str]:
    where = f"reference {index}"
    if isinstance(reference, dict):
        return []  # a TriviaQA Answer object: its ground truths are made for all of them at once
    if isinstance(reference, str):
        return [reference]
    if not isinstance(reference, (list, tuple)) or not all(isinstance(truth, str) for truth in reference):
        raise TypeError(f"{where} must be a list of ground-truth strings or a TriviaQA Answer object; "
                        f"got {reference!r:.80}.")
    if not reference:
        raise ValueError(f"{where} has no ground truth; the official script fails on such a question.")
    return list(reference)


def _paired_by_key(predictions: dict, keyed: dict, options):
    extra = [key for key in predictions if key not in keyed]
    if extra and options.extra != "ignore":
        raise ValueError(f"{len(extra)} predictions have keys not in the dataset (first: {extra[0]!r}); pass "
                         "extra='ignore' to leave them out as the official script does.")
    keys = list(keyed)
    missing = [key for key in keys if key not in predictions]
    if missing and options.missing != "zero":
        raise ValueError(f"{len(missing)} keys of the dataset have no prediction (first: {missing[0]!r}); pass "
                         "missing='zero' to score them 0 as the official script does.")
    checked = [checked_prediction(predictions.get(key), f"the prediction for {key!r}", options) for key in keys]
    for key in extra:
        checked_prediction(predictions[key], f"the prediction for {key!r}", options)
    return checked, [keyed[key] for key in keys], keys, len(predictions)
