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

import inspect
import numbers
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Union

from qascore import __version__
from qascore.bootstrap import check_n_resamples
from qascore.cyclic_gc import cyclic_gc_paused
from qascore.formats import Examples, align, check_real, empty_columns, to_columns
from qascore.no_answer import DEFAULT_ABSTENTIONS
from qascore.normalize import MLQA_LANGUAGES, Normalizer, get_normalizer
from qascore.parallel import check_num_proc, score_aligned_in_processes, score_in_processes
from qascore.presets import Preset, get_preset
from qascore.scored import RunningTotals, ScoredExamples, fold, needs_every_example, score_aligned, summarize

__all__ = ["Options", "OPTION_NAMES", "check_option_names", "make_options", "compute", "compute_paired", "score_columns", "signature", "QAScorer"]

DEFAULT_NO_ANSWER_THRESHOLD = 1.0


@dataclass(frozen=True)
class Options:
    """Every setting that can change a number, checked once by :func:`make_options`."""

    preset: Preset
    normalizer: Normalizer
    no_answer_threshold: float
    missing: str
    extra: str
    return_per_example: bool
    confidence_level: Optional[float]
    n_resamples: int
    seed: int
    abstentions: Optional[tuple]  # None unless map_abstentions=True

    def signature(self) -> str:
        """A string recording every setting that changes the numbers, to quote with them."""
        parts = [
            f"preset:{self.preset.name}",
            f"norm:{self.normalizer.signature()}",
            f"rules:{'v2.0' if self.preset.unanswerable else 'v1.1'}",
        ]
        if self.preset.unanswerable:
            parts.append(f"thresh:{self.no_answer_threshold!r}")
        if self.abstentions is not None:
            custom = self.abstentions != DEFAULT_ABSTENTIONS
            parts.append(f"abstain:{'custom' + str(len(self.abstentions)) if custom else 'default'}")
        parts += [f"missing:{self.missing}", f"extra:{self.extra}"]
        if self.confidence_level is not None:
            parts.append(f"ci:{self.confidence_level!r}-boot{self.n_resamples}-seed{self.seed}")
        parts.append(f"version:{__version__}")
        return "|".join(parts)


def _check_choice(value, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}.")
    return int(value)


def make_options(
    preset: Union[str, Preset] = "squad",
    *,
    language: Optional[str] = None,
    normalizer: Union[None, str, Normalizer] = None,
    no_answer_threshold: Optional[float] = None,
    missing: str = "error",
    extra: str = "error",
    return_per_example: bool = False,
    confidence_level: Optional[float] = None,
    n_resamples: int = 1000,
    seed: int = 0,
    map_abstentions: bool = False,
    abstentions: Optional[Sequence[str]] = None,
) -> Options:
    """Check every option once, where it enters, and bundle them.

    >>> make_options("mlqa")
    Traceback (most recent call last):
    ...
    ValueError: The mlqa preset needs language=, one of en, es, hi, vi, de, ar, zh.
    """
    preset = get_preset(preset)
    if language is not None and not isinstance(language, str):
        raise TypeError(f"language must be a language code (a string) such as 'de'; got {language!r:.60}.")
    if preset.needs_language and language is None:
        raise ValueError(f"The {preset.name} preset needs language=, one of {', '.join(MLQA_LANGUAGES)}.")
    uses_language = preset.needs_language or normalizer == "mlqa"
    if language is not None and not uses_language:
        raise ValueError(
            f"language= applies to the mlqa preset or normalizer='mlqa', not to preset {preset.name!r}. "
            "For other languages try normalizer='unicode'."
        )
    if normalizer is None:
        normalizer = preset.normalizer
    normalizer = get_normalizer(normalizer, language=language)
    if no_answer_threshold is None:
        no_answer_threshold = DEFAULT_NO_ANSWER_THRESHOLD
    elif not preset.unanswerable:
        raise ValueError(f"no_answer_threshold= applies to preset 'squad_v2' only, not {preset.name!r}.")
    else:
        no_answer_threshold = check_real(no_answer_threshold, "no_answer_threshold")
    _check_choice(missing, "missing", ("error", "zero"))
    _check_choice(extra, "extra", ("error", "ignore"))
    if not isinstance(return_per_example, bool):
        raise TypeError(f"return_per_example must be True or False; got {return_per_example!r}.")
    if confidence_level is not None and (
        isinstance(confidence_level, bool)
        or not isinstance(confidence_level, numbers.Real)
        or not 0.0 < confidence_level < 1.0
    ):
        raise ValueError(f"confidence_level must be between 0 and 1 (e.g. 0.95); got {confidence_level!r}.")
    n_resamples = check_n_resamples(n_resamples)
    seed = _check_int(seed, "seed", 0)
    if not isinstance(map_abstentions, bool):
        raise TypeError(f"map_abstentions must be True or False; got {map_abstentions!r}.")
    if map_abstentions and not preset.unanswerable:
        raise ValueError("map_abstentions=True needs preset 'squad_v2', the only one with unanswerable questions.")
    if abstentions is not None and not map_abstentions:
        raise ValueError("abstentions= is used only with map_abstentions=True; pass both.")
    if map_abstentions:
        phrases = DEFAULT_ABSTENTIONS if abstentions is None else abstentions
        if not isinstance(phrases, (list, tuple)) or not all(isinstance(phrase, str) for phrase in phrases):
            raise TypeError("abstentions must be a list of strings, e.g. ['unanswerable', 'no answer'].")
        abstentions = tuple(phrases)
    return Options(
        preset=preset,
        normalizer=normalizer,
        no_answer_threshold=float(no_answer_threshold),
        missing=missing,
        extra=extra,
        return_per_example=return_per_example,
        confidence_level=None if confidence_level is None else float(confidence_level),
        n_resamples=n_resamples,
        seed=seed,
        abstentions=abstentions,
    )


