"""Score prediction files against gold data files, as the official scripts do.

This is what ``qascore score`` and ``qascore compare`` run, and what the Space's upload tab
calls: files are read with :mod:`qascore.files.readers`, paired by question id
(:func:`qascore.pairing.pair_by_id`) and scored with the official scripts' rules for
incomplete files (a question without a prediction scores 0, a prediction for an unknown id
is ignored; both are counted). With ``num_proc > 1`` each process reads and scores a piece
of both files (:mod:`qascore.files.parallel`); the numbers are the same.

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
from qascore.api import compute_paired, make_options
from qascore.cyclic_gc import cyclic_gc_paused
from qascore.files.parallel import FileScores, score_in_pieces
from qascore.files.readers import check_duplicate_keys, load_no_answer_probabilities, load_predictions, load_references
from qascore.pairing import pair_by_id
from qascore.parallel import check_num_proc, score_aligned_in_processes
from qascore.records import lookalike_ids
from qascore.scoring.results import summarize

__all__ = ["score_files", "pair_by_id", "raw_scores", "compare_files", "summary_counts"]

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
    num_proc: int = 1,
    duplicate_keys: str = "error",
    confidence_level: float | None = None,
    n_resamples: int | None = None,
    seed: int | None = None,
    map_abstentions: bool = False,
    abstentions: list[str] | None = None,
    question_types: bool = False,
) -> dict:
    """Score a predictions file against a data file the way the official scripts do.

    Returns ``{"results", "signature", "options", "counts", "no_answer", "examples"}``: the
    scores, their signature, the qascore options used, the counts, the loaded ``{id: score}``
    no-answer scores (or None) and, with ``keep_examples=True``, the paired examples (ids,
    prediction texts and gold answers in data order; None otherwise). ``counts`` has the
    number of questions, of predictions scored, of questions without a prediction
    (``missing``, scored 0) and of predictions for ids not in the data (``extra``, ignored).
    ``per_example=True`` also keeps per-question scores in ``results["per_example"]``.

    ``num_proc`` reads and scores the files on that many processes, with the same numbers.
    That needs the official layouts (a SQuAD-format JSON data file and a ``{id: text}`` JSON
    predictions file); other files, and any file with ``question_types=True``, are read in one
    process and scored on ``num_proc``.

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
    num_proc = check_num_proc(num_proc)
    check_duplicate_keys(duplicate_keys)
    _check_split(data, split)
    overridden: dict = {}
    reading = {"duplicate_keys": duplicate_keys, "overridden": overridden}
    given = {"language": language, "normalizer": normalizer, "no_answer_threshold": no_answer_threshold,
             "confidence_level": confidence_level, "n_resamples": n_resamples, "seed": seed,
             "map_abstentions": map_abstentions or None, "abstentions": abstentions}
    options = {"preset": preset, "missing": "zero", "extra": "ignore",
               **{name: value for name, value in given.items() if value is not None}}
    checked = make_options(return_per_example=per_example, **options)
    no_answer = None if no_answer_file is None else load_no_answer_probabilities(no_answer_file, **reading)
    if no_answer is not None and preset != "squad_v2":
        raise ValueError(f"{no_answer_file}: no-answer scores apply to preset squad_v2 only, not {preset}")
    in_pieces = num_proc > 1 and not question_types and _official_layouts(data, predictions)
    with _Stages(enabled=progress and _is_large(data)) as stages:
        scores = None
        if in_pieces:
            stages.plan(1)
            stages.next(f"reading and scoring {Path(data).name} on {num_proc} processes")
            scores = score_in_pieces(Path(data), Path(predictions), options=checked, num_proc=num_proc,
                                     no_answer=no_answer, no_answer_file=no_answer_file, keep_examples=keep_examples)
        if scores is None:
            scores = _score_in_one_process(data, predictions, options=checked, split=split, no_answer=no_answer,
                                           no_answer_file=no_answer_file, keep_examples=keep_examples, stages=stages,
                                           reading=reading, question_types=question_types, num_proc=num_proc)
    if duplicate_keys == "last":
        scores.counts["overridden"] = overridden
    _check_coverage(scores.counts, data=data, predictions=predictions, strict=strict)
    with cyclic_gc_paused():
        results = summarize(scores.scored, checked)
    return {
        "results": results,
        "signature": qascore.signature(**options),
        "counts": scores.counts,
        "no_answer": no_answer,
        "examples": scores.examples,
        "options": options,
    }


