"""JSQuAD's per-question EM and character F1, on qascore's array scorer.

JGLUE's patch to transformers' ``squad_metrics.py`` changes the normalisation (lower case,
no punctuation removal, trailing ``。`` stripped instead of English articles, white space
collapsed) and counts F1 over the characters of the normalised strings, the single spaces
the collapse leaves included. Everything else is SQuAD v2.0's rules, which
:func:`qascore.scoring.exact_f1.score_examples` has with ``unanswerable=True``: golds that
normalise to nothing are dropped, with none left only the empty prediction is right, and
empty against empty has F1 1.

>>> normalizer = JsquadNormalizer()
>>> normalizer.normalize("東京タワー。。"), normalizer.normalize("答え。 "), normalizer.normalize("A  b")
('東京タワー', '答え。', 'a b')
>>> normalizer.tokenize("a b")
['a', ' ', 'b']
>>> exact, f1 = score_questions(["東京", "東京タワー。"], [["東京タワー"], ["東京タワー"]])
>>> exact.tolist(), f1.tolist()
([0.0, 1.0], [0.5714285714285715, 1.0])
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

import numpy as np

from qascore.normalize import Normalizer
from qascore.scoring.exact_f1 import score_examples

__all__ = ["JsquadNormalizer", "score_questions"]


class JsquadNormalizer(Normalizer):
    """``normalize_answer`` of JGLUE's patched ``squad_metrics.py``; F1 counts characters."""

    name = "jsquad"

    def normalize(self, text: str) -> str:
        return " ".join(text.lower().rstrip("。").split())

    def tokenize(self, normalized: str) -> List[str]:
        return list(normalized)


def score_questions(predictions: Sequence[str], references: Sequence[Sequence[str]]) -> Tuple[np.ndarray, np.ndarray]:
    """Per-question EM (0 or 1) and character F1 (0 to 1), float64 arrays."""
    exact, f1, _ = score_examples(predictions, references, JsquadNormalizer(), unanswerable=True)
    return exact, f1
