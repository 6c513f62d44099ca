"""Score prediction files against gold data files, as the official scripts do.

This is what ``qascore score`` and ``qascore compare`` run, and what the Space's upload tab
calls: files are read with :mod:`qascore.io`, paired by question id (:func:`pair_by_id`), and scored by
:func:`qascore.evaluation.compute_paired` with the official scripts' rules for incomplete files (a question
without a prediction scores 0, a prediction for an unknown id is ignored; both are counted).

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "gold.jsonl").write_text('{"id": "q1", "answers": ["Denver Broncos"]}\\n'
...                                       '{"id": "q2", "answers": ["Santa Clara"]}\\n')
>>> _ = (folder / "preds.json").write_text(json.dumps({"q1": "the Broncos", "q3": "Paris"}))
>>> scored = score_files(folder / "gold.jsonl", folder / "preds.json")
>>> scored["results"], scored["counts"]["missing"], scored["counts"]["extra"]
({'exact_match': 0.0, 'f1': 33.33333333333333}, 1, 1)
"""

from __future__ import annotations

import sys
from pathlib import Path

import qascore

from .evaluation import compute_paired
from .formats import Examples
from .io import load_no_answer_probabilities, load_predictions, load_references

__all__ = ["score_files", "pair_by_id", "raw_scores", "compare_files", "summary_counts"]

_LARGE_FILE_BYTES = 1_000_000  # show the progress line for data files at least this big


def score_files(
    data: str | Path,
    predictions: str | Path,
    *,
    preset: str = "squad",
    language: str | None = None,
    no_answer_file: str | Path | None = None,
    no_answer_threshold: float | None = None,
    split: str | None = None,
    strict: bool = False,
    per_example: bool = False,
    progress: bool = False,
    num_proc: int = 1,
) -> dict:
    """Score a predictions file against a data file the way the official scripts do.

    Returns ``{"results", "signature", "options", "counts", "references", "predictions",
    "no_answer"}``: the scores, their signature, the qascore options used, the counts, and the
    loaded gold records, ``{id: text}`` predictions and ``{id: score}`` no-answer scores (or None).
    ``counts`` has the number of questions, of predictions scored, of questions without a
    prediction (``missing``, scored 0) and of predictions for ids not in the data (``extra``,
    ignored). ``per_example=True`` keeps per-question scores in ``results["per_example"]``;
    ``num_proc`` scores on that many processes (same numbers).
    """
    with _Stages(enabled=progress and _is_large(data)) as stages:
        stages.next(f"reading {Path(data).name}")
        references = load_references(data, split=split)
        stages.next(f"reading {Path(predictions).name}")
        predicted = load_predictions(predictions)
        no_answer = None if no_answer_file is None else load_no_answer_probabilities(no_answer_file)
        if no_answer is not None and preset != "squad_v2":
            raise ValueError(f"{no_answer_file}: no-answer scores apply to preset squad_v2 only, not {preset}")
        examples, counts = pair_by_id(references, predicted, no_answer, no_answer_file=no_answer_file)
        if strict and (counts["missing"] or counts["extra"]):
            raise ValueError(
                f"{predictions}: {counts['missing']} questions of {data} have no prediction "
                f"(first: {counts['missing_ids'][:3]}) and {counts['extra']} predictions have ids not in the "
                f"data (first: {counts['extra_ids'][:3]}); drop --strict to score missing questions 0 and "
                "ignore the extras as the official scripts do"
            )
        if not counts["predicted"]:
            raise ValueError(f"{predictions}: none of its ids is a question of {data}; are these the right files?")
        options = _options(preset=preset, language=language, no_answer_threshold=no_answer_threshold)
        stages.next(f"scoring {len(references)} questions")
        results = compute_paired(examples, return_per_example=per_example, num_proc=num_proc, **options)
    return {
        "results": results,
        "signature": qascore.signature(**options),
        "counts": counts,
        "references": references,
        "predictions": predicted,
        "no_answer": no_answer,
        "options": options,
    }


def _options(*, preset: str, language: str | None, no_answer_threshold: float | None) -> dict:
    """qascore options for file scoring: official handling of missing and extra predictions."""
    options = {"preset": preset, "missing": "zero", "extra": "ignore"}
    if language is not None:
        options["language"] = language
    if no_answer_threshold is not None:
        options["no_answer_threshold"] = no_answer_threshold
    return options


