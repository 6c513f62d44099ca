"""Benchmark: the drop, hotpotqa and coqa presets at 100k questions against their official rules.

    python benchmarks/rc_drop.py [--size 100000] [--official DIR] [--repeat 3]

For each preset the benchmark files are built from the shared data
(``../shared/data/{drop,hotpotqa,coqa}``, the case of each preset's ``mixed`` system) by
repeating its questions until ``--size`` is reached. Copy k renames its ids (``<id>~k``) and
rotates the letters of every word of its texts by k places (a Caesar shift; ``yes``, ``no``,
``noanswer``, ``unknown`` and the articles are kept), so copies share no answer text and
no cache of distinct strings profits from the repetition; both scorers read the same files,
so they must give the same figures. The files are cached under /tmp.

Timed (wall clock, best of ``--repeat``), each from the files to the figures:

- ``qascore``: :func:`qascore.files.score.score_files` (``qascore score``);
- ``reference``: the plain twin of the official rules (``qascore.families.<f>.reference``),
  after ``json.load`` of both files;
- ``official``: with ``--official DIR``, the unmodified official script from that folder
  (``drop_eval.py``, ``hotpot_evaluate_v1.py``, ``evaluate-v1.0.py``; fetched outside the
  repository, never copied into it), imported and called as its ``__main__`` would call it,
  its printing sent to a null stream. hotpot_evaluate_v1.py imports ``ujson``; when that is
  not installed, the standard ``json`` module stands in for it (the files hold no floats).

Prints a markdown table (benchmarks/RC_DROP.md holds one run's output) and fails if any
figure differs by more than 1e-9.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import re
import sys
import time
import types
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CACHE = Path("/tmp/qascore-rc-drop-bench")
FORMAT_VERSION = 1  # bump when the builder changes, so cached files are rebuilt
_KEPT_WORDS = {"yes", "no", "noanswer", "unknown", "a", "an", "the"}
_WORD = re.compile(r"[A-Za-z]+")


def rotate(text: str, shift: int) -> str:
    """``text`` with the letters of each word shifted by ``shift`` (kept words unchanged).

    >>> rotate("The Broncos won, yes", 1)
    'The Cspodpt xpo, yes'
    """
    if shift % 26 == 0:
        return text

    def shifted(match: re.Match) -> str:
        word = match.group()
        if word.lower() in _KEPT_WORDS:
            return word
        return "".join(chr((ord(char) - base + shift) % 26 + base) for char in word
                       for base in (97 if char.islower() else 65,))
    return _WORD.sub(shifted, text)


def _copies(size: int, count: int) -> range:
    return range(-(-size // count))


# ---------------------------------------------------------------- builders, one per preset


def _build_drop(size: int):
    data = json.loads((SHARED / "drop" / "drop_squad_dev.json").read_text(encoding="utf-8"))
    predictions = json.loads((SHARED / "drop" / "predictions" / "squad.mixed.json").read_text(encoding="utf-8"))
    questions = sum(len(passage["qa_pairs"]) for passage in data.values())
    out_data, out_predictions, kept = {}, {}, 0

    def answer(value, shift):
        return {"number": value["number"], "spans": [rotate(span, shift) for span in value["spans"]],
                "date": {part: rotate(str(text), shift) for part, text in value["date"].items()}}
    for copy in _copies(size, questions):
        for passage_id, passage in data.items():
            pairs = []
            for qa in passage["qa_pairs"]:
                if kept == size:
                    break
                kept += 1
                query_id = f"{qa['query_id']}~{copy}"
                pairs.append({"query_id": query_id, "question": qa["question"], "answer": answer(qa["answer"], copy),
                              "validated_answers": [answer(other, copy) for other in qa.get("validated_answers", [])]})
                if qa["query_id"] in predictions:
                    predicted = predictions[qa["query_id"]]
                    out_predictions[query_id] = (rotate(predicted, copy) if isinstance(predicted, str)
                                                 else [rotate(span, copy) for span in predicted])
            if pairs:
                out_data[f"{passage_id}~{copy}"] = {"passage": "", "qa_pairs": pairs}
    return out_data, out_predictions


def _build_hotpotqa(size: int):
    data = json.loads((SHARED / "hotpotqa" / "hotpot_squad_dev.json").read_text(encoding="utf-8"))
    predictions = json.loads((SHARED / "hotpotqa" / "predictions" / "mixed.json").read_text(encoding="utf-8"))
    out_data, out_predictions = [], {"answer": {}, "sp": {}}

    def facts(entries, shift):
        return [[rotate(entry[0], shift) if isinstance(entry[0], str) else entry[0], *entry[1:]] for entry in entries]
    for copy in _copies(size, len(data)):
        for record in data[:size - len(out_data)]:
            question_id = f"{record['_id']}~{copy}"
            out_data.append({"_id": question_id, "answer": rotate(record["answer"], copy),
                             "supporting_facts": facts(record["supporting_facts"], copy), "question": "",
                             "type": record["type"], "level": record["level"], "context": []})
            if record["_id"] in predictions["answer"]:
                out_predictions["answer"][question_id] = rotate(predictions["answer"][record["_id"]], copy)
            if record["_id"] in predictions["sp"]:
                out_predictions["sp"][question_id] = facts(predictions["sp"][record["_id"]], copy)
    return out_data, out_predictions


def _build_coqa(size: int):
    data = json.loads((SHARED / "coqa" / "coqa_squad_dev.json").read_text(encoding="utf-8"))
    predictions = json.loads((SHARED / "coqa" / "predictions" / "mixed.json").read_text(encoding="utf-8"))
    by_turn = {(entry["id"], entry["turn_id"]): entry["answer"] for entry in predictions}
    turns = sum(len(story["questions"]) for story in data["data"])
    stories, out_predictions, kept = [], [], 0

    def answers(values, shift, count):
        return [{**value, "input_text": rotate(value["input_text"], shift)} for value in values[:count]]
    for copy in _copies(size, turns):
        for story in data["data"]:
            count = min(len(story["questions"]), size - kept)
            if count <= 0:
                break
            kept += count
            story_id = f"{story['id']}~{copy}"
            stories.append({"source": story["source"], "id": story_id, "filename": "", "story": "",
                            "questions": story["questions"][:count], "answers": answers(story["answers"], copy, count),
                            "additional_answers": {key: answers(values, copy, count)
                                                   for key, values in story["additional_answers"].items()}})
            for question in story["questions"][:count]:
                key = (story["id"], question["turn_id"])
                if key in by_turn:
                    out_predictions.append({"id": story_id, "turn_id": question["turn_id"],
                                            "answer": rotate(by_turn[key], copy)})
    return {"version": data.get("version", "1.0"), "data": stories}, out_predictions


BUILDERS = {"drop": _build_drop, "hotpotqa": _build_hotpotqa, "coqa": _build_coqa}


def benchmark_files(preset: str, size: int) -> tuple[Path, Path]:
    """The (data, predictions) files of ``preset`` at ``size`` questions, built once and cached."""
    folder = CACHE / f"v{FORMAT_VERSION}-{preset}-{size}"
    data_path, predictions_path = folder / "data.json", folder / "predictions.json"
    if not predictions_path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        data, predictions = BUILDERS[preset](size)
        data_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        predictions_path.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")
    return data_path, predictions_path


# ---------------------------------------------------------------- the three scorers, each from files to figures


def _qascore(preset: str, data: Path, predictions: Path) -> dict:
    from qascore.files.score import score_files

    duplicate_keys = "last" if preset == "coqa" else "error"  # the script keeps the last repeated prediction
    return score_files(data, predictions, preset=preset, duplicate_keys=duplicate_keys)["results"]


def _reference(preset: str, data: Path, predictions: Path) -> dict:
    module = importlib.import_module(f"qascore.families.{preset}.reference")
    gold = json.loads(data.read_text(encoding="utf-8"))
    predicted = json.loads(predictions.read_text(encoding="utf-8"))
    return module.evaluate(predicted, gold) if preset == "hotpotqa" else module.evaluate(gold, predicted)


OFFICIAL_SCRIPTS = {"drop": "drop_eval.py", "hotpotqa": "hotpot_evaluate_v1.py", "coqa": "evaluate-v1.0.py"}


def _load_official(folder: Path, preset: str):
    """The unmodified official script of ``preset`` from ``folder``, imported as a module."""
    if preset == "hotpotqa" and importlib.util.find_spec("ujson") is None:
        sys.modules["ujson"] = types.SimpleNamespace(load=json.load, loads=json.loads, dump=json.dump)
    path = folder / OFFICIAL_SCRIPTS[preset]
    spec = importlib.util.spec_from_file_location(f"official_{preset}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _official(module, preset: str, data: Path, predictions: Path) -> dict:
    """What the script's ``__main__`` computes, as figures under qascore's keys."""
    with contextlib.redirect_stdout(io.StringIO()) as printed, contextlib.redirect_stderr(io.StringIO()):
        if preset == "drop":
            module.evaluate_prediction_file(str(predictions), str(data))
        elif preset == "hotpotqa":
            module.eval(str(predictions), str(data))
        else:
            scores = module.CoQAEvaluator(str(data)).model_performance(module.CoQAEvaluator.preds_to_dict(
                str(predictions)))
            return {f"{domain}_{name}": value for domain, figures in scores.items() for name, value in figures.items()}
    if preset == "hotpotqa":
        import ast

        return ast.literal_eval(printed.getvalue().strip().splitlines()[-1])
    lines = printed.getvalue().splitlines()  # drop: the printed global figures (two decimals, x100)
    return {"global_em": float(lines[0].split()[-1]) / 100, "global_f1": float(lines[1].split()[-1]) / 100}


def _best_time(function, repeat: int) -> tuple[float, dict]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _same(ours: dict, theirs: dict, tolerance: float) -> bool:
    return all(abs(ours[key] - value) <= tolerance for key, value in theirs.items())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="questions per preset (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scorer; the best is reported (default 3)")
    parser.add_argument("--official", type=Path, help="folder holding the official scripts (never in the repo)")
    parser.add_argument("--presets", nargs="+", default=list(BUILDERS), choices=list(BUILDERS))
    args = parser.parse_args(argv)
    importlib.import_module("qascore.families.drop.rules")  # scipy imported before timing, as the script imports it

    rows, failed = [], False
    for preset in args.presets:
        data, predictions = benchmark_files(preset, args.size)
        qascore_seconds, ours = _best_time(lambda: _qascore(preset, data, predictions), args.repeat)
        twin_seconds, twin = _best_time(lambda: _reference(preset, data, predictions), args.repeat)
        same = _same(ours, twin, 1e-9)
        row = {"preset": preset, "questions": args.size, "qascore": qascore_seconds, "reference": twin_seconds}
        if args.official is not None:
            module = _load_official(args.official, preset)
            row["official"], official = _best_time(lambda: _official(module, preset, data, predictions), args.repeat)
            # drop's script prints its global figures with two decimals; the twin is compared at full precision
            same = same and _same(ours, official, 5e-5 if preset == "drop" else 1e-9)
        row["same"] = same
        failed = failed or not same
        rows.append(row)
        print(f"{preset}: {row}", file=sys.stderr)
    official = args.official is not None
    print("| preset | questions | qascore s | reference twin s | speed-up vs twin |"
          + (" official script s | speed-up vs official |" if official else "") + " same figures |")
    print("| --- | --- | --- | --- | --- |" + (" --- | --- |" if official else "") + " --- |")
    for row in rows:
        line = (f"| `{row['preset']}` | {row['questions']:,} | {row['qascore']:.2f} | {row['reference']:.2f} | "
                f"{row['reference'] / row['qascore']:.1f}x |")
        if official:
            line += f" {row['official']:.2f} | {row['official'] / row['qascore']:.1f}x |"
        print(line + (" yes |" if row["same"] else " **no** |"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
