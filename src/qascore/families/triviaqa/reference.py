"""The TriviaQA official rules, transcribed plainly: the twin the fast rules are tested against.

mandarjoshi90/triviaqa ``evaluation/triviaqa_evaluation.py`` with ``utils/dataset_utils.py``
(commit ca43b582), one string at a time, in the script's order, with nothing cached:

* ``normalize_answer``: ``_`` becomes a space, lower case, every ASCII punctuation character
  and ‘ ’ ´ ` becomes a space (SQuAD and ORQA delete them), the words a/an/the removed, white
  space collapsed; no Unicode normalisation;
* the ground truths of a question are its ``NormalizedAliases`` plus its normalised
  ``HumanAnswers``, each normalised again when compared; EM and F1 are maxima over them;
* the dataset is keyed by ``QuestionId`` (Domain ``Wikipedia``) or ``QuestionId--Filename``
  for each document (Web); with ``VerifiedEval`` only verified questions (and, for Web,
  verified documents) count;
* ``evaluate_triviaqa``: keys without a prediction score 0; EM and F1 are percentages over
  all keys.

>>> normalize_answer("The_Beatles’ songs")
'beatles songs'
>>> evaluate({"q1": {"NormalizedAliases": ["beatles"]}}, {"q1": "Beatles!"})
{'exact_match': 100.0, 'f1': 100.0, 'common': 1, 'denominator': 1, 'pred_len': 1, 'gold_len': 1}
"""

from __future__ import annotations

import re
import string
from collections import Counter
from typing import Dict, List

__all__ = ["normalize_answer", "exact_match_score", "f1_score", "ground_truths", "key_to_ground_truth", "evaluate"]


def normalize_answer(text: str) -> str:
    """The script's normalisation (see the module docstring)."""
    text = text.replace("_", " ")
    text = text.lower()
    exclude = set(string.punctuation + "‘’´`")
    text = "".join(" " if character in exclude else character for character in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split()).strip()


def f1_score(prediction: str, ground_truth: str) -> float:
    """Token F1 of the normal forms; 0 when no token is shared (also when both are empty)."""
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    num_same = sum((Counter(prediction_tokens) & Counter(ground_truth_tokens)).values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def exact_match_score(prediction: str, ground_truth: str) -> bool:
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def ground_truths(answer: dict) -> List[str]:
    """``NormalizedAliases`` plus the normalised ``HumanAnswers``."""
    return answer["NormalizedAliases"] + [normalize_answer(human) for human in answer.get("HumanAnswers", [])]


def _verified(dataset: dict) -> List[dict]:
    """``read_triviaqa_data``: the questions (and Web documents) of the verified evaluation."""
    if not dataset["VerifiedEval"]:
        return dataset["Data"]
    kept = []
    for datum in dataset["Data"]:
        if datum["QuestionPartOfVerifiedEval"]:
            if dataset["Domain"] == "Web":
                datum = dict(datum)
                for key in ("EntityPages", "SearchResults"):
                    datum[key] = [page for page in datum.get(key, []) if page["DocPartOfVerifiedEval"]]
                assert len(datum["EntityPages"]) + len(datum["SearchResults"]) > 0
            kept.append(datum)
    return kept


def key_to_ground_truth(dataset: dict) -> Dict[str, dict]:
    """``get_key_to_ground_truth`` of the (verified) data: key -> the question's ``Answer``."""
    data = _verified(dataset)
    if dataset["Domain"] == "Wikipedia":
        return {datum["QuestionId"]: datum["Answer"] for datum in data}
    return {f"{datum['QuestionId']}--{page['Filename']}": datum["Answer"]
            for datum in data for page in datum.get("EntityPages", []) + datum.get("SearchResults", [])}


def evaluate(ground_truth: Dict[str, dict], predictions: Dict[str, str]) -> dict:
    """``evaluate_triviaqa``: key -> ``Answer`` and key -> predicted text, the script's figures."""
    f1 = exact_match = common = 0
    for key in ground_truth:
        if key not in predictions:
            continue
        common += 1
        truths = ground_truths(ground_truth[key])
        exact_match += max(exact_match_score(predictions[key], truth) for truth in truths)
        f1 += max(f1_score(predictions[key], truth) for truth in truths)
    return {"exact_match": 100.0 * exact_match / len(ground_truth), "f1": 100.0 * f1 / len(ground_truth),
            "common": common, "denominator": len(ground_truth), "pred_len": len(predictions),
            "gold_len": len(ground_truth)}
