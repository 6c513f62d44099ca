"""The opt-in keys any preset can add: lenient matches and the answer-extraction rate.

Asked for with ``lenient=`` and ``extract_answers=True`` (:func:`qascore.options.make_options`).
Every path calls the same three steps, so every interface reports the same numbers:

1. :func:`extract` replaces each prediction by the answer found in it (when asked);
2. :func:`answer_scores` scores the (extracted) predictions with the lenient metrics of
   :mod:`qascore.scoring.lenient`, per question;
3. :func:`add_answer_keys` adds the keys to a results dict: each lenient metric's mean, then
   ``extraction_rate`` (the share of predictions an answer was found in) and
   ``extraction_failures`` (how many had none), on the preset's scale (0-100 for the SQuAD
   presets), plus ``<key>_ci_low``/``_ci_high`` and per-example lists (0-1) when those are
   asked for.

The official keys are never changed: EM and F1 are those of the extracted answers, and the
lenient keys come after them. Lenient keys score the predictions as given (after
``map_abstentions``), without squad_v2's no-answer threshold.

>>> from qascore.options import make_options
>>> options = make_options("squad", lenient=["contains"], extract_answers=True)
>>> predictions, found = extract(["The answer is Paris, France.", "<think>hmm"], options)
>>> predictions
['Paris, France', '']
>>> scores = answer_scores(predictions, [["Paris"], ["Rome"]], found, options)
>>> add_answer_keys({"exact_match": 0.0}, scores, options)
{'exact_match': 0.0, 'contains': 50.0, 'extraction_rate': 50.0, 'extraction_failures': 1}
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from qascore.extraction import extract_answers
from qascore.normalize import Normalizer, get_normalizer
from qascore.scoring.bootstrap import confidence_interval
from qascore.scoring.lenient import lenient_scores
from qascore.scoring.no_answer import map_abstentions

__all__ = ["AnswerScores", "extract", "extract_examples", "answer_scores", "add_answer_keys", "with_answer_keys",
           "lenient_normalizer"]

#: The normaliser of lenient matching for presets that use their script's own normalisation
#: (``normalizer`` None): NFD, then SQuAD's rules, as EfficientQA/ORQA and DPR normalise.
FAMILY_LENIENT_NORMALIZER = "squad_nfd"


@dataclass
class AnswerScores:
    """Per-question lenient scores (0-1) and extraction flags (1 found, 0 not, -1 no prediction).

    Batches are joined with :meth:`extend`; the keys are computed once from all of them.
    """

    scores: Dict[str, List[np.ndarray]] = field(default_factory=dict)
    found: List[np.ndarray] = field(default_factory=list)

    def extend(self, other: "AnswerScores") -> None:
        for name, parts in other.scores.items():
            self.scores.setdefault(name, []).extend(parts)
        self.found.extend(other.found)

    def joined(self) -> Tuple[Dict[str, np.ndarray], Optional[np.ndarray]]:
        scores = {name: np.concatenate(parts) for name, parts in self.scores.items()}
        return scores, np.concatenate(self.found) if self.found else None


def extract(predictions: Sequence[Optional[str]], options) -> Tuple[list, Optional[np.ndarray]]:
    """The predictions to score and their extraction flags (None unless ``extract_answers``)."""
    if not options.extract_answers:
        return predictions, None
    return extract_answers(predictions)


def extract_examples(examples, options):
    """:func:`extract` on paired :class:`qascore.pairing.Examples`: (examples to score, flags)."""
    predictions, found = extract(examples.predictions, options)
    return (examples if found is None else dataclasses.replace(examples, predictions=predictions)), found


def lenient_normalizer(options) -> Normalizer:
    """The normaliser lenient matching uses: the options' own, else :data:`FAMILY_LENIENT_NORMALIZER`."""
    return options.normalizer if options.normalizer is not None else get_normalizer(FAMILY_LENIENT_NORMALIZER)


def answer_scores(predictions: Sequence[Optional[str]], references: Sequence[Sequence[str]],
                  found: Optional[np.ndarray], options) -> AnswerScores:
    """One batch's lenient scores per question (predictions already extracted) and flags."""
    scores = AnswerScores(found=[] if found is None else [np.asarray(found, dtype=np.int8)])
    if options.lenient:
        if options.abstentions is not None:
            predictions = map_abstentions(predictions, options.abstentions)
        per_question = lenient_scores(predictions, references, lenient_normalizer(options), metrics=options.lenient,
                                      unanswerable=options.preset.unanswerable)
        scores.scores = {name: [values] for name, values in per_question.items()}
    return scores


def add_answer_keys(results: dict, scores: AnswerScores, options, *, scale: float = 100.0) -> dict:
    """``results`` with the lenient and extraction keys added (see the module docstring)."""
    if not options.adds_answer_keys:
        return results
    per_question, found = scores.joined()
    added: Dict[str, object] = {}
    for name in options.lenient:
        values = per_question[name]
        added[name] = scale * float(values.mean()) if len(values) else math.nan
    if options.extract_answers:
        outputs = found[found >= 0]
        added["extraction_rate"] = scale * float(outputs.mean()) if len(outputs) else math.nan
        added["extraction_failures"] = int((outputs == 0).sum())
    if options.confidence_level is not None:
        for name in options.lenient:
            added[f"{name}_ci_low"], added[f"{name}_ci_high"] = confidence_interval(
                per_question[name], confidence_level=options.confidence_level, n_resamples=options.n_resamples,
                seed=options.seed, scale=scale)
    per_example = results.pop("per_example", None)
    results.update(added)
    if per_example is not None:
        per_example.update((name, per_question[name].tolist()) for name in options.lenient)
        results["per_example"] = per_example
    return results


def with_answer_keys(results: dict, examples, found: Optional[np.ndarray], options, *, scale: float = 100.0) -> dict:
    """Steps 2 and 3 for paired :class:`qascore.pairing.Examples` (from :func:`extract_examples`)."""
    if not options.adds_answer_keys:
        return results
    scores = answer_scores(examples.predictions, examples.references, found, options)
    return add_answer_keys(results, scores, options, scale=scale)
