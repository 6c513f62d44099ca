"""Open-domain presets at 100k questions: qascore against the official rules, same figures.

For each preset the data is built deterministically from ../shared/data (cached under
``--cache-dir``): the benchmark's real questions are repeated with a copy number added to
each question text (TriviaQA: to each QuestionId) until there are ``--size`` of them, and
question i of copy k takes its prediction from the (i + k)-th of the preset's shared
prediction systems. Copies repeat the shared answers and predictions, which qascore's
caching of distinct strings and (pattern, prediction) pairs benefits from; the figures
still cover every question.

Each row times reading both files and scoring, once per peer, in CPU seconds of this
process (the machine is shared; nothing here starts workers):

* ``qascore``: ``qascore.files.score.score_files`` (what ``qascore score`` runs);
* ``twin``: the official rules as transcribed in ``qascore.families.*.reference``, reading
  the files as the scripts do (``json.loads`` per line into dicts / ``json.load``);
* ``official`` (with ``--official-orqa DIR`` / ``--official-triviaqa DIR``, the scripts
  checked out outside this repository): ORQA's ``eval_utils.evaluate_predictions`` (if
  TensorFlow is not installed, ``tf.io.gfile.GFile`` is stood in for by ``open``, which is
  what it does for local files) and TriviaQA's ``read_triviaqa_data``,
  ``get_key_to_ground_truth`` and ``evaluate_triviaqa(..., mute=True)`` (the command line
  also prints a line per wrong answer, which is left out). DPR's regex rule has no script
  of its own to run here (its module imports DPR's training stack); its twin is the rule.

    PYTHONPATH=src python benchmarks/opendomain.py --official-orqa /tmp/official/orqa \\
        --official-triviaqa /tmp/official/triviaqa > benchmarks/OPENDOMAIN.md
"""

import argparse
import contextlib
import io
import json
import platform
import sys
import time
import types
from pathlib import Path

from qascore.families.orqa import reference as orqa_reference
from qascore.families.triviaqa import reference as trivia_reference
from qascore.files.score import score_files

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
if not SHARED.is_dir():
    SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

NQ_SYSTEMS = ["gold_first", "gold_random", "case", "punctuation", "articles", "unicode", "extra_words", "partial",
              "numbers", "wrong", "empty", "mixed"]
TREC_SYSTEMS = ["yodaqa_top1", "yodaqa_top5_joined", "regex_example", "case", "suffix", "prefix", "embedded",
                "unicode", "wrong", "empty", "mixed"]
TRIVIA_SYSTEMS = ["gold_value", "alias_random", "case", "punctuation", "articles", "unicode", "triviaqa_punct",
                  "accents", "extra_words", "partial", "numbers", "wrong", "empty", "mixed"]

#: preset -> (data file, prediction files, options, rule of the twin)
PRESETS = {
    "nq_open": ("nq_open/NQ-open.dev.jsonl", [f"nq_open/predictions/dev.{name}.jsonl" for name in NQ_SYSTEMS], {},
                "exact"),
    "efficientqa": ("nq_open/NQ-open.efficientqa.dev.1.1.jsonl",
                    [f"nq_open/predictions/effdev.{name}.jsonl" for name in NQ_SYSTEMS], {}, "exact"),
    "curated_trec": ("curated_trec/CuratedTrec-test.jsonl",
                     [f"curated_trec/predictions/CuratedTrec-test.{name}.jsonl" for name in TREC_SYSTEMS],
                     {"is_regex": True}, "match"),
    "curated_trec_search": ("curated_trec/CuratedTrec-test.jsonl",
                            [f"curated_trec/predictions/CuratedTrec-test.{name}.jsonl" for name in TREC_SYSTEMS],
                            {"is_regex": True}, "search"),
    "triviaqa": ("triviaqa/nqopen-dev.wikipedia.json",
                 [f"triviaqa/predictions/nqopen-dev.wikipedia.{name}.json" for name in TRIVIA_SYSTEMS], {}, None),
}


