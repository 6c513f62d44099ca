"""The public entry points: :func:`compute`, :class:`QAScorer` and :func:`signature`.

Everything else (the evaluate module, the Trainer adapter, the command line, the Space)
calls these, so every interface reports the same numbers.

>>> compute(["Denver Broncos"], [["Denver Broncos", "The Broncos"]])
{'exact_match': 100.0, 'f1': 100.0}
>>> compute(["", "Paris"], [[], ["Paris"]], preset="squad_v2")["exact"]
100.0
>>> signature(preset="mlqa", language="de")
'preset:mlqa|norm:mlqa-de|rules:v1.1|missing:error|extra:error|version:0.1.0'
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

from qascore.answer_keys import AnswerScores, add_answer_keys, answer_scores, extract_examples, with_answer_keys
from qascore.cyclic_gc import cyclic_gc_paused
from qascore.families import compute_family
from qascore.options import Options, check_option_names, make_options
from qascore.parallel import check_num_proc, score_aligned_in_processes, score_in_processes
from qascore.records import Examples, align, empty_columns, paired_by_id, to_columns
from qascore.scoring.results import RunningTotals, ScoredExamples, fold, needs_every_example, score_aligned, summarize

__all__ = ["compute", "compute_paired", "score_columns", "signature", "QAScorer"]


def score_columns(columns: Dict[str, list], options: Options) -> Dict[str, object]:
    """Score columns of :func:`qascore.records.to_columns` (possibly many batches, joined)."""
    return _score_examples(align(columns, missing=options.missing, extra=options.extra), options)


def _score_examples(examples: Examples, options: Options, num_proc: int = 1) -> Dict[str, object]:
    """Paired examples' results, with the opt-in lenient and extraction keys (:mod:`qascore.answer_keys`)."""
    examples, found = extract_examples(examples, options)
    results = summarize(score_aligned_in_processes(examples, options=options, num_proc=num_proc), options)
    return with_answer_keys(results, examples, found, options)


def compute(
    predictions: Sequence,
    references: Sequence,
    *,
    inputs: Optional[Sequence[str]] = None,
    no_answer_probabilities: Optional[Sequence[float]] = None,
    preset: str = "squad",
    num_proc: int = 1,
    **options,
) -> Dict[str, object]:
    """Score predictions against all gold answers with the rules of ``preset``.

    ``options`` are those of :func:`make_options`: ``language``, ``normalizer``,
    ``no_answer_threshold``, ``missing``, ``extra``, ``return_per_example``,
    ``confidence_level``, ``n_resamples``, ``seed``, ``map_abstentions``, ``abstentions``.
    ``num_proc`` scores on that many processes (same numbers; worth it from about 100k
    examples).

    >>> compute(["the cat", "dog"], [["a cat"], ["cat"]])
    {'exact_match': 50.0, 'f1': 50.0}
    """
    checked = make_options(preset, **check_option_names(options))
    num_proc = check_num_proc(num_proc)
    if checked.preset.family is not None:
        if num_proc > 1:
            raise ValueError(f"num_proc= applies to the SQuAD-style presets, not to {checked.preset.name!r}.")
        return compute_family(predictions, references, inputs, checked)
    with cyclic_gc_paused():
        if num_proc > 1 and checked.adds_answer_keys:  # extracted and matched here, EM and F1 in the processes
            columns = to_columns(predictions, references, inputs=inputs, no_answer_probabilities=no_answer_probabilities)
            examples = align(columns, missing=checked.missing, extra=checked.extra)
            return _score_examples(examples, checked, num_proc)
        if num_proc > 1:
            scored = score_in_processes(predictions, references, inputs=inputs,
                                        no_answer_probabilities=no_answer_probabilities, options=checked,
                                        num_proc=num_proc)
            return summarize(scored, checked)
        columns = to_columns(predictions, references, inputs=inputs, no_answer_probabilities=no_answer_probabilities)
        return score_columns(columns, checked)


def compute_paired(examples: Examples, *, preset: str = "squad", num_proc: int = 1, **options) -> Dict[str, object]:
    """:func:`compute` for examples already paired with their gold answers (as files are, by id).

    >>> compute_paired(Examples(predictions=["Paris", None], references=[["Paris"], ["Rome"]]), missing="zero")
    {'exact_match': 50.0, 'f1': 50.0}
    """
    checked = make_options(preset, **check_option_names(options))
    if checked.missing == "error" and None in examples.predictions:
        raise ValueError(
            f"{examples.predictions.count(None)} questions have no prediction (None); predict every question, "
            "or pass missing='zero' to score them 0 as the official v1.1 script does."
        )
    with cyclic_gc_paused():
        return _score_examples(examples, checked, num_proc)


def signature(preset: str = "squad", **options) -> str:
    """The reproducibility signature of a scoring configuration (quote it with the numbers).

    >>> signature(preset="squad_v2", no_answer_threshold=0.5)
    'preset:squad_v2|norm:squad|rules:v2.0|thresh:0.5|missing:error|extra:error|version:0.1.0'
    """
    return make_options(preset, **check_option_names(options)).signature()


