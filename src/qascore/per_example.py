"""The one per-example row format, written as JSON Lines by ``qascore score --per-example`` and the
Trainer adapters' ``per_example_file=``.

A row is ``{"id", "prediction", "references", <exact key>, "f1"[, "no_answer_probability"]}``: the
question's id (its position as a string when there are no ids), the prediction (None: no
prediction, scored 0), all its gold answers, and its scores (0-1) under the results' own names
(``exact_match``, or ``exact`` for squad_v2) as :func:`qascore.compute` reports them.

>>> results = {"per_example": {"exact_match": [1.0, 0.0], "f1": [1.0, 0.5]}}
>>> rows = per_example_rows(results, ids=None, predictions=["Paris", "a dog"], references=[["Paris"], ["dog"]])
>>> rows[1]
{'id': '1', 'prediction': 'a dog', 'references': ['dog'], 'exact_match': 0.0, 'f1': 0.5}
"""

from __future__ import annotations

import json
from typing import IO, Dict, List, Optional, Sequence

__all__ = ["per_example_rows", "write_rows"]


def per_example_rows(results: dict, *, ids: Optional[Sequence[str]], predictions: Sequence[Optional[str]],
                     references: Sequence[Sequence[str]],
                     no_answer_probabilities: Optional[Sequence[Optional[float]]] = None) -> List[Dict[str, object]]:
    """One row per question from ``results["per_example"]`` (``return_per_example=True``) and what was scored."""
    scores = {key: values for key, values in results["per_example"].items() if key != "id"}
    rows = []
    for index, prediction in enumerate(predictions):
        reference = references[index]  # a family's record reference (HotpotQA, CoQA) is written as it is
        row = {"id": ids[index] if ids is not None else str(index), "prediction": prediction,
               "references": list(reference) if isinstance(reference, (list, tuple)) else reference}
        row.update((key, values[index]) for key, values in scores.items())
        if no_answer_probabilities is not None:
            row["no_answer_probability"] = no_answer_probabilities[index]
        rows.append(row)
    return rows


def write_rows(handle: IO[str], rows: List[Dict[str, object]]) -> None:
    """The rows as JSON Lines, texts as they are (UTF-8)."""
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
