"""Diagnostics that need the model's inputs: grounding rate and scores by question type.

Both are computed only when ``inputs`` (the question, or the prompt the model saw) are given.

>>> question_type("When did the Normans arrive?")
'when'
>>> question_type("Context: ...\\nQuestion: Whose idea was it?\\nAnswer:")
'who'
>>> question_type("Name the river.")
'other'
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence

__all__ = ["QUESTION_TYPES", "question_type", "is_grounded", "grounding_rate", "scores_by_question_type"]

QUESTION_TYPES = ("what", "who", "when", "where", "which", "why", "how", "other")

_WH_WORD = re.compile(r"\b(what|who|whom|whose|when|where|which|why|how)\b", re.IGNORECASE)
_QUESTION_LINE = re.compile(r"question\s*:\s*(.*)", re.IGNORECASE)
_SYNONYMS = {"whom": "who", "whose": "who"}


def question_type(text: str) -> str:
    """The first wh-word of the question: what/who/when/where/which/why/how, else "other".

    In a prompt with a ``Question:`` line only that line is read, so wh-words in the
    context do not count.
    """
    lines = _QUESTION_LINE.findall(text)
    question = lines[-1] if lines else text
    match = _WH_WORD.search(question)
    if match is None:
        return "other"
    word = match.group(1).lower()
    return _SYNONYMS.get(word, word)


def is_grounded(normalized_prediction: str, normalized_input: str) -> bool:
    """True when the normalised prediction appears verbatim (as a substring) in the normalised input."""
    return normalized_prediction in normalized_input


def grounding_rate(predictions: Sequence[Optional[str]], inputs: Sequence[Optional[str]], normalize) -> Optional[float]:
    """Share (0-100) of non-empty predictions found verbatim, after normalisation, in their input.

    None when no prediction is non-empty.

    >>> from qascore.normalize import SquadNormalizer
    >>> grounding_rate(["Paris", "Lyon", ""], ["Is Paris the capital?", "Where?", "x"], SquadNormalizer().normalize)
    50.0
    """
    grounded = answered = 0
    for prediction, text in zip(predictions, inputs):
        if prediction is None or text is None:
            continue
        normalized = normalize(prediction)
        if not normalized:
            continue
        answered += 1
        grounded += is_grounded(normalized, normalize(text))
    return 100.0 * grounded / answered if answered else None


def scores_by_question_type(
    inputs: Sequence[Optional[str]], per_example: Dict[str, Sequence[float]]
) -> Dict[str, float]:
    """Mean of each per-example score (x100) per question type, as flat keys like ``f1_who``.

    Only the types that occur are reported, each with its count (``count_who``).

    >>> scores_by_question_type(["Who?", "Who else?", "How?"], {"f1": [1.0, 0.5, 0.0]})
    {'f1_who': 75.0, 'count_who': 2, 'f1_how': 0.0, 'count_how': 1}
    """
    members: Dict[str, List[int]] = {}
    for index, text in enumerate(inputs):
        members.setdefault(question_type(text or ""), []).append(index)
    results: Dict[str, float] = {}
    for kind in QUESTION_TYPES:
        indices = members.get(kind)
        if not indices:
            continue
        for name, scores in per_example.items():
            results[f"{name}_{kind}"] = 100.0 * sum(scores[i] for i in indices) / len(indices)
        results[f"count_{kind}"] = len(indices)
    return results
