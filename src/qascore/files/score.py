"""Score prediction files against gold data files, as the official scripts do.

This is what ``qascore score`` and ``qascore compare`` run, and what the Space's upload tab
calls: files are read with :mod:`qascore.files.readers`, paired by question id
(:func:`qascore.pairing.pair_by_id`) and scored with the official scripts' rules for
incomplete files (a question without a prediction scores 0, a prediction for an unknown id
is ignored; both are counted). Everything runs in one process: the gold data is read as
columns (:func:`qascore.files.readers.load_reference_columns`), and the cycle collector is
paused for the whole run (it would otherwise rescan the millions of strings being read).

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
from qascore.answer_keys import extract_examples, with_answer_keys
from qascore.api import make_options
from qascore.cyclic_gc import cyclic_gc_paused
from qascore.families import score_family_files
from qascore.files.readers import (
    ReferenceColumns,
    check_duplicate_keys,
    load_no_answer_probabilities,
    load_predictions,
    load_reference_columns,
)
from qascore.pairing import pair_by_id
from qascore.records import lookalike_ids
from qascore.scoring.results import score_aligned, summarize

__all__ = ["score_files", "pair_by_id", "raw_scores", "compare_files", "summary_counts", "check_coverage"]

_LARGE_FILE_BYTES = 1_000_000  # show the progress line for data files at least this big


def score_files(
    data: str | Path,
    predictions: str | Path,
    *,
    preset: str = "squad",
    language: str | None = None,
    normalizer: str | None = None,
    no_answer_file: str | Path | None = None,
    no_answer_threshold: float | None = None,
    split: str | None = None,
    strict: bool = False,
    per_example: bool = False,
    keep_examples: bool = False,
    progress: bool = False,
    duplicate_keys: str = "error",
    confidence_level: float | None = None,
    n_resamples: int | None = None,
    seed: int | None = None,
    map_abstentions: bool = False,
    abstentions: list[str] | None = None,
    question_types: bool = False,
    skip_no_answer: bool = False,
    lenient: bool | list[str] | None = None, extract_answers: bool = False,
    **family_options,
) -> dict:
    """Score a predictions file against a data file the way the official scripts do.

    Returns ``{"results", "signature", "options", "counts", "no_answer", "examples", "scored"}``:
    the scores, their signature, the qascore options used, the counts, the loaded
    ``{id: score}`` no-answer scores (or None) and, with ``keep_examples=True``, the paired
    examples (ids, prediction texts and gold answers in data order) and their per-question
    scores (:class:`qascore.scoring.results.ScoredExamples`, what :func:`raw_scores` reads;
    both None otherwise). ``counts`` has the number of questions, of predictions scored, of
    questions without a prediction (``missing``, scored 0) and of predictions for ids not in
    the data (``extra``, ignored).
    ``per_example=True`` also keeps per-question scores in ``results["per_example"]``.

    A JSON object that repeats a key (such as a prediction id), or a JSON Lines predictions or
    no-answer file that repeats an id, is an error (``duplicate_keys="error"``). With
    ``duplicate_keys="last"`` the last value is used, as the official scripts' ``json.load``
    does, and ``counts["overridden"]`` says how many values each file had replaced
    (``{file name: number}``, only files that had repeats).

    ``normalizer``, ``confidence_level``, ``n_resamples``, ``seed``, ``map_abstentions`` and
    ``abstentions`` are the options of :func:`qascore.compute`. ``question_types=True`` passes
    the data file's question texts as ``inputs=`` (scores per question type, grounding rate);
    every question then needs its text.
    """
    check_duplicate_keys(duplicate_keys)
    _check_split(data, split)
    overridden: dict = {}
    reading = {"duplicate_keys": duplicate_keys, "overridden": overridden}
    given = {"language": language, "normalizer": normalizer, "no_answer_threshold": no_answer_threshold,
             "confidence_level": confidence_level, "n_resamples": n_resamples, "seed": seed,
             "map_abstentions": map_abstentions or None, "abstentions": abstentions,
             "skip_no_answer": skip_no_answer or None, "lenient": lenient or None,
             "extract_answers": extract_answers or None, **family_options}
    options = {"preset": preset, "missing": "zero", "extra": "ignore",
               **{name: value for name, value in given.items() if value is not None}}
    checked = make_options(return_per_example=per_example, **options)
    if checked.preset.family is not None:
        if no_answer_file is not None or question_types:
            raise ValueError(f"no-answer files and question types apply to the SQuAD-style presets, "
                             f"not to {preset}")
        return score_family_files(data, predictions, checked, given=options, duplicate_keys=duplicate_keys,
                                  strict=strict, keep_examples=keep_examples)
    # One pause for the whole run: switched back on while the columns are alive, the collector would scan them all.
    with cyclic_gc_paused(), _Stages(3, enabled=progress and _is_large(data)) as stages:
        no_answer = None if no_answer_file is None else load_no_answer_probabilities(no_answer_file, **reading)
        if no_answer is not None and preset != "squad_v2":
            raise ValueError(f"{no_answer_file}: no-answer scores apply to preset squad_v2 only, not {preset}")
        stages.next(f"reading {Path(data).name}")
        gold = load_reference_columns(data, split=split, questions=question_types, **reading)
        stages.next(f"reading {Path(predictions).name}")
        predicted = load_predictions(predictions, **reading)
        examples, counts = pair_by_id(gold.ids, gold.answers, predicted, no_answer, no_answer_file=no_answer_file,
                                      data_file=data)
        examples, found = extract_examples(examples, checked)
        del predicted
        if question_types:
            examples.inputs = _question_texts(gold, data)
        del gold
        stages.next(f"scoring {counts['questions']} questions")
        scored = score_aligned(examples, checked)
        if duplicate_keys == "last":
            counts["overridden"] = overridden
        check_coverage(counts, data=data, predictions=predictions, strict=strict)
        results = with_answer_keys(summarize(scored, checked), examples, found, checked)
        kept = {"examples": examples, "scored": scored} if keep_examples else {"examples": None, "scored": None}
        del examples, scored  # freed before the collector is back on
    return {"results": results, "signature": qascore.signature(**options), "counts": counts, "no_answer": no_answer,
            **kept, "options": options}


def _check_split(data: str | Path, split: str | None) -> None:
    if split is not None and not Path(data).is_dir():
        raise ValueError(f"{data}: is a file, --split {split!r} applies to a dataset directory saved with save_to_disk")


def _question_texts(gold: ReferenceColumns, data) -> list[str]:
    """Each question's text; a ValueError naming the first question that has none."""
    for question_id, text in zip(gold.ids, gold.questions):
        if not (text and text.strip()):
            raise ValueError(f"{data}: question {question_id!r} has no question text (a non-empty 'question' "
                             "string); --question-types needs the text of every question")
    return gold.questions