#: The keyword options of :func:`make_options` besides the preset.
OPTION_NAMES = tuple(inspect.signature(make_options).parameters)[1:]


def check_option_names(options: Dict[str, object]) -> Dict[str, object]:
    """Refuse unknown option names with the list of known ones.

    >>> check_option_names({"threshold": 0.5})
    Traceback (most recent call last):
    ...
    TypeError: Unknown option 'threshold'. Options are: language, normalizer, no_answer_threshold, missing, extra, return_per_example, confidence_level, n_resamples, seed, map_abstentions, abstentions.
    """
    unknown = [name for name in options if name not in OPTION_NAMES]
    if unknown:
        raise TypeError(f"Unknown option {unknown[0]!r}. Options are: {', '.join(OPTION_NAMES)}.")
    return options


def score_columns(columns: Dict[str, list], options: Options) -> Dict[str, object]:
    """Score rows in the layout of :func:`qascore.formats.to_columns` (possibly many batches)."""
    examples = align(columns, missing=options.missing, extra=options.extra)
    return summarize(score_aligned(examples, options), options)


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
    with cyclic_gc_paused():
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
        return summarize(score_aligned_in_processes(examples, options=checked, num_proc=num_proc), checked)


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

    def __len__(self) -> int:
        return self._count

    def add_batch(self, *, predictions, references, inputs=None, no_answer_probabilities=None) -> None:
        """Check one batch; score it now (plain lists) or keep it for pairing by id (records).

        A refused batch leaves the scorer as it was: everything is checked and scored
        before anything is kept.
        """
        batch = to_columns(predictions, references, inputs=inputs, no_answer_probabilities=no_answer_probabilities)
        if not batch["references"]:
            return
        paired_by_position = batch["prediction_ids"][0] is None and batch["reference_ids"][0] is None
        if self._count and paired_by_position != self._paired_by_position:
            raise ValueError("Some batches were plain lists and others SQuAD records; use one layout for all batches.")
        count = sum(answers is not None for answers in batch["references"])
        if paired_by_position:
            scored = score_aligned(align(batch, missing=self.options.missing, extra=self.options.extra), self.options)
            if self._inputs_seen is not None:
                scored.check_same_inputs(self._inputs_seen)
            self._inputs_seen = scored.optional_inputs()
            if needs_every_example(self.options, scored):
                self._scored.extend(scored)
            else:
                fold(self._totals, scored, self.options)
        else:
            for name, values in batch.items():
                self._records[name].extend(values)
        self._count += count
        self._paired_by_position = paired_by_position

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
        if self._records["references"]:
            results = score_columns(self._records, self.options)
        else:
            results = summarize(self._scored, self.options, self._totals)
        self.reset()
        return results

    def reset(self) -> None:
        """Forget every batch added so far."""
        self._records = empty_columns()
        self._scored = ScoredExamples.empty()
        self._totals = RunningTotals()
        self._inputs_seen = None
        self._paired_by_position = None
        self._count = 0

    def signature(self) -> str:
        """The reproducibility signature of this scorer's options."""
        return self.options.signature()
