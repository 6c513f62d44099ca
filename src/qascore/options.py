"""Every setting that can change a number, checked once where it enters: :func:`make_options`.

>>> make_options("squad_v2", no_answer_threshold=0.5).signature()
'preset:squad_v2|norm:squad|rules:v2.0|thresh:0.5|missing:error|extra:error|version:0.1.0'
"""

from __future__ import annotations

import inspect
import numbers
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple, Union

from qascore._version import __version__
from qascore.extraction import EXTRACTION_RULES
from qascore.families import family_options
from qascore.normalize import MLQA_LANGUAGES, Normalizer, get_normalizer
from qascore.presets import Preset, get_preset
from qascore.records import check_real
from qascore.scoring.bootstrap import check_n_resamples
from qascore.scoring.lenient import LENIENT_METRICS, check_metrics
from qascore.scoring.no_answer import DEFAULT_ABSTENTIONS

__all__ = ["Options", "OPTION_NAMES", "DEFAULT_NO_ANSWER_THRESHOLD", "check_option_names", "make_options"]

DEFAULT_NO_ANSWER_THRESHOLD = 1.0


@dataclass(frozen=True)
class Options:
    """Every setting that can change a number, checked once by :func:`make_options`."""

    preset: Preset
    normalizer: Optional[Normalizer]  # None: the preset's family uses its official script's own
    no_answer_threshold: float
    missing: str
    extra: str
    return_per_example: bool
    confidence_level: Optional[float]
    n_resamples: int
    seed: int
    abstentions: Optional[tuple]  # None unless map_abstentions=True
    skip_no_answer: bool = False  # mrqa: questions without a prediction leave the total
    lenient: tuple = ()  # names of qascore.scoring.lenient.LENIENT_METRICS to add, in report order
    extract_answers: bool = False  # score qascore.extraction.extract_answer of each prediction

    @property
    def adds_answer_keys(self) -> bool:
        """True when lenient or extraction keys are asked for (:mod:`qascore.answer_keys`)."""
        return bool(self.lenient) or self.extract_answers
    family_options: Tuple[Tuple[str, object], ...] = ()  # (name, value) of the preset's family options

    def family_option(self, name: str):
        """The value of one of the preset's family options (:attr:`Preset.family_options`)."""
        return dict(self.family_options)[name]

    def signature(self) -> str:
        """A string recording every setting that changes the numbers, to quote with them."""
        parts = [
            f"preset:{self.preset.name}",
            f"norm:{'official' if self.normalizer is None else self.normalizer.signature()}",
            f"rules:{self.preset.family or ('v2.0' if self.preset.unanswerable else 'v1.1')}",
        ]
        if self.preset.unanswerable:
            parts.append(f"thresh:{self.no_answer_threshold!r}")
        if self.abstentions is not None:
            custom = self.abstentions != DEFAULT_ABSTENTIONS
            parts.append(f"abstain:{'custom' + str(len(self.abstentions)) if custom else 'default'}")
        if self.lenient:
            parts.append(f"lenient:{'all' if self.lenient == LENIENT_METRICS else '+'.join(self.lenient)}")
        if self.extract_answers:
            parts.append(f"extract:{EXTRACTION_RULES}")
        parts += [f"{name}:{value}" for name, value in self.family_options if value is not None]
        parts += [f"missing:{'skip' if self.skip_no_answer else self.missing}", f"extra:{self.extra}"]
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
    skip_no_answer: bool = False,
    lenient: Union[None, bool, str, Sequence[str]] = None,
    extract_answers: bool = False,
    answer_field: Optional[str] = None,
    is_regex: Optional[bool] = None,
    domain: Optional[str] = None,
    verified_eval: Optional[bool] = None,
) -> Options:
    """Check every option once, where it enters, and bundle them.

    ``answer_field`` and ``is_regex`` (ORQA presets: nq_open, efficientqa, curated_trec,
    curated_trec_search) and ``domain`` and ``verified_eval`` (triviaqa) are the options of
    those presets' official scripts; other presets refuse them.

    >>> make_options("mlqa")
    Traceback (most recent call last):
    ...
    ValueError: The mlqa preset needs language=, one of en, es, hi, vi, de, ar, zh.

    ``lenient`` adds lenient-match keys (True: all of
    :data:`qascore.scoring.lenient.LENIENT_METRICS`; or a list of their names);
    ``extract_answers=True`` scores the answer :func:`qascore.extraction.extract_answer`
    finds in each prediction and adds ``extraction_rate`` and ``extraction_failures``.

    >>> make_options("squad", lenient=["lenient_match"], extract_answers=True).signature()
    'preset:squad|norm:squad|rules:v1.1|lenient:lenient_match|extract:v1|missing:error|extra:error|version:0.1.0'
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
    if preset.normalizer is None and normalizer is not None:
        raise ValueError(f"The {preset.name} preset uses its official script's own normalisation; "
                         "normalizer= does not apply to it.")
    if normalizer is None:
        normalizer = preset.normalizer
    normalizer = None if normalizer is None else get_normalizer(normalizer, language=language)
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
    if not isinstance(skip_no_answer, bool):
        raise TypeError(f"skip_no_answer must be True or False; got {skip_no_answer!r}.")
    if skip_no_answer and preset.family != "mrqa":
        raise ValueError(f"skip_no_answer=True (MRQA's --skip-no-answer) applies to preset 'mrqa' only, not "
                         f"{preset.name!r}.")
    if not isinstance(extract_answers, bool):
        raise TypeError(f"extract_answers must be True or False; got {extract_answers!r:.60}.")
    family_given = {"answer_field": answer_field, "is_regex": is_regex, "domain": domain,
                    "verified_eval": verified_eval}
    return Options(
        lenient=check_metrics(lenient),
        extract_answers=extract_answers,
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
        skip_no_answer=skip_no_answer,
        family_options=tuple(family_options(preset, family_given).items()),
    )


#: The keyword options of :func:`make_options` besides the preset.
OPTION_NAMES = tuple(inspect.signature(make_options).parameters)[1:]


def check_option_names(options: Dict[str, object]) -> Dict[str, object]:
    """Refuse unknown option names with the list of known ones.

    >>> check_option_names({"threshold": 0.5})
    Traceback (most recent call last):
    ...
    TypeError: Unknown option 'threshold'. Options are: language, normalizer, no_answer_threshold, missing, extra, return_per_example, confidence_level, n_resamples, seed, map_abstentions, abstentions, skip_no_answer, lenient, extract_answers, answer_field, is_regex, domain, verified_eval.
    """
    unknown = [name for name in options if name not in OPTION_NAMES]
    if unknown:
        raise TypeError(f"Unknown option {unknown[0]!r}. Options are: {', '.join(OPTION_NAMES)}.")
    return options
