"""Scoring Parquet rows on Ray Data (issue 15): throughput 1 vs 2 workers, driver memory 1M vs 10M, merge cost.

The rows are the 1M deterministic pairs of :mod:`data` (``data.cached_pairs``), written to
Parquet ten times over with distinct ids to make 10M (cached under ``--cache-dir``). Each run
is a fresh driver process (``--run``), so its peak memory (``ru_maxrss``) is its own:

- ``ray.init(num_cpus=W)`` starts the local cluster (not timed), then
  ``qascore.distributed.ray.dataset_totals`` scores the rows (timed: read, score, merge);
- the merge alone is timed on the driver: as many states as there were batches, each
  unpickled and merged as ``dataset_totals`` does.

Where the CPU goes: each run also reads every process's CPU seconds (``/proc``) before and
after the timed call, and reports the scoring workers' CPU, the rest (the driver and Ray's own
processes: raylet, GCS, Ray Data's stats and autoscaling actors) and the core-seconds left
idle. As a reference without any engine, ``--ceiling`` scores the same Parquet batches with
:class:`qascore.QATotals` in 1 and in 2 plain processes (a multiprocessing pool started
before the clock), which is what the 2 cores give this work.

Figures are checked against one process: :class:`qascore.QATotals` over the same Parquet
batches without Ray (must be bit-equal), and :func:`qascore.compute` on the 1M pairs
(within 1e-9; the 10M rows are the 1M ten times, so their exact figures are the same).

    PYTHONPATH=src python benchmarks/distributed.py            # about 5 minutes on 2 cores
    PYTHONPATH=src python benchmarks/distributed.py --sizes 100000 1000000 --output -
"""

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))

from data import cached_pairs  # noqa: E402

BASE_ROWS = 1_000_000
FILE_ROWS = 500_000
BATCH_ROWS = 65_536


