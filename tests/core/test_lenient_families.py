"""The lenient and extraction keys for family presets: compute_family adds them for any family whose
predictions are strings and references gold lists, on the family's scale, with no code of the family's own.

A toy family (string equality, reported as a fraction like ORQA's accuracy) stands in for the real ones.
"""

from __future__ import annotations

import numpy as np
import pytest

import qascore
import qascore.families
from qascore.families import Family, PerQuestion
from qascore.normalize import get_normalizer
from qascore.presets import PRESETS, Preset
from qascore.scoring.lenient import LENIENT_METRICS, lenient_scores


def _score(predictions, references, inputs, options):
    return PerQuestion(scores={"accuracy": np.array([float(p in r) for p, r in zip(predictions, references)])})


TOY = Family(name="toy", score=_score, summarize=lambda scored, options: {"accuracy": scored.scores["accuracy"].mean()},
             read_files=None, features=None, interval_scale={"accuracy": 1.0})


@pytest.fixture(autouse=True)
def toy_preset(monkeypatch):
    monkeypatch.setitem(PRESETS, "toy", Preset("toy", None, False, "accuracy", False, "a toy scorer", family="toy"))
    monkeypatch.setattr(qascore.families, "get_family", lambda name: TOY)


PREDICTIONS = ["<think>hmm</think>The answer is Caf\u00e9 de Flore.", "six geese a-laying", "<think>cut"]
REFERENCES = [["Cafe\u0301 de Flore"], ["6 geese a-laying"], ["Rome"]]


def test_family_gets_the_keys_on_its_scale():
    results = qascore.compute(PREDICTIONS, REFERENCES, preset="toy", lenient=True, extract_answers=True)
    assert list(results) == ["accuracy", *LENIENT_METRICS, "extraction_rate", "extraction_failures"]
    extracted = ["Caf\u00e9 de Flore", "six geese a-laying", ""]
    assert results["accuracy"] == 0.0  # the family scored the extracted answers with its own rule
    per_question = lenient_scores(extracted, REFERENCES, get_normalizer("squad_nfd"))  # NFD: Café = Cafe+accent
    for metric in LENIENT_METRICS:
        assert results[metric] == per_question[metric].mean()
    assert results["lenient_match"] == pytest.approx(2 / 3)
    assert (results["extraction_rate"], results["extraction_failures"]) == (pytest.approx(2 / 3), 1)


def test_scorer_batches_and_intervals():
    expected = qascore.compute(PREDICTIONS, REFERENCES, preset="toy", lenient=["contains"], confidence_level=0.9,
                               return_per_example=True)
    scorer = qascore.QAScorer(preset="toy", lenient=["contains"], confidence_level=0.9, return_per_example=True)
    scorer.add_batch(predictions=PREDICTIONS[:1], references=REFERENCES[:1])
    scorer.add_batch(predictions=PREDICTIONS[1:], references=REFERENCES[1:])
    assert scorer.compute() == expected
    assert set(expected["per_example"]) == {"accuracy", "contains"} and "contains_ci_low" in expected


def test_inputs_that_are_not_answer_strings_are_refused():
    with pytest.raises(TypeError, match="need each reference as a list of gold answer strings"):
        qascore.compute(["a"], [[{"spans": ["a"]}]], preset="toy", lenient=True)
    with pytest.raises(TypeError, match="predictions here are not all strings"):
        qascore.compute([["a"]], [["a"]], preset="toy", extract_answers=True)
