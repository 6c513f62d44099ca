"""Presets: each official scorer described as data.

A preset names a normaliser and the scoring rules of one official script. Adding a
scorer means adding a row to :data:`PRESETS`, not a branch in the scoring code.

>>> get_preset("korquad").normalizer
'korquad'
>>> get_preset("squad_v2").unanswerable
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

__all__ = ["Preset", "PRESETS", "get_preset"]


@dataclass(frozen=True)
class Preset:
    """The rules of one official scorer.

    Attributes:
        name: the preset's name (evaluate's config name).
        normalizer: name of the normaliser in :mod:`qascore.normalize`.
        unanswerable: SQuAD v2.0 rules. Questions without gold answers are unanswerable and
            the empty prediction is right for them; gold answers that normalise to nothing are
            dropped; an empty prediction against an empty gold gets F1 1. Without it (v1.1
            rules) every question needs a gold answer and empty-vs-empty gets EM 1 but F1 0.
        exact_key: the name of the exact-match score in the results.
        needs_language: ``language=`` must be given (MLQA).
        scorer: the official script this preset reproduces.
        family: None for the SQuAD-style presets scored by :mod:`qascore.scoring`; else the
            name of the :mod:`qascore.families` module with its rules, inputs and files.
            A family preset whose ``normalizer`` is None uses its script's own normalisation
            (``normalizer=`` does not apply).
        family_options: the keywords of :func:`qascore.options.make_options` that only this
            preset's family takes (e.g. ``answer_field``); the family checks their values.
    """

    name: str
    normalizer: Optional[str]
    unanswerable: bool
    exact_key: str
    needs_language: bool
    scorer: str
    family: Optional[str] = None
    family_options: Tuple[str, ...] = ()


PRESETS: Dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset("squad", "squad", False, "exact_match", False, "SQuAD v1.1 evaluate-v1.1.py"),
        Preset("squad_v2", "squad", True, "exact", False, "SQuAD v2.0 evaluate-v2.0.py"),
        Preset("korquad", "korquad", False, "exact_match", False, "KorQuAD 1.0 evaluate-v1.0.py"),
        Preset("mlqa", "mlqa", False, "exact_match", True, "MLQA mlqa_evaluation_v1.py"),
        Preset("cmrc2018", None, False, "EM", False, "CMRC 2018 cmrc2018_evaluate.py", family="cmrc2018"),
        Preset("drcd", None, False, "EM", False, "CMRC 2018 cmrc2018_evaluate.py on DRCD", family="cmrc2018"),
        Preset("jsquad", None, False, "exact", False, "JGLUE's squad_metrics.py (transformers 4.9.2 + patch)",
               family="jsquad"),
        Preset("mrqa", None, False, "exact_match", False, "MRQA 2019 mrqa_official_eval.py", family="mrqa"),
        Preset("nq_open", None, False, "accuracy", False, "ORQA evaluate_predictions.py", "orqa",
               ("answer_field", "is_regex")),
        Preset("efficientqa", None, False, "accuracy", False, "ORQA evaluate_predictions.py", "orqa",
               ("answer_field", "is_regex")),
        Preset("curated_trec", None, False, "accuracy", False, "ORQA evaluate_predictions.py --is_regex", "orqa",
               ("answer_field", "is_regex")),
        Preset("curated_trec_search", None, False, "accuracy", False, "DPR has_answer (regex search)", "orqa",
               ("answer_field", "is_regex")),
        Preset("triviaqa", None, False, "exact_match", False, "TriviaQA triviaqa_evaluation.py", "triviaqa",
               ("domain", "verified_eval")),
        Preset("drop", None, False, "global_em", False, "DROP drop_eval.py", family="drop"),
        Preset("hotpotqa", None, False, "em", False, "HotpotQA hotpot_evaluate_v1.py", family="hotpotqa"),
        Preset("coqa", None, False, "overall_em", False, "CoQA evaluate-v1.0.py", family="coqa"),
    )
}


def get_preset(name: str) -> Preset:
    """Look up a preset by name, with a helpful error for unknown names."""
    if isinstance(name, Preset):
        return name
    if not isinstance(name, str):
        raise TypeError(f"preset must be a preset name (a string), one of {', '.join(PRESETS)}; got {name!r:.60}.")
    if name not in PRESETS:
        raise ValueError(
            f"Unknown preset {name!r}; choose one of {', '.join(PRESETS)} ("
            + "; ".join(f"{preset.name}: {preset.scorer}" for preset in PRESETS.values()) + ")."
        )
    return PRESETS[name]