def pair_by_id(references: list[dict], predicted: dict, no_answer: dict | None = None, *,
               no_answer_file: str | Path | None = None) -> tuple[Examples, dict]:
    """Pair loaded gold records with ``{id: text}`` predictions, in data order, as the official scripts do.

    A question without a prediction gets None (it scores 0); predictions for unknown ids are
    left out. Returns the examples and the counts (``questions``, ``predicted``, ``missing``,
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
    scores = None
    if no_answer is not None:
        scores = [None if text is None else no_answer.get(question_id) for question_id, text in zip(ids, texts)]
        unscored = [question_id for question_id, text, score in zip(ids, texts, scores) if text is not None and score is None]
        if unscored:
            raise ValueError(f"{no_answer_file}: has no no-answer score for question id {unscored[0]!r}")
    examples = Examples(predictions=texts, references=[record["answers"]["text"] for record in references], ids=ids,
                        no_answer_probabilities=scores)
    counts = {"questions": len(ids), "predicted": matched, "missing": len(missing), "extra": len(extra),
              "missing_ids": missing, "extra_ids": extra}
    return examples, counts


def _is_large(path: str | Path) -> bool:
    path = Path(path)
    return path.is_file() and path.stat().st_size >= _LARGE_FILE_BYTES


class _Stages:
    """A one-line progress display on stderr over the stages of a long run (read, read, score)."""

    def __init__(self, *, enabled: bool, total: int = 3):
        self._enabled = enabled
        self._total = total
        self._done = 0
        self._width = 0

    def next(self, description: str) -> None:
        if not self._enabled:
            return
        self._done += 1
        line = f"qascore [{self._done}/{self._total}] {description} ..."
        self._width = max(self._width, len(line))
        sys.stderr.write("\r" + line.ljust(self._width))
        sys.stderr.flush()

    def __enter__(self) -> "_Stages":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._enabled and self._done:
            sys.stderr.write("\r" + " " * self._width + "\r")  # clear the line for the results
            sys.stderr.flush()


def raw_scores(scored: dict) -> dict:
    """What the no-answer plots need from a :func:`score_files` run.

    Per-question EM and F1 (0-1) before any no-answer threshold, in data order, and, when
    no-answer scores were given, each question's score and whether it has a gold answer:
    ``{"exact", "f1", "no_answer_scores", "has_answer"}`` (the last two None without scores).
    """
    options = {key: value for key, value in scored["options"].items() if key != "no_answer_threshold"}
    examples, _ = pair_by_id(scored["references"], scored["predictions"])
    per_example = compute_paired(examples, return_per_example=True, **options)["per_example"]
    exact_key = next(key for key in per_example if key not in ("id", "f1"))
    raw = {"exact": per_example[exact_key], "f1": per_example["f1"], "no_answer_scores": None, "has_answer": None}
    if scored["no_answer"] is not None:
        # A question without a prediction never abstains (-inf), as qascore scores it.
        raw["no_answer_scores"] = [scored["no_answer"].get(r["id"], float("-inf")) for r in scored["references"]]
        raw["has_answer"] = [bool(record["answers"]["text"]) for record in scored["references"]]
    return raw


# ---------------------------------------------------------------- comparing two systems


def compare_files(
    predictions_a: str | Path,
    predictions_b: str | Path,
    *,
    data: str | Path,
    preset: str = "squad",
    language: str | None = None,
    split: str | None = None,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    seed: int = 0,
) -> dict:
    """Paired bootstrap of systems A and B on the questions of ``data``.

    Returns ``{"comparison": {<em key>: ..., "f1": ...}, "signature", "counts": {"a", "b"}}``;
    each comparison is :func:`qascore.compare.paired_bootstrap` of the per-question scores
    (difference B - A), both systems scored as :func:`score_files` does.
    """
    from .compare import paired_bootstrap

    scored = [
        score_files(data, path, preset=preset, language=language, split=split, per_example=True)
        for path in (predictions_a, predictions_b)
    ]
    per_a, per_b = (run["results"]["per_example"] for run in scored)
    comparison = {}
    for name in per_a:
        if name == "id":
            continue
        comparison[name] = paired_bootstrap(
            per_a[name], per_b[name], n_resamples=n_resamples, confidence_level=confidence_level, seed=seed
        )
    return {
        "comparison": comparison,
        "signature": scored[0]["signature"],
        "counts": {"a": summary_counts(scored[0]["counts"]), "b": summary_counts(scored[1]["counts"])},
    }


def summary_counts(counts: dict) -> dict:
    """The counts of :func:`score_files` without the id lists (for printing)."""
    return {key: value for key, value in counts.items() if not key.endswith("_ids")}
