"""Shared fixtures: the real data in ../shared/data and the official scorers' figures.

Every golden number in the tests comes from ../shared/data/expected.json: the figures the
official scripts (evaluate-v1.1.py, evaluate-v2.0.py, KorQuAD evaluate-v1.0.py, MLQA
mlqa_evaluation_v1.py) printed for real systems' predictions; ../shared/data/README.md says
where each file comes from.
"""

import functools
import json
import math
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("QASCORE_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
METRIC_DIR = REPO_ROOT / "metrics" / "qa_em_f1"


@functools.lru_cache(maxsize=None)
def load_json(relative_path):
    """A JSON file of ../shared/data, parsed once per test session (checked here, where a test needs it,
    so tests that need no shared data run without it)."""
    if not (SHARED_DATA / "expected.json").is_file():
        raise FileNotFoundError(
            f"The shared data folder {SHARED_DATA} is missing: this test needs ../shared/data beside the "
            "repository (or QASCORE_SHARED_DATA pointing at it)."
        )
    with open(SHARED_DATA / relative_path, encoding="utf-8") as handle:
        return json.load(handle)


def official_cases():
    """The 25 cases of expected.json, each with a readable test id."""
    cases = load_json("expected.json")
    ids = []
    for case in cases:
        name = Path(case["predictions"]).stem
        extra = case.get("language") or case.get("no_answer_threshold")
        ids.append(f"{case['preset']}-{name}" + (f"-{extra}" if extra is not None else ""))
    return cases, ids


def reference_records(data_path):
    """SQuAD-format data as evaluate-style reference records, in file order."""
    return [
        {"id": qa["id"], "answers": {"text": [a["text"] for a in qa["answers"]],
                                    "answer_start": [a["answer_start"] for a in qa["answers"]]}}
        for article in load_json(data_path)["data"]
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]


def prediction_records(case):
    """The case's official id->text predictions (and null odds) as evaluate-style records."""
    predictions = load_json(case["predictions"])
    null_odds = load_json(case["no_answer_probability"]) if "no_answer_probability" in case else None
    records = []
    for id_, text in predictions.items():
        record = {"id": id_, "prediction_text": text}
        if null_odds is not None:
            record["no_answer_probability"] = null_odds[id_]
        records.append(record)
    return records


def case_options(case):
    """compute() keywords for a case: the official scripts' missing/extra rules plus its settings."""
    options = {"missing": "zero", "extra": "ignore"}
    if "language" in case:
        options["language"] = case["language"]
    if "no_answer_threshold" in case:
        options["no_answer_threshold"] = case["no_answer_threshold"]
    return options


def assert_matches(results, expected, tolerance=1e-9):
    """Every expected figure is present and equal to within ``tolerance``."""
    for key, value in expected.items():
        assert key in results, f"{key} missing from {sorted(results)}"
        assert abs(results[key] - value) <= tolerance, f"{key}: got {results[key]!r}, official {value!r}"



def nan_as_text(results):
    """``results`` with each NaN (qascore's undefined figure) written "NaN", so that ``==`` compares them
    too: NaN equals nothing, not even a NaN that went through JSON or another process."""
    return {key: "NaN" if isinstance(value, float) and math.isnan(value) else value for key, value in results.items()}


@pytest.fixture(scope="session")
def metric_dir():
    return str(METRIC_DIR)
