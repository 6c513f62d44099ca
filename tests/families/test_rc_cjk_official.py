"""cmrc2018, drcd, jsquad and mrqa against their official scorers' figures.

Every golden number comes from ../shared/data/expected_rc.json: what cmrc2018_evaluate.py (v6,
nltk 3.9.2), JGLUE's patched squad_metrics.py (transformers 4.9.2) and mrqa_official_eval.py
printed for these files (the folders' README.md say how). Each case goes through
qascore.compute and ``qascore score``; QAScorer in batches and the evaluate module on a sample.
"""

import json

import evaluate
import pytest
from helpers_rc_cjk import case_lists, rc_cases

import qascore

from conftest import SHARED_DATA, assert_matches
from helpers_cli import run_main

CASES, CASE_IDS = rc_cases()
SAMPLE = [case for case, name in zip(CASES, CASE_IDS) if name.endswith(("mixed", "missing-skip"))]


def test_every_case_of_the_presets_is_here():
    counts = {preset: sum(case["preset"] == preset for case in CASES) for preset in ("cmrc2018", "drcd", "jsquad",
                                                                                      "mrqa")}
    assert counts == {"cmrc2018": 9, "drcd": 9, "jsquad": 8, "mrqa": 19}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_compute_matches_the_official_figures(case):
    predictions, references, options = case_lists(case)
    results = qascore.compute(predictions, references, preset=case["preset"], **options)
    assert list(results) == list(case["expected"])  # the script's own keys, in its order
    assert_matches(results, case["expected"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_command_line_matches_the_official_figures(case, capsys):
    arguments = ["score", SHARED_DATA / case["data"], SHARED_DATA / case["predictions"], "--preset", case["preset"],
                 "--json"] + (["--skip-no-answer"] if case.get("skip_no_answer") else [])
    status, out, err = run_main(arguments, capsys)
    assert status == 0, err
    assert_matches(json.loads(out)["results"], case["expected"])


@pytest.mark.parametrize("case", SAMPLE, ids=lambda case: case["preset"])
def test_qascorer_in_batches_matches(case):
    predictions, references, options = case_lists(case)
    scorer = qascore.QAScorer(preset=case["preset"], **options)
    for start in range(0, len(references), 1000):
        scorer.add_batch(predictions=predictions[start:start + 1000], references=references[start:start + 1000])
    assert_matches(scorer.compute(), case["expected"])


@pytest.mark.parametrize("case", SAMPLE, ids=lambda case: case["preset"])
def test_the_evaluate_module_matches(case, metric_dir):
    predictions, references, options = case_lists(case)
    if None in predictions and not options.get("skip_no_answer"):
        pytest.skip("evaluate's features hold strings")
    metric = evaluate.load(metric_dir, case["preset"])
    assert_matches(metric.compute(predictions=predictions, references=references, **options), case["expected"])
    half = len(references) // 2
    metric.add_batch(predictions=predictions[:half], references=references[:half])
    metric.add_batch(predictions=predictions[half:], references=references[half:])
    assert_matches(metric.compute(**options), case["expected"])
