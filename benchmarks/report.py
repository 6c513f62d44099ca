"""Render benchmark measurements as the markdown of benchmarks/RESULTS.md.

>>> runs = [{"size": 10, "notes": [], "results": {
...     "official": {"seconds": 2.0, "peak_bytes": 2 ** 20, "memory_method": "m", "scores": {}},
...     "qascore": {"seconds": 0.5, "peak_bytes": 2 ** 19, "memory_method": "m", "scores": {}}}}]
>>> ratio(runs[0]["results"], "qascore", "official")
4.0
>>> "| qascore.compute (lists) | 0.500 | 0.50 |" in render({"cpu": "x"}, runs, command="python run.py")
True
"""

from peers import PEERS

OURS = ("qascore", "qascore-records", "qascore-parallel", "qa_em_f1", "qa_em_f1-arrow")
BASELINES = ("official", "torchmetrics", "evaluate-squad")
FILE_BASELINE = "official-files"

# (description, ours, baseline, kind, threshold): kind "speed" wants baseline time / our time >= threshold,
# kind "memory" wants our peak / baseline peak <= threshold.
TARGETS = (
    ("qascore functions >= 10x faster than the official algorithm", "qascore", "official", "speed", 10.0),
    ("qa_em_f1 (evaluate.load().compute) >= 10x faster than torchmetrics", "qa_em_f1", "torchmetrics", "speed",
     10.0),
    ("qa_em_f1 (evaluate.load().compute) >= 5x faster than the official algorithm", "qa_em_f1", "official", "speed",
     5.0),
    ("qa_em_f1 peak memory <= 1/2 of evaluate's squad module", "qa_em_f1", "evaluate-squad", "memory", 0.5),
    ("qa_em_f1 with add_batch (Arrow) peak memory <= 1/2 of evaluate's squad module", "qa_em_f1-arrow",
     "evaluate-squad", "memory", 0.5),
    ("qascore score on the files, end to end in one process: >= 8x faster than the official script",
     "qascore-files", "official-files", "speed", 8.0),
    ("qascore score on the files, peak memory <= the official script's", "qascore-files", "official-files", "memory",
     1.0),
)
# Measured the same way, but not targets of the issue.
ALSO_MEASURED = (
    ("qascore.compute(num_proc=cores) on lists already in memory: >= 1.8x one-process qascore.compute",
     "qascore-parallel", "qascore", "speed", 1.8),
)


def ratio(results, ours, baseline, *, clock="seconds"):
    """How many times faster ``ours`` ran than ``baseline`` on ``clock`` (None when either is missing)."""
    if ours not in results or baseline not in results or clock not in results[ours]:
        return None
    return results[baseline][clock] / results[ours][clock]


def memory_ratio(results, ours, baseline):
    """``ours`` peak-memory growth as a fraction of ``baseline``'s (None when either is missing)."""
    if ours not in results or baseline not in results or not results[baseline]["peak_bytes"]:
        return None
    return results[ours]["peak_bytes"] / results[baseline]["peak_bytes"]


def _fmt(value, pattern):
    return "n/a" if value is None else format(value, pattern)


def _row(size, name, measured, speedups):
    scores = measured["scores"]
    return (
        f"| {PEERS[name].label} | {measured['seconds']:.3f} "
        f"| {' / '.join(format(seconds, '.2f') for seconds in measured.get('seconds_each', [measured['seconds']]))} "
        f"| {_fmt(measured.get('cpu_seconds'), '.3f')} "
        f"| {size / measured['seconds']:,.0f} "
        f"| {measured['peak_bytes'] / 2 ** 20:,.1f} | {_fmt(scores.get('exact_match'), '.4f')} "
        f"| {_fmt(scores.get('f1'), '.4f')} | " + " | ".join(_fmt(value, ".2f") for value in speedups) + " |")