def _official_layouts(data: str | Path, predictions: str | Path) -> bool:
    """Whether the files are a SQuAD-format JSON data file and a JSON predictions object (by their names)."""
    data, predictions = Path(data), Path(predictions)
    return all(path.is_file() and path.suffix.lower() == ".json" for path in (data, predictions))


def _check_split(data: str | Path, split: str | None) -> None:
    if split is not None and not Path(data).is_dir():
        raise ValueError(f"{data}: is a file, --split {split!r} applies to a dataset directory saved with save_to_disk")


def _score_in_one_process(data, predictions, *, options, split, no_answer, no_answer_file, keep_examples,
                          stages, reading: dict, question_types: bool, num_proc: int) -> FileScores:
    """Read and pair both files in this process, score them on ``num_proc`` processes.

    ``reading`` holds the loaders' duplicate-key arguments; ``question_types`` pairs each
    question's text as its input.
    """
    stages.plan(3)
    with cyclic_gc_paused():  # on until the records are freed: switched back on, it would scan all of them
        stages.next(f"reading {Path(data).name}")
        references = load_references(data, split=split, **reading)
        stages.next(f"reading {Path(predictions).name}")
        predicted = load_predictions(predictions, **reading)
        examples, counts = pair_by_id(references, predicted, no_answer, no_answer_file=no_answer_file)
        if question_types:
            examples.inputs = _question_texts(references, data)
        del references, predicted
        stages.next(f"scoring {counts['questions']} questions")
        scored = score_aligned_in_processes(examples, options=options, num_proc=num_proc)
        kept = examples if keep_examples else None
        del examples
    return FileScores(scored=scored, counts=counts, examples=kept)


def _question_texts(references: list[dict], data) -> list[str]:
    """Each record's question text; a ValueError naming the first question that has none."""
    texts = [record.get("question") for record in references]
    for record, text in zip(references, texts):
        if not (text and text.strip()):
            raise ValueError(f"{data}: question {record['id']!r} has no question text (a non-empty 'question' "
                             "string); --question-types needs the text of every question")
    return texts


def _check_coverage(counts: dict, *, data, predictions, strict: bool) -> None:
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

    def __init__(self, *, enabled: bool):
        self._enabled = enabled
        self._total = self._done = self._width = 0

    def plan(self, total: int) -> None:
        """Start counting ``total`` stages (again, when one process takes over from several)."""
        self._total, self._done = total, 0

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
    examples = scored["examples"]
    if examples is None:
        raise ValueError("raw_scores needs the paired examples: call score_files(..., keep_examples=True)")
    ignored = ("no_answer_threshold", "confidence_level")  # raw scores, no interval
    options = {key: value for key, value in scored["options"].items() if key not in ignored}
    per_example = compute_paired(examples, return_per_example=True, **options)["per_example"]
    exact_key = next(key for key in per_example if key not in ("id", "f1"))
    raw = {"exact": per_example[exact_key], "f1": per_example["f1"], "no_answer_scores": None, "has_answer": None}
    if scored["no_answer"] is not None:
        # A question without a prediction never abstains (-inf), as qascore scores it.
        raw["no_answer_scores"] = [scored["no_answer"].get(question_id, float("-inf")) for question_id in examples.ids]
        raw["has_answer"] = [bool(answers) for answers in examples.references]
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
