"""Run every scorer side by side on the same SQuAD-like pairs and write benchmarks/RESULTS.md.

    python benchmarks/run.py                      # 10k, 100k and 1M pairs (several minutes)
    python benchmarks/run.py --sizes 10000        # smoke run, as CI does (under a minute)

Each (peer, size) is measured in a fresh interpreter by ``measure.py`` (time of the
scoring call, peak resident-memory growth during it), in ``--rounds`` rounds (default 3):
each round measures every peer once, so a slow spell of a shared machine hits all peers
alike, and each peer is reported by its median round. Then the scores are checked:
qascore's functions and qa_em_f1 must equal the official v1.1 algorithm exactly
(float64 ``==``), evaluate's squad module too, and torchmetrics must equal the official
per-example scores summed in float32 as torchmetrics does (within 1e-3 points); its
distance from the float64 figure is reported. Any mismatch exits non-zero.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import machine  # noqa: E402
from data import cached_pairs  # noqa: E402
from peers import PEERS  # noqa: E402
from report import render  # noqa: E402

from qascore.scoring.reference import score_pairs  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_ADAPTER_SIZES = (10_000, 100_000)
EXACT_PEERS = ("qascore", "qascore-records", "qascore-parallel", "qa_em_f1", "qa_em_f1-arrow", "evaluate-squad",
               "official-files", "qascore-files", "qascore-files-parallel")
TORCHMETRICS_TOLERANCE = 1e-3  # points; float32 re-association noise, far below the drift it reports


class ScoreMismatch(AssertionError):
    """A peer's scores differ from the official algorithm's beyond what its arithmetic explains."""


def _child(script, *arguments):
    """Run a measuring script in a new interpreter and return the JSON line it prints last."""
    command = [sys.executable, str(HERE / script), *map(str, arguments)]
    completed = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_in_subprocess(peer, size, *, seed, cache_dir):
    """Measure one peer at one size with ``measure.py`` in a new interpreter."""
    return _child("measure.py", "--peer", peer, "--size", size, "--seed", seed, "--cache-dir", cache_dir)


def median_round(measured):
    """The round with the median wall-clock time (the lower middle one for an even count), with every
    round's seconds under ``seconds_each``.

    >>> median_round([{"seconds": 3.0}, {"seconds": 1.0}, {"seconds": 2.0}])
    {'seconds': 2.0, 'seconds_each': [3.0, 1.0, 2.0]}
    """
    ordered = sorted(measured, key=lambda result: result["seconds"])
    return {**ordered[(len(ordered) - 1) // 2], "seconds_each": [result["seconds"] for result in measured]}


def measure_adapter(sizes, *, seed, cache_dir):
    """Trainer adapter variants (``adapter.py``): whole-set calls at the largest size, batched at every size."""
    largest = max(sizes)
    plan = [(variant, largest) for variant in ("handwritten", "adapter", "adapter-module")]
    plan += [("adapter-batched", size) for size in sorted(sizes)]
    results = []
    for variant, size in plan:
        results.append(_child("adapter.py", "--variant", variant, "--size", size, "--seed", seed,
                              "--cache-dir", cache_dir))
        print(f"{size:>9} adapter:{variant:<16} {results[-1]['seconds']:8.2f} s "
              f"{results[-1]['peak_bytes'] / 2 ** 20:9.1f} MiB", flush=True)
    by_size = {}
    for result in results:
        by_size.setdefault(result["size"], []).append(result["scores"])
    for size, scores in by_size.items():
        if any(score != scores[0] for score in scores):
            raise ScoreMismatch(f"Trainer adapter variants disagree at {size}: {scores}")
    return results


def float32_expectation(pairs):
    """What torchmetrics should print: official per-example scores summed in float32, then scaled.

    >>> from data import build_pairs
    >>> sorted(float32_expectation(build_pairs(3, seed=1)))
    ['exact_match', 'f1']
    """
    exact, f1 = score_pairs(pairs.predictions, pairs.references, unanswerable=False)
    total = np.float32(len(f1))
    return {
        name: float(np.float32(100.0) * np.add.accumulate(np.asarray(values, dtype=np.float32))[-1] / total)
        for name, values in (("exact_match", exact), ("f1", f1))
    }


def check_scores(results, pairs):
    """Compare every peer to the official scores; return the notes for the report, raise on mismatch."""
    official = results["official"]["scores"]
    notes, failures = [], []
    for name in EXACT_PEERS:
        if name in results:
            scores = results[name]["scores"]
            same = scores == official
            notes.append(f"{PEERS[name].label}: {'identical to' if same else 'DIFFERS from'} the official float64 "
                         f"scores ({scores['exact_match']!r}, {scores['f1']!r})")
            if not same:
                failures.append(f"{name} {scores} != official {official}")
    if "torchmetrics" in results:
        scores = results["torchmetrics"]["scores"]
        expected = float32_expectation(pairs)
        for key in ("exact_match", "f1"):
            drift = scores[key] - official[key]
            gap = abs(scores[key] - expected[key])
            notes.append(f"torchmetrics {key}: {scores[key]!r}, official {official[key]!r}, difference "
                         f"{drift:+.6f} points; float32 re-summation of the official per-example scores gives "
                         f"{expected[key]!r} (gap {gap:.2e})")
            if gap > TORCHMETRICS_TOLERANCE:
                failures.append(f"torchmetrics {key} {scores[key]} is {gap} from its float32 expectation")
    if failures:
        raise ScoreMismatch("; ".join(failures))
    return notes


def main(argv=None):
    parser = argparse.ArgumentParser(description="qascore speed and memory benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--peers", nargs="+", choices=sorted(PEERS), default=list(PEERS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache-dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "qascore-bench"))
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"), help="markdown report ('-' for none)")
    parser.add_argument("--adapter-sizes", type=int, nargs="*",
                        help="Trainer adapter benchmark sizes (default: 10000 and 100000, up to the largest --sizes; "
                             "give none to skip it)")
    parser.add_argument("--rounds", type=int, default=3, help="measure every peer this many times (median reported)")
    parser.add_argument("--json", help="also write the raw measurements here")
    args = parser.parse_args(argv)
    if "official" not in args.peers:
        parser.error("--peers must include official: every other peer is checked against it")

    load_at_start = os.getloadavg()[0]
    runs = []
    for size in args.sizes:
        pairs = cached_pairs(size, seed=args.seed, cache_dir=args.cache_dir)
        rounds = {peer: [] for peer in args.peers}
        for round_number in range(1, args.rounds + 1):
            for peer in args.peers:
                measured = measure_in_subprocess(peer, size, seed=args.seed, cache_dir=args.cache_dir)
                rounds[peer].append(measured)
                print(f"{size:>9} round {round_number} {peer:<22} {measured['seconds']:8.2f} s "
                      f"{measured['peak_bytes'] / 2 ** 20:9.1f} MiB", flush=True)
        results = {peer: median_round(measured) for peer, measured in rounds.items()}
        for peer, measured in rounds.items():
            for other in measured:
                if other["scores"] != results[peer]["scores"]:
                    raise ScoreMismatch(f"{peer} gave different scores in different rounds at {size}")
        runs.append({"size": size, "results": results, "notes": check_scores(results, pairs)})

    if args.adapter_sizes is None:
        args.adapter_sizes = [size for size in DEFAULT_ADAPTER_SIZES if size <= max(args.sizes)] or [min(args.sizes)]
    adapter = measure_adapter(args.adapter_sizes, seed=args.seed, cache_dir=args.cache_dir) if args.adapter_sizes else []
    description = machine.describe()
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": description, "runs": runs, "adapter": adapter}, indent=1))
    if args.output != "-":
        command = " ".join(["python", "benchmarks/run.py", *sys.argv[1:]])
        load = (load_at_start, os.getloadavg()[0])
        Path(args.output).write_text(render(description, runs, adapter, command=command, load=load))
    return runs, adapter


if __name__ == "__main__":
    main()
