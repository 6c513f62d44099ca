"""MRQA 2019's per-question EM and F1: SQuAD v1.1's rules, on qascore's array scorer.

``mrqa_official_eval.py`` is SQuAD v1.1's ``evaluate-v1.1.py`` over MRQA's files: SQuAD's
``normalize_answer``, token F1 that is 0 without a common token (so an empty prediction
scores F1 0 even against a gold that also normalises to nothing, EM 1), the best gold
counting. That is :func:`qascore.scoring.exact_f1.score_examples` with the ``squad``
normaliser and ``unanswerable=False``.

>>> exact, f1 = score_questions(["the Broncos", None], [["Denver Broncos"], ["Paris"]])
>>> exact.tolist(), f1.tolist()
([0.0, 0.0], [0.6666666666666666, 0.0])
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np

from qascore.normalize import SquadNormalizer
from qascore.scoring.exact_f1 import score_examples

__all__ = ["score_questions"]


def score_questions(predictions: Sequence[Optional[str]],
                    references: Sequence[Sequence[str]]) -> Tuple[np.ndarray, np.ndarray]:
    """Per-question EM (0 or 1) and F1 (0 to 1), float64 arrays; a None prediction scores 0."""
    exact, f1, _ = score_examples(predictions, references, SquadNormalizer(), unanswerable=False)
    return exact, f1
