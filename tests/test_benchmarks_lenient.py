"""Smoke runs of benchmarks/lenient.py (small size: the twins agree, the table prints) and
benchmarks/human_agreement.py (the JSON shape, and the recommended metric's documented target on
the shared judged half: kappa at least 0.50 with precision at least 0.70)."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import SHARED_DATA

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
JUDGED = SHARED_DATA / "nq_open" / "efficientqa-test-judged.shared.jsonl"


def run(*arguments):
    completed = subprocess.run([sys.executable, *map(str, arguments)], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_speed_benchmark_runs_and_the_twins_agree():
    assert "| lenient (6 metrics) |" in run(BENCHMARKS / "lenient.py", "--size", "3000")


def test_agreement_json_has_one_object_per_metric():
    rows = json.loads(run(BENCHMARKS / "human_agreement.py", JUDGED, "--json"))
    keys = {"metric", "precision", "recall", "accuracy", "balanced_accuracy", "kappa", "recommended"}
    assert all(keys <= set(row) for row in rows)
    recommended = [row for row in rows if row["recommended"]]
    assert [row["metric"] for row in recommended] == ["lenient_match"]
    assert recommended[0]["kappa"] >= 0.50 and recommended[0]["precision"] >= 0.70
    assert "| **lenient_match** (recommended) |" in run(BENCHMARKS / "human_agreement.py", JUDGED)
