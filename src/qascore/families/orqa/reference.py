"""The ORQA and DPR answer rules, transcribed plainly: the twin the fast rules are tested against.

One string at a time, in the order the official code runs, with nothing cached:

* google-research/language ``language/orqa/utils/eval_utils.py`` (commit 865fae65):
  ``normalize_answer`` (NFD, lower case, ASCII punctuation deleted, the words a/an/the
  removed, white space collapsed) and exact match with any answer (``nq_open``,
  ``efficientqa``); ``regex_match_score``: ``re.match`` of each answer pattern with
  IGNORECASE, UNICODE and MULTILINE, a pattern that does not compile matching nothing
  (``curated_trec``, the script's ``--is_regex``);
* facebookresearch/DPR ``dpr/data/qa_validation.py`` ``has_answer`` with
  ``match_type="regex"``: NFD on text and pattern, the third-party ``regex`` module,
  ``search`` anywhere in the text (``curated_trec_search``);
* ``evaluate_predictions_impl``: questions keyed by their text, a question without a
  prediction counted in ``missing_predictions`` and scored 0.

>>> normalize_answer("The  Beatles!")
'beatles'
>>> evaluate({"who sang yesterday": ["The Beatles"]}, {"who sang yesterday": "beatles"}, "exact")
{'missing_predictions': 0, 'num_correct': 1, 'num_total': 1, 'accuracy': 1.0}
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Dict, List

__all__ = ["normalize_answer", "exact_match", "regex_match", "regex_search", "is_correct", "evaluate"]


def normalize_answer(text: str) -> str:
    """NFD, lower case, ASCII punctuation deleted, articles removed, white space collapsed."""
    text = unicodedata.normalize("NFD", text)
    text = text.lower()
    exclude = set(string.punctuation)
    text = "".join(character for character in text if character not in exclude)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answer: str) -> bool:
    """ORQA's exact match: equal after :func:`normalize_answer`."""
    return normalize_answer(prediction) == normalize_answer(answer)


def regex_match(prediction: str, pattern: str) -> bool:
    """ORQA's ``--is_regex`` rule: the pattern matches at the start of the raw prediction."""
    try:
        compiled = re.compile(pattern, flags=re.IGNORECASE + re.UNICODE + re.MULTILINE)
    except re.error:
        return False
    return compiled.match(prediction) is not None


def regex_search(prediction: str, pattern: str) -> bool:
    """DPR's ``has_answer`` regex rule: after NFD, the pattern (``regex`` module) occurs anywhere.

    DPR catches every exception of ``compile`` (a pattern that fails to compile matches nothing).
    """
    import regex

    text = unicodedata.normalize("NFD", prediction)
    try:
        compiled = regex.compile(unicodedata.normalize("NFD", pattern),
                                 flags=regex.IGNORECASE + regex.UNICODE + regex.MULTILINE)
    except Exception:
        return False
    return compiled.search(text) is not None


_RULES = {"exact": exact_match, "match": regex_match, "search": regex_search}


def is_correct(answers: List[str], prediction: str, rule: str) -> bool:
    """The best of ``rule`` over the answers (``max`` of an empty list fails, as in the script)."""
    return max(_RULES[rule](prediction, answer) for answer in answers)


def evaluate(references: Dict[str, List[str]], predictions: Dict[str, str], rule: str) -> dict:
    """``evaluate_predictions_impl``: the script's figures for question -> answers / prediction dicts."""
    missing_predictions = 0
    correct = 0
    for question, answers in references.items():
        if question in predictions:
            correct += int(is_correct(answers, predictions[question], rule))
        else:
            missing_predictions += 1
    return dict(missing_predictions=missing_predictions, num_correct=correct, num_total=len(references),
                accuracy=correct / float(len(references)))
