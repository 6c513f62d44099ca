"""Smoke run of the benchmark at its small size: every scorer runs and the scores agree.

Speed and memory are not asserted here (they live in benchmarks/RESULTS.md); what is asserted
is what could silently break: qascore's functions, the parallel path and the qa_em_f1 module
give exactly the official v1.1 algorithm's float64 scores on 10,000 SQuAD-like pairs,
torchmetrics matches its own float32 arithmetic, and the Trainer adapter variants agree.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SRC = Path(__file__).resolve().parents[1] / "src"


def test_benchmark_smoke_scores_agree(tmp_path):
    results_file = tmp_path / "results.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "10000", "--rounds", "2",
               "--cache-dir", str(tmp_path / "cache"), "--output", str(tmp_path / "RESULTS.md"),
               "--json", str(results_file)]
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]

    measured = json.loads(results_file.read_text())
    results = measured["runs"][0]["results"]
    official = results["official"]["scores"]
    assert 0 < official["exact_match"] < official["f1"] < 100  # exact, partial and wrong answers are all present
    for peer in ("qascore", "qascore-records", "qascore-parallel", "qa_em_f1", "qa_em_f1-arrow", "evaluate-squad",
                 "official-files", "qascore-files"):
        assert results[peer]["scores"] == official, peer
        assert len(results[peer]["seconds_each"]) == 2  # one time per round; the median round is reported
    torchmetrics = results["torchmetrics"]["scores"]
    assert abs(torchmetrics["exact_match"] - official["exact_match"]) < 1e-4  # float32 rounding of 44.52
    assert torchmetrics["f1"] != official["f1"]  # float32 sums drift even at 10k ...
    assert abs(torchmetrics["f1"] - official["f1"]) < 0.01  # ... but only slightly
    adapter_scores = [row["scores"] for row in measured["adapter"]]
    assert len(adapter_scores) == 4 and all(scores == adapter_scores[0] for scores in adapter_scores)
    report = (tmp_path / "RESULTS.md").read_text()
    assert "## Targets" in report and "Files end to end (10,000 questions" in report
