"""cmrc2018, drcd, jsquad and mrqa at 100k questions: qascore vs each official scorer's rules.

The data are built deterministically from ../shared/data: a preset's dev questions repeated
until there are ``--size`` of them (ids suffixed ``#k``), copy k predicted by the k-th of the
folder's prediction systems (CMRC 2018 and DRCD: exact, char_edits, width_forms,
punctuation, extra_chars, wrong, mixed; JSQuAD the same; MRQA: the ten real SQuAD
leaderboard systems and squad.mixed on MRQA's SQuAD dev), so predictions vary as real runs
do. They are cached under ``$TMPDIR/qascore-bench``.

Timed, in one process, on the same in-memory lists: ``qascore.compute`` against the plain
official-rules twin (``qascore.families.<family>.reference``, always), and with
``--official PATH`` against the real official script (fetched outside the repository;
``cmrc2018_evaluate.py`` needs nltk with its punkt model, ``mrqa_official_eval.py`` runs
with a stand-in for its allennlp import, JSQuAD's is JGLUE's patched ``squad_metrics.py``).
Every scorer must give the same figures (1e-9). Prints a markdown table::

    PYTHONPATH=src python benchmarks/rc_cjk.py                       # all four presets, 100k
    PYTHONPATH=src python benchmarks/rc_cjk.py --preset mrqa --official /tmp/mrqa_official_eval.py
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import pickle
import sys
import tempfile
import time
import types
from pathlib import Path

import qascore
from qascore.families.cmrc2018 import reference as cmrc_reference
from qascore.families.cmrc2018.segmentation import clear_caches
from qascore.families.jsquad import reference as jsquad_reference
from qascore.families.mrqa import reference as mrqa_reference

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CACHE = Path(tempfile.gettempdir()) / "qascore-bench"
EDITS = ("exact", "char_edits", "width_forms", "punctuation", "extra_chars", "wrong", "mixed")
SQUAD_SYSTEMS = sorted(path.name for path in (SHARED / "predictions/squad-v1.1").glob("*.json"))
SOURCES = {
    "cmrc2018": ("cmrc2018/cmrc2018_dev.json", [f"cmrc2018/predictions/{name}.json" for name in EDITS]),
    "drcd": ("drcd/DRCD_dev.json", [f"drcd/predictions/{name}.json" for name in EDITS]),
    "jsquad": ("jsquad/valid-v1.3.json", [f"jsquad/predictions/{name}.json" for name in EDITS]),
    "mrqa": ("mrqa/SQuAD-dev-v1.1.mrqa.jsonl.gz",
             [f"predictions/squad-v1.1/{name}" for name in SQUAD_SYSTEMS] + ["mrqa/predictions/squad.mixed.json"]),
}


def _gold(data: str):
    if data.endswith(".jsonl.gz"):
        with gzip.open(SHARED / data, "rt", encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle]
        qas = [qa for record in records if "qas" in record for qa in record["qas"]]
        return [qa["qid"] for qa in qas], [qa["answers"] for qa in qas]
    document = json.loads((SHARED / data).read_text(encoding="utf-8"))
    qas = [qa for article in document["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]]
    return [qa["id"] for qa in qas], [[answer["text"] for answer in qa["answers"]] for qa in qas]


def build(preset: str, size: int):
    """``(ids, predictions, references)`` of ``size`` questions (cached); a prediction may be None (missing)."""
    cached = CACHE / f"rc_cjk-{preset}-{size}-v1.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    data, systems = SOURCES[preset]
    ids, answers = _gold(data)
    predicted = [json.loads((SHARED / path).read_text(encoding="utf-8")) for path in systems]
    rows = ([], [], [])
    for index in range(size):
        copy, position = divmod(index, len(ids))
        rows[0].append(f"{ids[position]}#{copy}")
        rows[1].append(predicted[copy % len(predicted)].get(ids[position]))
        rows[2].append(answers[position])
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(rows))
    return rows


def twin(preset, ids, predictions, references):
    """The plain official-rules twin of each family."""
    if preset in ("cmrc2018", "drcd"):
        return cmrc_reference.evaluate(references, predictions)
    if preset == "jsquad":
        return jsquad_reference.squad_evaluate(list(zip(ids, references)), dict(zip(ids, predictions)))
    answers = dict(zip(ids, references))
    return mrqa_reference.evaluate(answers, {i: p for i, p in zip(ids, predictions) if p is not None})


def _module(path):
    spec = importlib.util.spec_from_file_location("official_scorer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def official(preset, path, ids, predictions, references):
    """The real official script at ``path``, called on the same data as its command line would be."""
    if preset == "mrqa":
        stub = types.ModuleType("allennlp.common.file_utils")
        stub.cached_path = lambda name: name  # the script's only use of allennlp; local paths pass unchanged
        for name in ("allennlp", "allennlp.common"):
            sys.modules.setdefault(name, types.ModuleType(name))
        sys.modules["allennlp.common.file_utils"] = stub
        module = _module(path)
        return lambda: module.evaluate(dict(zip(ids, references)),
                                       {i: p for i, p in zip(ids, predictions) if p is not None})
    if preset in ("cmrc2018", "drcd"):
        module = _module(path)
        document = {"data": [{"paragraphs": [{"qas": [{"id": i, "answers": [{"text": a} for a in golds]}
                                                     for i, golds in zip(ids, references)]}]}]}
        answered = {i: p for i, p in zip(ids, predictions) if p is not None}

        def run():
            f1, em, total, skip = module.evaluate(document, answered)
            return {"AVERAGE": (em + f1) * 0.5, "F1": f1, "EM": em, "TOTAL": total, "SKIP": skip}
        return run
    module = _module(path)
    examples = [types.SimpleNamespace(qas_id=i, answers=[{"text": a} for a in golds])
                for i, golds in zip(ids, references)]
    return lambda: dict(module.squad_evaluate(examples, dict(zip(ids, predictions))))


def _timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def _same(first, second):
    return all(abs(first[key] - second[key]) <= 1e-9 for key in second)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(SOURCES), action="append", help="(default: all four)")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--official", metavar="PATH", help="the official script of the (one) --preset")
    args = parser.parse_args(argv)
    presets = args.preset or sorted(SOURCES)
    if args.official and len(presets) != 1:
        parser.error("--official needs exactly one --preset")
    print("| preset | questions | qascore.compute (s) | official rules, twin (s) | speed-up | real official script (s) "
          "| speed-up | same figures |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for preset in presets:
        ids, predictions, references = build(preset, args.size)
        options = {"missing": "zero"}
        clear_caches()  # each preset starts cold
        ours, ours_time = _timed(lambda: qascore.compute(predictions, references, preset=preset, **options))
        if preset == "jsquad":  # its official scorer refuses missing predictions; the jsquad systems have none
            assert None not in predictions
        theirs, twin_time = _timed(lambda: twin(preset, ids, predictions, references))
        same = _same(ours, theirs)
        real = ""
        if args.official:
            real_results, real_time = _timed(official(preset, args.official, ids, predictions, references))
            same = same and _same(ours, real_results)
            real = f"{real_time:.2f} | {real_time / ours_time:.1f}x"
        else:
            real = "- | -"
        print(f"| {preset} | {len(references):,} | {ours_time:.2f} | {twin_time:.2f} | {twin_time / ours_time:.1f}x "
              f"| {real} | {'yes' if same else 'NO'} |", flush=True)
        if not same:
            raise SystemExit(f"{preset}: the figures differ: {ours} vs {theirs}")
    print(f"\n{os.cpu_count()} CPUs; one process each; same in-memory lists for every scorer.")


if __name__ == "__main__":
    main()
