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
import math
import numbers
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Union

from qascore import __version__
from qascore.analysis import grounding_rate, scores_by_question_type
from qascore.bootstrap import confidence_interval
from qascore.formats import Examples, align, empty_columns, to_columns
from qascore.no_answer import DEFAULT_ABSTENTIONS, apply_threshold, best_threshold, map_abstentions
from qascore.normalize import MLQA_LANGUAGES, Normalizer, get_normalizer
from qascore.presets import Preset, get_preset
from qascore.scoring import score_examples

__all__ = ["Options", "OPTION_NAMES", "check_option_names", "make_options", "compute", "score_columns", "signature", "QAScorer"]

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
    elif isinstance(no_answer_threshold, bool) or not isinstance(no_answer_threshold, numbers.Real) or math.isnan(
        no_answer_threshold
    ):
        raise ValueError(f"no_answer_threshold must be a real number; got {no_answer_threshold!r}.")
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
    n_resamples = _check_int(n_resamples, "n_resamples", 1)
    seed = _check_int(seed, "seed", 0)
    if not isinstance(map_abstentions, bool):
        raise TypeError(f"map_abstentions must be True or False; got {map_abstentions!r}.")
    if map_abstentions and not preset.unanswerable:
        raise ValueError("map_abstentions=True needs preset 'squad_v2', the only one with unanswerable questions.")
    if abstentions is not None and not map_abstentions:
        raise ValueError("abstentions= is used only with map_abstentions=True; pass both.")
    if map_abstentions:
        phrases = DEFAULT_ABSTENTIONS if abstentions is None else abstentions
        if isinstance(phrases, str) or not all(isinstance(phrase, str) for phrase in phrases):
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


def _check_answerable(examples: Examples, preset: Preset) -> None:
    empty = [i for i, answers in enumerate(examples.references) if not answers]
    if empty and not preset.unanswerable:
        names = [examples.ids[i] if examples.ids else f"references[{i}]" for i in empty[:5]]
        raise ValueError(
            f"{len(empty)} questions have no gold answer ({', '.join(names)}). Preset {preset.name!r} "
            "has no unanswerable questions; use preset 'squad_v2' to score them."
        )


def _mean(scores: Sequence[float], indices: Optional[List[int]] = None) -> float:
    if indices is None:
        return 100.0 * sum(scores) / len(scores)
    return 100.0 * sum(scores[i] for i in indices) / len(indices)


def _score_unanswerable(examples, predictions, exact, f1, options: Options):
    """SQuAD v2.0 aggregation: thresholds, HasAns/NoAns splits, best thresholds."""
    has_answer = [bool(answers) for answers in examples.references]
    given = examples.no_answer_probabilities
    if given is None:
        no_answer_scores = [0.0] * len(exact)
    else:
        no_answer_scores = [-math.inf if score is None else score for score in given]
    exact_final = apply_threshold(exact, no_answer_scores, has_answer, threshold=options.no_answer_threshold)
    f1_final = apply_threshold(f1, no_answer_scores, has_answer, threshold=options.no_answer_threshold)
    results = {"exact": _mean(exact_final), "f1": _mean(f1_final), "total": len(exact_final)}
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        indices = [i for i, answerable in enumerate(has_answer) if answerable == wanted]
        if indices:
            results[f"{prefix}_exact"] = _mean(exact_final, indices)
            results[f"{prefix}_f1"] = _mean(f1_final, indices)
            results[f"{prefix}_total"] = len(indices)
    if given is not None:
        for name, raw in (("exact", exact), ("f1", f1)):
            best, thresh = best_threshold(raw, no_answer_scores, has_answer, predictions)
            results[f"best_{name}"] = best
            results[f"best_{name}_thresh"] = float(thresh)
    return results, exact_final, f1_final