def check_coverage(counts: dict, *, data, predictions, strict: bool) -> None:
    """A ValueError when no prediction matches, or (``strict``) when some are missing or extra."""
    if strict and (counts["missing"] or counts["extra"]):
        raise ValueError(
            f"{predictions}: {counts['missing']} questions of {data} have no prediction "
            f"(first: {counts['missing_ids'][:3]}) and {counts['extra']} predictions have ids not in the "
            f"data (first: {counts['extra_ids'][:3]});{lookalike_ids(counts['extra_ids'], counts['missing_ids'])} "
            "drop --strict to score missing questions 0 and ignore the extras as the official scripts do"
        )
    if not counts["predicted"]:
        raise ValueError(f"{predictions}: none of its ids is a question of {data}; are these the right files?")


def _is_large(path: str | Path) -> bool:
    path = Path(path)
    return path.is_file() and path.stat().st_size >= _LARGE_FILE_BYTES


class _Stages:
    """A one-line progress display on stderr over the stages of a long run (read, read, score)."""

    def __init__(self, total: int, *, enabled: bool):
        self._enabled, self._total = enabled, total
        self._done = self._width = 0

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
    """What the no-answer plots need from a :func:`score_files` run with ``keep_examples=True``.

    Per-question EM and F1 (0-1) before any no-answer threshold, in data order, and, when
    no-answer scores were given, each question's score and whether it has a gold answer:
    ``{"exact", "f1", "no_answer_scores", "has_answer"}`` (the last two None without scores).
    """
    per_question = scored["scored"]
    if per_question is None:
        raise ValueError("raw_scores needs the paired examples: call score_files(..., keep_examples=True)")
    raw = {"exact": per_question.exact.tolist(), "f1": per_question.f1.tolist(), "no_answer_scores": None,
           "has_answer": None}
    if per_question.no_answer_scores is not None:  # a question without a prediction never abstains (-inf)
        raw["no_answer_scores"] = per_question.no_answer_scores.tolist()
        raw["has_answer"] = list(map(bool, per_question.has_answer))
    return raw


# ---------------------------------------------------------------- comparing two systems


def compare_files(
    predictions_a: str | Path,
    predictions_b: str | Path,
    *,
    data: str | Path,
    no_answer_files: tuple = (None, None),
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    seed: int = 0,
    **scoring,
) -> dict:
    """Paired bootstrap of systems A and B on the questions of ``data``.

    Returns ``{"comparison": {<em key>: ..., "f1": ...}, "signature", "counts": {"a", "b"}}``;
    each comparison is :func:`qascore.scoring.paired_bootstrap.paired_bootstrap` of the per-question scores
    (difference B - A). Both systems are scored as :func:`score_files` does with the options
    ``scoring`` (``preset``, ``language``, ``normalizer``, ``no_answer_threshold``, ``split``,
    ``strict``, ``duplicate_keys``, ``map_abstentions``, ``abstentions``), each with its own
    no-answer file from ``no_answer_files`` (A's, B's; None for none), so each system's
    figures are those :func:`score_files` reports, to the last digit.
    """
    from qascore.scoring.paired_bootstrap import paired_bootstrap

    scored = [
        score_files(data, path, no_answer_file=no_answer_file, per_example=True, **scoring)
        for path, no_answer_file in zip((predictions_a, predictions_b), no_answer_files)
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
