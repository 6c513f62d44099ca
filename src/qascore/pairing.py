"""Pairing by question id: the one place predictions meet their gold answers by id.

:func:`pair_rows` pairs id-carrying rows under a policy for questions without a prediction
(``missing``) and predictions for unknown ids (``extra``): "error" raises, naming the ids;
"zero" and "ignore" score a missing question 0 and leave an unknown id out, as the official
scripts do. Either way the ids are counted. ``qascore.compute``'s SQuAD records
(:func:`qascore.records.align`) and the files (:func:`pair_by_id`) both pair here.

>>> examples, counts = pair_rows(["q1", "q2"], [["Paris"], ["Rome"]], ["q2", "q9"], ["Rome", "Oslo"],
...                              missing="zero", extra="ignore")
>>> examples.predictions, counts["missing_ids"], counts["extra_ids"]
([None, 'Rome'], ['q1'], ['q9'])
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

__all__ = ["Examples", "pair_rows", "pair_by_id", "check_distinct_ids", "lookalike_ids"]

_SHOWN = 5  # how many offending ids an error message lists


@dataclass
class Examples:
    """Predictions paired with their gold answers, ready to score.

    ``predictions[i]`` is None when question ``i`` has no prediction (``missing="zero"``).
    ``ids``, ``no_answer_probabilities`` and ``inputs`` are None when not given.

    ``no_answer_order[i]`` is the place of question ``i``'s no-answer score in the order the
    official v2.0 script walks them: the order the predictions came in (or the keys of the
    ``--na-prob-file``). Its best-threshold search is a stable sort of the scores, so tied
    scores keep that order and the result depends on it. None means the examples' own order
    (plain lists, paired by position).
    """

    predictions: list[Optional[str]]
    references: list[list[str]]
    ids: Optional[list[str]] = None
    no_answer_probabilities: Optional[list[Optional[float]]] = None
    inputs: Optional[list[Optional[str]]] = None
    no_answer_order: Optional[list[int]] = None

    def __len__(self) -> int:
        return len(self.references)


def _listing(ids: list[str]) -> str:
    shown = ", ".join(repr(id_) for id_ in ids[:_SHOWN])
    return shown + (f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else "")


def lookalike_ids(prediction_ids: Sequence[str], reference_ids: Sequence[str]) -> str:
    """A sentence on ids that differ only in Unicode normalisation (NFC vs NFD), or "".

    Such ids print alike but are different strings, so they show up as missing and extra.

    >>> print(lookalike_ids(["Zu\\u0308rich"], ["Z\\u00fcrich"]))
     1 of them differ from a reference id only in Unicode normalisation (NFC vs NFD), e.g. 'Zu\\u0308rich' vs 'Z\\xfcrich'; normalise both sides' ids with unicodedata.normalize('NFC', id).
    """
    if not prediction_ids or not reference_ids:
        return ""
    by_form = {unicodedata.normalize("NFC", id_): id_ for id_ in reference_ids}
    pairs = [(id_, by_form[unicodedata.normalize("NFC", id_)]) for id_ in prediction_ids
             if unicodedata.normalize("NFC", id_) in by_form]
    if not pairs:
        return ""
    return (
        f" {len(pairs)} of them differ from a reference id only in Unicode normalisation (NFC vs NFD), "
        f"e.g. {ascii(pairs[0][0])} vs {ascii(pairs[0][1])}; normalise both sides' ids with "
        "unicodedata.normalize('NFC', id)."
    )


def _matched_copies(reference_ids: Sequence[str], matched: list[Optional[int]],
                    prediction_ids: Sequence[str]) -> list[Optional[int]]:
    """Pair the k-th copy of a repeated reference id with the k-th copy of its prediction (the
    last one when there are fewer), so that each copy keeps its own place in the predictions'
    order (squad_v2's best-threshold walk).

    Bootstrap resampling repeats whole examples, so an id may come several times; each copy
    is one more row to score (:func:`qascore.records.align` refuses copies that differ).
    """
    copies: dict[str, list[int]] = {}
    for index, id_ in enumerate(prediction_ids):
        copies.setdefault(id_, []).append(index)
    seen: dict[str, int] = {}
    paired = []
    for id_, index in zip(reference_ids, matched):
        found = copies.get(id_)
        if found is not None and len(found) > 1:
            count = seen.get(id_, 0)
            index = found[min(count, len(found) - 1)]
            seen[id_] = count + 1
        paired.append(index)
    return paired


def pair_rows(
    reference_ids: Sequence[str],
    references: list[list[str]],
    prediction_ids: Sequence[str],
    predictions: Sequence[str],
    *,
    no_answer_probabilities: Optional[Sequence[float]] = None,
    inputs: Optional[Sequence[str]] = None,
    missing: str = "error",
    extra: str = "error",
) -> tuple[Examples, dict]:
    """Pair each reference with the prediction of the same id, in the references' order.

    ``no_answer_probabilities`` and ``inputs`` go with the predictions; a question's place
    among the predictions is its ``no_answer_order``. Returns the examples and the counts
    (``questions``, ``predicted``, ``missing``, ``extra`` and the ``missing_ids`` and
    ``extra_ids``).

    >>> pair_rows(["q1"], [["Paris"]], ["q1", "q9"], ["Paris", "Oslo"])
    Traceback (most recent call last):
    ...
    ValueError: 1 predictions have ids that no reference has: 'q9'. Remove them, or pass extra='ignore' to leave them out as the official scripts do.
    """
    position = dict(zip(prediction_ids, range(len(prediction_ids))))
    matched = list(map(position.get, reference_ids))
    absent = [id_ for id_, index in zip(reference_ids, matched) if index is None] if None in matched else []
    known = set(reference_ids)
    unknown = []
    if len(position) > len(known) - len(set(absent)):  # some prediction id is not a reference id
        unknown = [id_ for id_ in prediction_ids if id_ not in known]
    if unknown and extra == "error":
        raise ValueError(
            f"{len(unknown)} predictions have ids that no reference has: {_listing(unknown)}."
            f"{lookalike_ids(unknown, absent)} "
            "Remove them, or pass extra='ignore' to leave them out as the official scripts do."
        )
    if absent and missing == "error":
        raise ValueError(
            f"{len(absent)} references have no prediction: {_listing(absent)}.{lookalike_ids(unknown, absent)} "
            "Predict every question, or pass missing='zero' to score them 0 as the official v1.1 script does."
        )
    if len(position) < len(prediction_ids):
        matched = _matched_copies(reference_ids, matched, prediction_ids)

    def pick(values):
        return None if values is None else [None if index is None else values[index] for index in matched]

    examples = Examples(
        predictions=pick(predictions),
        references=references,
        ids=list(reference_ids),
        no_answer_probabilities=pick(no_answer_probabilities),
        inputs=pick(inputs),
        # a question without a prediction is never walked (it cannot abstain): any place will do
        no_answer_order=None if no_answer_probabilities is None else [-1 if index is None else index for index in matched],
    )
    counts = {"questions": len(matched), "predicted": len(matched) - len(absent), "missing": len(absent),
              "extra": len(unknown), "missing_ids": absent, "extra_ids": unknown}
    return examples, counts


def pair_by_id(ids: Sequence[str], answers: list[list[str]], predicted: dict, no_answer: dict | None = None, *,
               no_answer_file: str | Path | None = None, data_file: str | Path = "the data") -> tuple[Examples, dict]:
    """Pair the gold columns (``ids``, each question's ``answers``) with ``{id: text}`` predictions
    (every text a string, as :func:`qascore.files.readers.load_predictions` gives them), in data
    order, as the official scripts do.

    What :func:`pair_rows` gives with ``missing="zero"`` and ``extra="ignore"``: a question
    without a prediction gets None (it scores 0); predictions for unknown ids are left out.
    A repeated question id is refused (a ValueError naming ``data_file``), as is an empty ``ids``.
    When the predictions' keys are the ids in data order (a predictions file written question
    by question), one list comparison pairs them and proves the ids distinct (a dict's keys
    are); otherwise each question is looked up once in the predictions dict, after
    :func:`check_distinct_ids`: 0.35 s at 1M questions, where :func:`pair_rows`, which also
    pairs repeated ids, takes 0.8 s (CPU time, side by side).
    Tied no-answer scores keep the order of ``no_answer``'s keys (the official script's stable
    sort walks the ``--na-prob-file`` in its own order). Returns the examples and the counts.

    >>> examples, counts = pair_by_id(["q1", "q2"], [["Paris"], ["Rome"]], {"q1": "Paris", "q9": "Oslo"})
    >>> examples.predictions, counts["missing_ids"], counts["extra_ids"]
    (['Paris', None], ['q2'], ['q9'])
    >>> pair_by_id(["q1", "q2"], [["Paris"], ["Rome"]], {"q1": "Paris", "q2": "Rome"})[0].predictions
    ['Paris', 'Rome']
    """
    ids = list(ids)
    if not ids:
        raise ValueError(f"{data_file}: contains no questions")
    if len(predicted) == len(ids) and list(predicted) == ids:
        predictions, missing, missing_ids, extra_ids = list(predicted.values()), 0, [], []
    else:
        check_distinct_ids(ids, data_file)
        predictions = list(map(predicted.get, ids))
        missing = predictions.count(None)
        missing_ids = [question_id for question_id, text in zip(ids, predictions) if text is None] if missing else []
        extra_ids = []
        if len(predicted) > len(ids) - missing:  # some prediction is for an id the data does not have
            known = set(ids)
            extra_ids = [question_id for question_id in predicted if question_id not in known]
    examples = Examples(predictions=predictions, references=answers, ids=ids)
    counts = {"questions": len(ids), "predicted": len(ids) - missing, "missing": missing, "extra": len(extra_ids),
              "missing_ids": missing_ids, "extra_ids": extra_ids}
    if no_answer is not None:
        scores = [None if text is None else no_answer.get(question_id)
                  for question_id, text in zip(ids, examples.predictions)]
        unscored = [question_id for question_id, text, score in zip(ids, examples.predictions, scores)
                    if text is not None and score is None]
        if unscored:
            raise ValueError(f"{no_answer_file}: has no no-answer score for question id {unscored[0]!r}")
        place = dict(zip(no_answer, range(len(no_answer))))
        examples.no_answer_probabilities = scores
        examples.no_answer_order = [place.get(question_id, -1) for question_id in ids]
    return examples, counts


def check_distinct_ids(ids: Sequence[str], source: str | Path) -> None:
    """A ValueError naming ``source`` if ``ids`` is empty or holds an id twice.

    >>> check_distinct_ids(["q1", "q2", "q1"], "dev.json")
    Traceback (most recent call last):
    ValueError: dev.json: question id 'q1' appears twice (second at position 2)
    """
    if not ids:
        raise ValueError(f"{source}: contains no questions")
    if len(set(ids)) == len(ids):
        return
    seen: set[str] = set()
    for index, question_id in enumerate(ids):
        if question_id in seen:
            raise ValueError(f"{source}: question id {question_id!r} appears twice (second at position {index})")
        seen.add(question_id)