def _score(examples: Examples, options: Options) -> Dict[str, object]:
    preset = options.preset
    _check_answerable(examples, preset)
    if examples.no_answer_probabilities is not None and not preset.unanswerable:
        raise ValueError(
            f"No-answer probabilities were given but preset {preset.name!r} has no unanswerable questions; "
            "use preset 'squad_v2'."
        )
    predictions = examples.predictions
    if options.abstentions is not None:
        predictions = map_abstentions(predictions, options.abstentions, options.normalizer.normalize)
    exact, f1 = score_examples(predictions, examples.references, options.normalizer, unanswerable=preset.unanswerable)
    if preset.unanswerable:
        results, exact, f1 = _score_unanswerable(examples, predictions, exact, f1, options)
    else:
        results = {"exact_match": _mean(exact), "f1": _mean(f1)}
    per_example = {preset.exact_key: exact, "f1": f1}
    if options.confidence_level is not None:
        for name, scores in per_example.items():
            low, high = confidence_interval(
                scores, confidence_level=options.confidence_level, n_resamples=options.n_resamples, seed=options.seed
            )
            results[f"{name}_ci_low"], results[f"{name}_ci_high"] = low, high
    if examples.inputs is not None:
        rate = grounding_rate(predictions, examples.inputs, options.normalizer.normalize)
        if rate is not None:
            results["grounding_rate"] = rate
        results.update(scores_by_question_type(examples.inputs, per_example))
    if options.return_per_example:
        rows = {name: [float(score) for score in scores] for name, scores in per_example.items()}
        results["per_example"] = {"id": examples.ids, **rows} if examples.ids is not None else rows
    return results


def score_columns(columns: Dict[str, list], options: Options) -> Dict[str, object]:
    """Score rows in the layout of :func:`qascore.formats.to_columns` (possibly many batches)."""
    return _score(align(columns, missing=options.missing, extra=options.extra), options)


def compute(
    predictions: Sequence,
    references: Sequence,
    *,
    inputs: Optional[Sequence[str]] = None,
    no_answer_probabilities: Optional[Sequence[float]] = None,
    preset: str = "squad",
    **options,
) -> Dict[str, object]:
    """Score predictions against all gold answers with the rules of ``preset``.

    ``options`` are those of :func:`make_options`: ``language``, ``normalizer``,
    ``no_answer_threshold``, ``missing``, ``extra``, ``return_per_example``,
    ``confidence_level``, ``n_resamples``, ``seed``, ``map_abstentions``, ``abstentions``.

    >>> compute(["the cat", "dog"], [["a cat"], ["cat"]])
    {'exact_match': 50.0, 'f1': 50.0}
    """
    checked = make_options(preset, **check_option_names(options))
    columns = to_columns(predictions, references, inputs=inputs, no_answer_probabilities=no_answer_probabilities)
    return score_columns(columns, checked)


def signature(preset: str = "squad", **options) -> str:
    """The reproducibility signature of a scoring configuration (quote it with the numbers).

    >>> signature(preset="squad_v2", no_answer_threshold=0.5)
    'preset:squad_v2|norm:squad|rules:v2.0|thresh:0.5|missing:error|extra:error|version:0.1.0'
    """
    return make_options(preset, **check_option_names(options)).signature()


class QAScorer:
    """Accumulate batches, then score them all at once (no evaluate needed).

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
        self._columns = empty_columns()

    def __len__(self) -> int:
        return len(self._columns["references"])

    def add_batch(self, *, predictions, references, inputs=None, no_answer_probabilities=None) -> None:
        """Check one batch and keep it."""
        batch = to_columns(predictions, references, inputs=inputs, no_answer_probabilities=no_answer_probabilities)
        for name, values in batch.items():
            self._columns[name].extend(values)

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
        results = score_columns(self._columns, self.options)
        self.reset()
        return results

    def reset(self) -> None:
        """Forget every batch added so far."""
        self._columns = empty_columns()

    def signature(self) -> str:
        """The reproducibility signature of this scorer's options."""
        return self.options.signature()

