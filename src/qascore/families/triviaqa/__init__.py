"""The TriviaQA family: ``triviaqa_evaluation.py``'s exact match and F1.

Preset ``triviaqa`` (rules in :mod:`.rules`, their plain twin in :mod:`.reference`, the
dataset's keys in :mod:`.dataset`, files in :mod:`.files`). Its normalisation is its own: ``_``
and ASCII punctuation and ‘ ’ ´ ` become spaces, articles go, no Unicode normalisation; ground
truths are NormalizedAliases plus normalised HumanAnswers.

Results are the script's: ``exact_match`` and ``f1`` in percent over every key (a key without a
prediction scores 0), ``common`` (keys with a prediction), ``denominator`` and ``gold_len``
(keys), ``pred_len`` (predictions given, for known keys or not).

>>> import qascore
>>> qascore.compute(["Sunset Blvd", "Paris"], [["sunset blvd", "sunset boulevard"], ["rome"]], preset="triviaqa")
{'exact_match': 50.0, 'f1': 50.0, 'common': 2, 'denominator': 2, 'pred_len': 2, 'gold_len': 2}
"""

from __future__ import annotations

from qascore.families import Family, PerQuestion
from qascore.families.triviaqa.dataset import DOMAINS
from qascore.families.triviaqa.files import read_pairs
from qascore.families.triviaqa.inputs import paired
from qascore.families.triviaqa.rules import score_questions, sum_in_order

__all__ = ["FAMILY"]


def check_options(preset, given: dict) -> dict:
    """``domain`` (Wikipedia or Web) and ``verified_eval`` (True or False); None: the dataset's own."""
    domain, verified_eval = given["domain"], given["verified_eval"]
    if domain is not None and domain not in DOMAINS:
        raise ValueError(f"domain must be one of {', '.join(DOMAINS)} (a TriviaQA dataset's Domain); got {domain!r}.")
    if verified_eval is not None and not isinstance(verified_eval, bool):
        raise TypeError(f"verified_eval must be True or False (a TriviaQA dataset's VerifiedEval); "
                        f"got {verified_eval!r}.")
    return {"domain": domain, "verified_eval": verified_eval}


def score(predictions, references, inputs, options) -> PerQuestion:
    """Each key's EM (0 or 1) and F1 (0-1). ``details``: ``correct`` (EM as bools), ``common``,
    ``pred_len``, and the normal forms ``predictions`` (None where missing) and ``answers``."""
    if inputs is not None:
        raise ValueError("inputs= does not apply to preset 'triviaqa'; the official script scores answers only.")
    predicted, truths, keys, pred_len = paired(predictions, references, options)
    forms: dict = {}
    exact, f1 = score_questions(predicted, truths, normal_forms=forms)
    details = {"correct": exact == 1.0, "common": sum(prediction is not None for prediction in predicted),
               "pred_len": pred_len, **forms}
    return PerQuestion(scores={"exact_match": exact, "f1": f1}, ids=keys, details=details)


def summarize(per_question: PerQuestion, options) -> dict:
    """The script's figures; sums run over keys in order, as its loop adds them."""
    exact, f1 = per_question.scores["exact_match"], per_question.scores["f1"]
    if not len(exact):
        raise ValueError("There are no questions to score (the official script divides by their number).")
    total = len(exact)
    return {"exact_match": 100.0 * int(exact.sum()) / total, "f1": 100.0 * sum_in_order(f1) / total,
            "common": int(per_question.details["common"]), "denominator": total,
            "pred_len": int(per_question.details["pred_len"]), "gold_len": total}


def read_files(data, predictions, options, *, duplicate_keys="error", overridden=None) -> tuple:
    """The dataset JSON and the ``{key: answer}`` predictions, paired by key (see :mod:`.files`)."""
    return read_pairs(data, predictions, domain=options.family_option("domain"),
                      verified_eval=options.family_option("verified_eval"), duplicate_keys=duplicate_keys,
                      overridden=overridden)


def file_figures(counts: dict) -> dict:
    """``pred_len`` of a files run counts every prediction of the file, for known keys or not."""
    return {"pred_len": counts["pred_len"]}


def features(preset: str):
    """Predictions are strings, references lists of ground-truth strings."""
    import datasets

    return datasets.Features({"predictions": datasets.Value("string"),
                              "references": datasets.Sequence(datasets.Value("string"))})


FAMILY = Family(name="triviaqa", score=score, summarize=summarize, read_files=read_files, features=features,
                interval_scale={"exact_match": 100.0, "f1": 100.0}, check_options=check_options,
                file_figures=file_figures)