def parquet_files(rows, cache_dir):
    """The first ``rows`` rows (a multiple of FILE_ROWS) as Parquet files, written once (deterministic)."""
    folder = Path(cache_dir) / "parquet-v1"
    count = -(-rows // FILE_ROWS)
    paths = [folder / f"rows-{index:03d}.parquet" for index in range(count)]
    if all(path.exists() for path in paths):
        return paths
    pairs = cached_pairs(BASE_ROWS, cache_dir=Path(cache_dir).parent / "qascore-bench")
    folder.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(paths):
        if path.exists():
            continue
        start = index * FILE_ROWS % BASE_ROWS
        copy = index * FILE_ROWS // BASE_ROWS
        stop = start + FILE_ROWS
        table = pa.table({
            "id": [f"{id_}-{copy}" for id_ in pairs.ids[start:stop]],
            "prediction": pairs.predictions[start:stop],
            "answers": pairs.references[start:stop],
        })
        temporary = path.with_suffix(".tmp")
        pq.write_table(table, temporary, row_group_size=BATCH_ROWS)
        temporary.replace(path)
    return paths


def cpu_seconds_by_process():
    """``{pid: (command line, user + system CPU seconds)}`` of every process now running."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        table[int(pid)] = (command, (int(fields[11]) + int(fields[12])) / ticks)
    return table


def cpu_split(before, after, workers, seconds):
    """The timed call's CPU: the ``workers`` busiest Ray task processes, Ray and the driver, and the
    core-seconds of the machine's cores that neither used."""
    used = {pid: (command, cpu - before.get(pid, (command, 0.0))[1]) for pid, (command, cpu) in after.items()}
    tasks = sorted((cpu for command, cpu in used.values() if command.startswith("ray::") and "Actor" not in command),
                   reverse=True)
    worker_cpu = sum(tasks[:workers])
    ray_and_driver = sum(cpu for pid, (command, cpu) in used.items()
                         if pid == os.getpid() or "ray" in command) - worker_cpu
    return {"worker_cpu": worker_cpu, "ray_and_driver_cpu": ray_and_driver,
            "idle_core_seconds": max(0.0, os.cpu_count() * seconds - worker_cpu - ray_and_driver)}


def run(rows, workers, cache_dir):
    """One run in this (fresh) process: the measurements as a dict."""
    import ray

    from qascore.distributed import QATotals
    from qascore.distributed.ray import dataset_totals

    paths = [str(path) for path in parquet_files(rows, cache_dir)]
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, object_store_memory=10**9)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    dataset = ray.data.read_parquet(paths, columns=["id", "prediction", "answers"])
    before, start = cpu_seconds_by_process(), time.perf_counter()
    totals = dataset_totals(dataset, "squad", batch_size=BATCH_ROWS)
    seconds = time.perf_counter() - start
    cpu = cpu_split(before, cpu_seconds_by_process(), workers, seconds)
    results = totals.compute()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ray.shutdown()
    # the merge alone, as dataset_totals does it: one state per batch, each unpickled and merged
    batches = -(-rows // BATCH_ROWS)
    state = QATotals("squad")
    state.update(pq.read_table(paths[0]).slice(0, 1000))
    one = pickle.dumps(state)
    merge_start = time.perf_counter()
    merged = QATotals("squad")
    for _ in range(batches):
        merged.merge(pickle.loads(one))
    merge_seconds = time.perf_counter() - merge_start
    return {"rows": totals.rows, "workers": workers, "seconds": seconds, "driver_peak_mib": peak_mib,
            "merge_seconds": merge_seconds, "batches": batches, "results": results, **cpu}


def _score_files(paths):
    from qascore.distributed import QATotals

    totals = QATotals("squad")
    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
            totals.update(batch)
    return totals


def _import_qascore(_):
    import qascore.distributed  # noqa: F401 - loaded before the clock starts


def ceiling(rows, cache_dir):
    """Seconds to score the rows with QATotals in 1 and in 2 plain processes (no engine), and the figures."""
    import multiprocessing

    paths = [str(path) for path in parquet_files(rows, cache_dir)]
    measured = {}
    for processes in (1, 2):
        with multiprocessing.get_context("forkserver").Pool(processes) as pool:
            pool.map(_import_qascore, range(processes))
            start = time.perf_counter()
            parts = pool.map(_score_files, [paths[index::processes] for index in range(processes)])
            measured[processes] = time.perf_counter() - start
        for part in parts[1:]:
            parts[0].merge(part)
        measured[f"results_{processes}"] = parts[0].compute()
    return measured


def one_process(rows, cache_dir):
    """QATotals over the same Parquet batches in this process, without Ray (the figures to equal)."""
    from qascore.distributed import QATotals

    totals = QATotals("squad")
    for path in parquet_files(rows, cache_dir):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
            totals.update(batch)
    return totals.compute()


def compute_on_pairs():
    """qascore.compute on the 1M pairs (left-to-right sums, as the official script adds)."""
    import qascore

    pairs = cached_pairs(BASE_ROWS, cache_dir=Path(os.environ.get("TMPDIR", "/tmp")) / "qascore-bench")
    return qascore.compute(pairs.predictions, pairs.references)


def in_fresh_process(*arguments):
    command = [sys.executable, __file__, *map(str, arguments)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode:
        raise RuntimeError(completed.stderr[-3000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(measured, one, official, sizes, plain):
    small, big = sizes[0], sizes[-1]
    by = {(m["rows"], m["workers"]): m for m in measured}
    one_worker, two_workers = by[(big, 1)], by[(big, 2)]
    speedup = one_worker["seconds"] / two_workers["seconds"]
    memory = two_workers["driver_peak_mib"] / by[(small, 2)]["driver_peak_mib"]
    merge_share = two_workers["merge_seconds"] / two_workers["seconds"]
    equal = all(m["results"] == one for m in measured if m["rows"] == big)
    close = max(abs(two_workers["results"][key] - official[key]) for key in official)
    lines = [
        "## Distributed scoring (Ray Data)",
        "",
        f"`benchmarks/distributed.py`: {big:,} SQuAD v1.1 rows from Parquet ({FILE_ROWS:,} rows a file), "
        f"`qascore.distributed.ray.dataset_totals` (`map_batches` of {BATCH_ROWS:,} rows, each giving a pickled "
        f"`QATotals`, merged on the driver as they stream in), local Ray cluster, {os.cpu_count()} cores. One fresh driver per run; Ray's start not timed.",
        "",
        "| rows | workers | seconds | rows/s | driver peak MiB | merge seconds (share) | worker CPU s | "
        "Ray + driver CPU s | idle core-s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measured:
        lines.append(f"| {m['rows']:,} | {m['workers']} | {m['seconds']:.1f} | {m['rows'] / m['seconds']:,.0f} | "
                     f"{m['driver_peak_mib']:.0f} | {m['merge_seconds']:.3f} ({100 * m['merge_seconds'] / m['seconds']:.2f}%) | "
                     f"{m['worker_cpu']:.1f} | {m['ray_and_driver_cpu']:.1f} | {m['idle_core_seconds']:.1f} |")
    busy = (two_workers["worker_cpu"] + two_workers["ray_and_driver_cpu"]) / os.cpu_count()
    plain_speedup = plain[1] / plain[2]
    lines += [
        "",
        f"- 2 workers vs 1 at {big:,} rows: **{speedup:.2f}x** the throughput (target 1.7x: "
        f"{'met' if speedup >= 1.7 else 'not met'}).",
        f"- Driver peak memory at {big:,} vs {small:,} rows (2 workers): **{memory:.2f}x** (target at most 1.2x: "
        f"{'met' if memory <= 1.2 else 'not met'}).",
        f"- Merging the {two_workers['batches']} per-batch states: **{100 * merge_share:.2f}%** of the run "
        f"(target under 1%: {'met' if merge_share < 0.01 else 'not met'}).",
        f"- Figures: every {big:,}-row run {'equals' if equal else 'DIFFERS from'} `QATotals` in one process without "
        f"Ray bit for bit ({one}); `qascore.compute` on the 1M pairs differs by at most {close:.1e}.",
        f"- Without an engine (`--ceiling`): the same {big:,} rows scored by `QATotals` in plain processes took "
        f"{plain[1]:.1f} s in 1 and {plain[2]:.1f} s in 2: **{plain_speedup:.2f}x** (figures "
        f"{'equal' if plain['results_1'] == plain['results_2'] == one else 'DIFFER'}).",
        f"- With 2 Ray workers the CPU spent was {two_workers['worker_cpu']:.1f} s in the workers and "
        f"{two_workers['ray_and_driver_cpu']:.1f} s in the driver and Ray's own processes; with no core ever idle the "
        f"run would take at least {busy:.1f} s, {one_worker['seconds'] / busy:.2f}x the 1-worker throughput. With 1 worker "
        f"that second share ran on the other core ({one_worker['ray_and_driver_cpu']:.1f} s) and its worker used "
        f"{one_worker['worker_cpu']:.1f} s.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000_000, 10_000_000], metavar=("SMALL", "BIG"))
    parser.add_argument("--cache-dir", default=str(Path(os.environ.get("TMPDIR", "/tmp")) / "qascore-distributed"))
    parser.add_argument("--output", default=str(BENCHMARKS / "DISTRIBUTED.md"), help="markdown file, or - for stdout")
    parser.add_argument("--run", type=int, nargs=2, metavar=("ROWS", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--one-process", type=int, metavar="ROWS", help=argparse.SUPPRESS)
    parser.add_argument("--ceiling", type=int, metavar="ROWS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run(*args.run, args.cache_dir)))
        return
    if args.one_process:
        print(json.dumps(one_process(args.one_process, args.cache_dir)))
        return
    if args.ceiling:
        print(json.dumps(ceiling(args.ceiling, args.cache_dir)))
        return
    small, big = args.sizes
    parquet_files(big, args.cache_dir)
    measured = [in_fresh_process("--run", rows, workers, "--cache-dir", args.cache_dir)
                for rows, workers in ((small, 2), (big, 1), (big, 2))]
    one = in_fresh_process("--one-process", big, "--cache-dir", args.cache_dir)
    plain = {int(key) if key.isdigit() else key: value
             for key, value in in_fresh_process("--ceiling", big, "--cache-dir", args.cache_dir).items()}
    markdown = report(measured, one, compute_on_pairs(), args.sizes, plain)
    if args.output == "-":
        print(markdown)
    else:
        Path(args.output).write_text(markdown, encoding="utf-8")
        print(markdown)


if __name__ == "__main__":
    main()