class QAScorer:
    """Accumulate batches, then score them all at once (no evaluate needed).

    Plain-list batches are scored as they arrive: when the results need only totals (no
    intervals, per-example lists or no-answer scores) the scorer keeps running sums, so its
    memory does not grow with the number of examples; otherwise a few numbers per question.
    SQuAD records are kept until :meth:`compute`, which pairs them by id.

    >>> scorer = QAScorer(preset="squad")
    >>> scorer.add_batch(predictions=["Paris"], references=[["Paris"]])
    >>> scorer.add_batch(predictions=["Lyon"], references=[["Rome"]])
    >>> scorer.compute()
    {'exact_match': 50.0, 'f1': 50.0}
    >>> len(scorer)  # compute() starts a fresh accumulation
    0
    """

    def __init__(self, preset: str = "squad", **options):
        self.options = make_options(preset, **check_option_names(options))
        self.reset()

    @classmethod
    def from_options(cls, options: Options) -> QAScorer:
        """A scorer for options already checked by :func:`make_options` (they are not built again).

        >>> QAScorer.from_options(make_options("squad_v2")).signature() == signature(preset="squad_v2")
        True
        """
        scorer = cls.__new__(cls)
        scorer.options = options
        scorer.reset()
        return scorer

    def __len__(self) -> int:
        return self._count

    def add_batch(self, *, predictions, references, inputs=None, no_answer_probabilities=None) -> None:
        """Check one batch; score it now (plain lists) or keep it for pairing by id (records).

        A refused batch leaves the scorer as it was: everything is checked and scored
        before anything is kept.
        """
        if self.options.preset.family is not None:
            self._keep_family_batch(predictions, references, inputs, no_answer_probabilities)
            return
        batch = to_columns(predictions, references, inputs=inputs, no_answer_probabilities=no_answer_probabilities)
        if not batch["predictions"] and not batch["references"]:
            return
        paired_by_position = not paired_by_id(batch)
        if self._count and paired_by_position != self._paired_by_position:
            raise ValueError("Some batches were plain lists and others SQuAD records; use one layout for all batches.")
        count = len(batch["references"])
        if paired_by_position:
            examples, found = extract_examples(align(batch, missing=self.options.missing, extra=self.options.extra),
                                               self.options)
            scored = score_aligned(examples, self.options)
            answers = answer_scores(examples.predictions, examples.references, found, self.options)
            if self._inputs_seen is not None:
                scored.check_same_inputs(self._inputs_seen)
            self._inputs_seen = scored.optional_inputs()
            self._answers.extend(answers)
            if needs_every_example(self.options, scored):
                self._scored.extend(scored)
            else:
                fold(self._totals, scored, self.options)
        else:
            for name, values in batch.items():
                self._records[name].extend(values)
        self._count += count
        self._paired_by_position = paired_by_position

    def _keep_family_batch(self, predictions, references, inputs, no_answer_probabilities) -> None:
        """A family preset's batch is kept as given and scored by :meth:`compute` (its rules
        may pair questions across batches, as CoQA's turns are)."""
        if no_answer_probabilities is not None:
            raise ValueError(f"no_answer_probabilities= applies to preset squad_v2, not {self.options.preset.name!r}.")
        for name, values in (("predictions", predictions), ("references", references)):
            if not isinstance(values, (list, tuple)):
                raise TypeError(f"{name} must be a list; got {type(values).__name__}.")
        if len(predictions) != len(references):
            raise ValueError(f"Got {len(predictions)} predictions but {len(references)} references in one batch; "
                             "pass one prediction per reference.")
        if (inputs is None) != (self._family_batches["inputs"] is None) and self._count:
            raise ValueError("Some batches had inputs= and others not; pass inputs= with every batch or none.")
        self._family_batches["predictions"].extend(predictions)
        self._family_batches["references"].extend(references)
        if inputs is not None:
            self._family_batches["inputs"] = (self._family_batches["inputs"] or []) + list(inputs)
        self._count += len(references)

    def add(self, *, prediction, reference, input=None, no_answer_probability=None) -> None:
        """Add a single example."""
        self.add_batch(
            predictions=[prediction],
            references=[reference],
            inputs=None if input is None else [input],
            no_answer_probabilities=None if no_answer_probability is None else [no_answer_probability],
        )

    def compute(self) -> Dict[str, object]:
        """Score everything added so far, then reset (on failure the batches are kept)."""
        if self.options.preset.family is not None:
            batches = self._family_batches
            results = compute_family(batches["predictions"], batches["references"], batches["inputs"], self.options)
        elif self._records["references"]:
            results = score_columns(self._records, self.options)
        else:
            results = add_answer_keys(summarize(self._scored, self.options, self._totals), self._answers, self.options)
        self.reset()
        return results

    def reset(self) -> None:
        """Forget every batch added so far."""
        self._records = empty_columns()
        self._family_batches = {"predictions": [], "references": [], "inputs": None}
        self._scored = ScoredExamples.empty()
        self._totals = RunningTotals()
        self._answers = AnswerScores()
        self._inputs_seen = None
        self._paired_by_position = None
        self._count = 0

    def signature(self) -> str:
        """The reproducibility signature of this scorer's options."""
        return self.options.signature()
