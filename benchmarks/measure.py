"""Measure one peer at one size in this (fresh) process; print one JSON line.

Run by ``run.py`` in a new interpreter per measurement, so nothing one peer
allocates or imports changes another's numbers:

    python benchmarks/measure.py --peer official --size 10000 --cache-dir /tmp/qascore-bench

Time is wall-clock ``time.perf_counter`` around the scoring call only (inputs are
prepared and modules loaded beforehand); ``cpu_seconds`` is this process's CPU time
for the same call (less sensitive to other load on the machine) and
``children_cpu_seconds`` the CPU time of worker processes it started and joined
(``children_peak_bytes``: the largest one's peak resident set). Peak memory is the growth of the resident
set during that call: the kernel's high-water mark (``VmHWM``) is reset through
``/proc/self/clear_refs`` just before the call, and the result is
``VmHWM after - VmRSS before``. Where that is unavailable (not Linux) it falls back to
``ru_maxrss`` growth, which can under-count when preparation peaked higher.
"""

import argparse
import gc
import json
import multiprocessing
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from data import cached_files, cached_pairs  # noqa: E402
from peers import PEERS  # noqa: E402


def _status_kib(field):
    with open("/proc/self/status", encoding="ascii") as handle:
        return int(re.search(rf"^{field}:\s+(\d+) kB", handle.read(), re.MULTILINE).group(1))


def _children_cpu():
    """CPU seconds (user + system) of this process's finished, waited-for child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wait_for_workers():
    """Reap every worker process (a pool may reap its workers in a background thread) so rusage counts them."""
    while multiprocessing.active_children():
        time.sleep(0.01)


def _reset_peak():
    """Reset the kernel's peak-RSS counter; return the method name used for the reading."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return "VmHWM reset via /proc/self/clear_refs"
    except OSError:
        return "ru_maxrss growth"


def measure(peer, inputs):
    """Time ``peer`` on ``inputs`` (pairs or files) and return seconds, peak-memory growth in bytes and the scores."""
    state = peer.prepare(inputs)
    gc.collect()
    method = _reset_peak()
    if method.startswith("VmHWM"):
        before_kib = _status_kib("VmRSS")
    else:
        before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, start_cpu, start_children = time.perf_counter(), time.process_time(), _children_cpu()
    scores = peer.score(state)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    _wait_for_workers()
    children_cpu_seconds = _children_cpu() - start_children
    if method.startswith("VmHWM"):
        after_kib = _status_kib("VmHWM")
    else:
        after_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "children_cpu_seconds": children_cpu_seconds,
            "peak_bytes": max(0, after_kib - before_kib) * 1024, "memory_method": method,
            "children_peak_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
            "scores": scores}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", required=True, choices=sorted(PEERS))
    parser.add_argument("--size", required=True, type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache-dir", required=True)
    args = parser.parse_args(argv)
    peer = PEERS[args.peer]
    load = cached_files if peer.inputs == "files" else cached_pairs
    result = measure(peer, load(args.size, seed=args.seed, cache_dir=args.cache_dir))
    print(json.dumps({"peer": args.peer, "size": args.size, **result}))


if __name__ == "__main__":
    main()
