"""Pair loaded gold records with ``{id: text}`` predictions by question id, as the official scripts do.

A question without a prediction gets None (it scores 0); a prediction for an id that is not
in the data is left out. Both are counted, with their ids.
"""

from __future__ import annotations

from pathlib import Path

from qascore.records import Examples

__all__ = ["pair_by_id"]


def pair_by_id(references: list[dict], predicted: dict, no_answer: dict | None = None, *,
               no_answer_file: str | Path | None = None) -> tuple[Examples, dict]:
    """Pair loaded gold records with ``{id: text}`` predictions, in data order, as the official scripts do.

    A question without a prediction gets None (it scores 0); predictions for unknown ids are
    left out. Tied no-answer scores keep the order of ``no_answer``'s keys (the official
    script's stable sort walks the ``--na-prob-file`` in its own order). Returns the examples and the counts (``questions``, ``predicted``, ``missing``,
    ``extra`` and the ``missing_ids`` and ``extra_ids``).

    >>> examples, counts = pair_by_id([{"id": "q1", "answers": {"text": ["Paris"]}},
    ...                                {"id": "q2", "answers": {"text": ["Rome"]}}], {"q1": "Paris", "q9": "Oslo"})
    >>> examples.predictions, counts["missing_ids"], counts["extra_ids"]
    (['Paris', None], ['q2'], ['q9'])
    """
    ids = [record["id"] for record in references]
    texts = list(map(predicted.get, ids))
    missing = [question_id for question_id, text in zip(ids, texts) if text is None] if None in texts else []
    matched = len(ids) - len(missing)
    extra = []
    if matched < len(predicted):
        known = set(ids)
        extra = [question_id for question_id in predicted if question_id not in known]
    scores = order = None
    if no_answer is not None:
        scores = [None if text is None else no_answer.get(question_id) for question_id, text in zip(ids, texts)]
        unscored = [question_id for question_id, text, score in zip(ids, texts, scores) if text is not None and score is None]
        if unscored:
            raise ValueError(f"{no_answer_file}: has no no-answer score for question id {unscored[0]!r}")
        place = dict(zip(no_answer, range(len(no_answer))))
        order = [place.get(question_id, -1) for question_id in ids]
    examples = Examples(predictions=texts, references=[record["answers"]["text"] for record in references], ids=ids,
                        no_answer_probabilities=scores, no_answer_order=order)
    counts = {"questions": len(ids), "predicted": matched, "missing": len(missing), "extra": len(extra),
              "missing_ids": missing, "extra_ids": extra}
    return examples, counts