def _lines(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def build_orqa(data, systems, size, folder):
    """Gold and prediction JSON Lines with ``size`` questions (see the module docstring)."""
    gold_path, predicted_path = folder / "gold.jsonl", folder / "predictions.jsonl"
    if gold_path.is_file() and predicted_path.is_file():
        return gold_path, predicted_path
    gold = _lines(SHARED / data)
    predicted = [{line["question"]: line["prediction"] for line in _lines(SHARED / system)} for system in systems]
    folder.mkdir(parents=True, exist_ok=True)
    with open(gold_path, "w", encoding="utf-8") as gold_file, open(predicted_path, "w", encoding="utf-8") as out:
        for number in range(size):
            copy, index = divmod(number, len(gold))
            line = dict(gold[index], question=f"{gold[index]['question']} [{copy}]")
            gold_file.write(json.dumps(line) + "\n")
            prediction = predicted[(index + copy) % len(systems)].get(gold[index]["question"])
            if prediction is not None:
                out.write(json.dumps({"question": line["question"], "prediction": prediction}) + "\n")
    return gold_path, predicted_path


def build_triviaqa(data, systems, size, folder):
    """A TriviaQA Wikipedia dataset and ``{key: answer}`` predictions with ``size`` questions."""
    gold_path, predicted_path = folder / "dataset.json", folder / "predictions.json"
    if gold_path.is_file() and predicted_path.is_file():
        return gold_path, predicted_path
    dataset = json.loads((SHARED / data).read_text(encoding="utf-8"))
    base = dataset["Data"]
    predicted = [json.loads((SHARED / system).read_text(encoding="utf-8")) for system in systems]
    rows, predictions = [], {}
    for number in range(size):
        copy, index = divmod(number, len(base))
        question_id = f"{base[index]['QuestionId']}_{copy}"
        rows.append(dict(base[index], QuestionId=question_id))
        prediction = predicted[(index + copy) % len(systems)].get(base[index]["QuestionId"])
        if prediction is not None:
            predictions[question_id] = prediction
    folder.mkdir(parents=True, exist_ok=True)
    gold_path.write_text(json.dumps(dict(dataset, Data=rows)), encoding="utf-8")
    predicted_path.write_text(json.dumps(predictions), encoding="utf-8")
    return gold_path, predicted_path


def twin(preset, gold, predicted, options, rule):
    """The official rules' plain twin, reading the files as the scripts do."""
    if preset == "triviaqa":
        ground_truth = trivia_reference.key_to_ground_truth(json.loads(gold.read_text(encoding="utf-8")))
        return trivia_reference.evaluate(ground_truth, json.loads(predicted.read_text(encoding="utf-8")))
    references = {line["question"]: line["answer"] for line in _lines(gold)}
    predictions = {line["question"]: line["prediction"] for line in _lines(predicted)}
    return orqa_reference.evaluate(references, predictions, rule)


def official_orqa(directory):
    """ORQA's ``eval_utils`` from a checkout; ``open`` stands in for ``tf.io.gfile.GFile`` without TensorFlow."""
    try:
        import tensorflow  # noqa: F401  (the real one, when installed)
    except ImportError:
        stand_in = types.ModuleType("tensorflow.compat.v1")
        stand_in.io = types.SimpleNamespace(gfile=types.SimpleNamespace(GFile=open))
        compat = types.ModuleType("tensorflow.compat")
        compat.v1 = stand_in
        root = types.ModuleType("tensorflow")
        root.compat = compat
        sys.modules.update({"tensorflow": root, "tensorflow.compat": compat, "tensorflow.compat.v1": stand_in})
    sys.path.insert(0, str(directory))
    from language.orqa.utils import eval_utils

    def run(preset, gold, predicted, options, rule):
        with contextlib.redirect_stdout(io.StringIO()):
            return eval_utils.evaluate_predictions(str(gold), str(predicted), rule == "match", "answer")
    return run


def official_triviaqa(directory):
    """TriviaQA's evaluation functions from a checkout."""
    sys.path.insert(0, str(directory))
    import utils.dataset_utils
    import utils.utils
    from evaluation import triviaqa_evaluation

    def run(preset, gold, predicted, options, rule):
        ground_truth = utils.dataset_utils.get_key_to_ground_truth(utils.dataset_utils.read_triviaqa_data(str(gold)))
        return triviaqa_evaluation.evaluate_triviaqa(ground_truth, utils.utils.read_json(str(predicted)), mute=True)
    return run


def timed(function, *arguments):
    """``(CPU seconds, result)``: this process's CPU time, steadier than wall-clock time on a shared machine."""
    start = time.process_time()
    result = function(*arguments)
    return time.process_time() - start, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--presets", nargs="+", default=list(PRESETS), choices=list(PRESETS))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/qascore-bench-opendomain"))
    parser.add_argument("--official-orqa", type=Path, help="a checkout holding language/orqa/utils/eval_utils.py")
    parser.add_argument("--official-triviaqa", type=Path, help="a checkout of mandarjoshi90/triviaqa")
    args = parser.parse_args(argv)
    officials = {"orqa": official_orqa(args.official_orqa) if args.official_orqa else None,
                 "triviaqa": official_triviaqa(args.official_triviaqa) if args.official_triviaqa else None}
    print(f"# Open-domain presets at {args.size:,} questions\n")
    print(f"Python {platform.python_version()}, {platform.machine()}; one run each, CPU seconds of reading both "
          "files and scoring (`python benchmarks/opendomain.py`; one process, no workers).\n")
    print("| preset | questions | qascore s | twin s | vs twin | official s | vs official | same figures |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for preset in args.presets:
        data, systems, options, rule = PRESETS[preset]
        build = build_triviaqa if preset == "triviaqa" else build_orqa
        folder = args.cache_dir / f"{Path(data).stem}-{args.size}"
        gold, predicted = build(data, systems, args.size, folder)
        ours_seconds, ours = timed(lambda: score_files(gold, predicted, preset=preset, duplicate_keys="last",
                                                       **options)["results"])
        twin_seconds, twin_figures = timed(twin, preset, gold, predicted, options, rule)
        same = ours == twin_figures
        official = officials["triviaqa" if preset == "triviaqa" else "orqa"]
        if official is not None and rule != "search":
            official_seconds, official_figures = timed(official, preset, gold, predicted, options, rule)
            same = same and ours == official_figures
            official_cells = f"{official_seconds:.2f} | {official_seconds / ours_seconds:.1f}x"
        else:
            official_cells = "n/a | n/a"
        print(f"| {preset} | {ours.get('num_total', ours.get('denominator')):,} | {ours_seconds:.2f} | "
              f"{twin_seconds:.2f} | {twin_seconds / ours_seconds:.1f}x | {official_cells} | "
              f"{'yes' if same else 'NO: ' + json.dumps(ours)} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