def _file_table(size, results):
    """Scoring the official script's two files end to end (reading and parsing included)."""
    names = [name for name in results if PEERS[name].inputs == "files"]
    if not names:
        return []
    lines = ["", f"Files end to end ({size:,} questions; reading the JSON files is timed too):", "",
             "| scorer | seconds (median) | each round | CPU s | questions/s | peak MiB | EM | F1 "
             "| x official script (files) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in names:
        speedups = [ratio(results, name, FILE_BASELINE) if name != FILE_BASELINE else None]
        lines.append(_row(size, name, results[name], speedups))
    return lines


def _size_section(run):
    results = run["results"]
    size = run["size"]
    lines = [f"### {size:,} pairs", "",
             "| scorer | seconds (median) | each round | CPU s | pairs/s | peak MiB | EM | F1 | x official "
             "| x torchmetrics | x evaluate squad |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, measured in results.items():
        if PEERS[name].inputs == "pairs":
            speedups = [ratio(results, name, baseline) if name != baseline else None for baseline in BASELINES]
            lines.append(_row(size, name, measured, speedups))
    lines += _file_table(size, results)
    memory = [f"{PEERS[name].label} uses {_fmt(memory_ratio(results, name, 'evaluate-squad'), '.3f')} of evaluate "
              f"squad's peak" for name in OURS if name in results]
    workers = [f"{PEERS[name].label}: {results[name]['children_peak_bytes'] / 2 ** 20:,.0f} MiB"
               for name in results if results[name].get("children_peak_bytes")]
    lines += ["", "Memory: " + "; ".join(memory) + "." if memory else ""]
    lines += ["", "Largest worker's peak resident set: " + "; ".join(workers) + "." if workers else "", ""]
    lines += [f"- {note}" for note in run["notes"]]
    return "\n".join(lines) + "\n"


def _parallel_notes(results):
    """Where the parallel peer's time went: worker CPU vs one-process CPU, and what N idle cores would give."""
    if "qascore-parallel" not in results or "qascore" not in results:
        return ""
    parallel, single = results["qascore-parallel"], results["qascore"]
    workers = parallel.get("children_cpu_seconds")
    if not workers:
        return ""
    cores = machine_cores()
    projected = single["cpu_seconds"] / (parallel["cpu_seconds"] + workers / cores)
    return (f"- Lists in memory: the {cores} workers used {workers:.2f} CPU s in total (one process: "
            f"{single['cpu_seconds']:.2f} CPU s), the parent {parallel['cpu_seconds']:.2f} CPU s; wall clock "
            f"{parallel['seconds']:.2f} s vs {single['seconds']:.2f} s. If the workers had {cores} idle cores "
            f"(parent CPU + worker CPU / {cores}) the speed-up would be about {projected:.2f}x; this is a "
            "projection from CPU times, not a measurement.\n")


def machine_cores():
    """Usable cores of this machine (what the parallel peer uses as num_proc)."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _targets_section(run):
    results = run["results"]
    lines = [f"## Targets (measured at {run['size']:,} pairs, from the run above)", "", *_target_rows(results, TARGETS),
             "", "Also measured in this run, not a target of the issue:", "", *_target_rows(results, ALSO_MEASURED)]
    notes = _parallel_notes(results)
    return "\n".join(lines) + "\n" + ("\nParallel scoring:\n\n" + notes if notes else "")


def _target_rows(results, targets):
    lines = ["| target | measured (wall clock) | met | CPU-time ratio |", "| --- | ---: | --- | ---: |"]
    for description, ours, baseline, kind, threshold in targets:
        cpu = "-"
        if kind == "speed":
            value = ratio(results, ours, baseline)
            met = value is not None and value >= threshold
            shown = "n/a" if value is None else f"{value:.2f}x"
            if not ours.endswith("parallel"):  # workers' CPU is not in the parent's CPU time
                cpu_ratio = ratio(results, ours, baseline, clock="cpu_seconds")
                cpu = "n/a" if cpu_ratio is None else f"{cpu_ratio:.2f}x"
        else:
            value = memory_ratio(results, ours, baseline)
            met = value is not None and value <= threshold
            shown = _fmt(value, ".3f")
        verdict = "yes" if met else "NO" if value is not None else "not run"
        lines.append(f"| {description} | {shown} | {verdict} | {cpu} |")
    return lines


ADAPTER_LABELS = {
    "handwritten": "hand-written compute_metrics (np.where, batch_decode, strip, squad records, evaluate squad rebuild)",
    "adapter": "QAComputeMetrics(tokenizer, references=...) (qascore scorer)",
    "adapter-module": "QAComputeMetrics(..., metric='<repo>/metrics/qa_em_f1')",
    "adapter-batched": "QAComputeMetrics with batch_eval_metrics=True (64 rows per call, torch tensors)",
}


def _adapter_section(adapter):
    """Trainer adapter table, its 4x target (issue 11) and the batch_eval_metrics memory comparison."""
    if not adapter:
        return ""
    lines = ["## Trainer adapter (generated answers, 32 tokens per row)", "",
             "| variant | examples | seconds | examples/s | peak MiB | EM | F1 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in adapter:
        lines.append(f"| {ADAPTER_LABELS[row['variant']]} | {row['size']:,} | {row['seconds']:.3f} "
                     f"| {row['size'] / row['seconds']:,.0f} | {row['peak_bytes'] / 2 ** 20:,.1f} "
                     f"| {row['scores']['exact_match']:.4f} | {row['scores']['f1']:.4f} |")
    largest = max(row["size"] for row in adapter)
    whole = {row["variant"]: row for row in adapter if row["size"] == largest}
    batched = sorted((row for row in adapter if row["variant"] == "adapter-batched"), key=lambda row: row["size"])
    lines += ["", "All variants at the same size give identical float64 scores (checked by run.py).", "",
              "| target | measured | met |", "| --- | ---: | --- |"]
    if "handwritten" in whole and "adapter" in whole:
        speedup = whole["handwritten"]["seconds"] / whole["adapter"]["seconds"]
        lines.append(f"| adapter >= 4x faster than the hand-written compute_metrics ({largest:,} rows) "
                     f"| {speedup:.2f}x | {'yes' if speedup >= 4 else 'NO'} |")
    if len(batched) >= 2:
        small, large = batched[0], batched[-1]
        growth = large["peak_bytes"] / max(small["peak_bytes"], 1)
        flat = growth <= 1.5
        lines.append(f"| batch_eval_metrics peak memory flat: {small['size']:,} vs {large['size']:,} examples "
                     f"| {small['peak_bytes'] / 2 ** 20:,.1f} vs {large['peak_bytes'] / 2 ** 20:,.1f} MiB "
                     f"({growth:.2f}x) | {'yes' if flat else 'NO'} |")
    return "\n".join(lines) + "\n"


def render(description, runs, adapter=(), *, command, load=None):
    """The whole RESULTS.md: machine, method, one table per size, then the targets at the largest size."""
    memory_methods = sorted({m["memory_method"] for run in runs for m in run["results"].values()})
    parts = [
        "# qascore benchmark results",
        "",
        f"Produced by `{command}` (benchmarks/run.py); every number below comes from that one run.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in description.items()],
        *([f"- load average (1 min) at start / end of the run: {load[0]:.2f} / {load[1]:.2f} (other jobs shared "
           "this machine; wall-clock ratios between scorers measured at different moments carry that noise, "
           "the CPU-time columns much less)"] if load else []),
        "",
        "## Method",
        "",
        "- Data: deterministic SQuAD-like pairs from SQuAD v1.1 dev (benchmarks/data.py, seed 0): 1-5 gold "
        "answers, 40% exact, 35% partial, 25% wrong predictions.",
        "- Each scorer runs in a fresh interpreter with its inputs already in its native format; time is wall "
        "clock of the scoring call only (module loading and input building excluded). The file scorers get the "
        "official script's two JSON files instead, and their time includes reading and parsing them.",
        "- Rounds: every scorer is measured once per round, all scorers in turn, for several rounds; each is "
        "reported by its median round ('each round' lists them all), and every ratio is between medians. The "
        "CPU-s and memory columns are those of the median round.",
        f"- Peak memory: resident-set growth during the scoring call ({'; '.join(memory_methods)}); for "
        "the parallel scorers it is the parent's, and the largest worker's peak resident set is listed "
        "under each size.",
        "- 'x peer' columns: peer seconds / this row's seconds (higher is faster than that peer).",
        "- evaluate's squad module cannot be loaded offline (evaluate.load('squad') fetches it from the Hub and "
        "evaluate 0.4.6 ships no copy); 'evaluate squad (offline rebuild)' is benchmarks/evaluate_squad.py: "
        "an evaluate.Metric with the module's features and _compute, scoring with the official algorithm.",
        "",
        "## Results",
        "",
        *[_size_section(run) for run in runs],
        _targets_section(max(runs, key=lambda run: run["size"])),
        _adapter_section(adapter),
    ]
    return "\n".join(parts)
