"""Per-example facts that need the model's inputs: is the prediction grounded, what type is the question.

Computed only when ``inputs`` (the question, or the prompt the model saw) are given;
:mod:`qascore.scoring.results` turns them into the grounding rate and the scores per question type.

>>> question_type("When did the Normans arrive?")
'when'
>>> question_type("Context: ...\\nQuestion: Whose idea was it?\\nAnswer:")
'who'
>>> question_type("Name the river.")
'other'
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

__all__ = [
    "QUESTION_TYPES",
    "question_type",
    "question_type_codes",
    "is_grounded",
    "grounding_flags",
]

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


def grounding_flags(predictions: Sequence[Optional[str]], inputs: Sequence[Optional[str]], normalize) -> List[int]:
    """Per example: 1 if the normalised prediction is in its normalised input, 0 if not, -1 if it is empty.

    >>> from qascore.normalize import SquadNormalizer
    >>> grounding_flags(["Paris", "Lyon", "", None], ["Is Paris the capital?", "Where?", "x", "y"],
    ...                 SquadNormalizer().normalize)
    [1, 0, -1, -1]
    """
    flags = []
    for prediction, text in zip(predictions, inputs):
        normalized = normalize(prediction) if prediction is not None and text is not None else ""
        flags.append(int(is_grounded(normalized, normalize(text))) if normalized else -1)
    return flags


def question_type_codes(inputs: Sequence[Optional[str]]) -> List[int]:
    """The index in :data:`QUESTION_TYPES` of each input's question type.

    >>> question_type_codes(["Who?", "Name it."])
    [1, 7]
    """
    return [QUESTION_TYPES.index(question_type(text or "")) for text in inputs]
