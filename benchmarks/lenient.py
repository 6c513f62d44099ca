"""Speed of lenient matching and answer extraction at 100k questions: qascore against the plain rules.

    python benchmarks/lenient.py [--size 100000] [--rounds 1]

The questions are SQuAD v1.1 dev (../shared/data/squad/dev-v1.1.json) with the real
predictions of the ten SQuAD v1.1 systems in ../shared/data/predictions/squad-v1.1 (system
after system, 105,700 pairs in all, cut to ``--size``), cached under /tmp. Timed, with the
same figures checked:

- ``lenient``: all six lenient metrics per question, qascore's scorer
  (:func:`qascore.scoring.lenient.lenient_scores`) against its plain twin
  (:func:`qascore.scoring.lenient_reference.lenient_reference`), which follows the rules
  one question and one gold answer at a time;
- ``extraction``: the same predictions wrapped in the shapes chat and reasoning models
  write (a ``<think>`` block, "**Answer:**", "The answer is ...", ``\\boxed{}``, a few-shot
  continuation; one in five left bare), through ``qascore.compute(..., extract_answers=True,
  lenient=True)`` against extracting one text at a time and the plain twin.

Prints a markdown table (benchmarks/LENIENT.md holds one run's).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import qascore  # noqa: E402
from qascore.extraction import extract_answer  # noqa: E402
from qascore.normalize import get_normalizer  # noqa: E402
from qascore.scoring.lenient import LENIENT_METRICS, lenient_scores  # noqa: E402
from qascore.scoring.lenient_reference import lenient_reference  # noqa: E402

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CACHE = Path("/tmp/qascore-benchmark-lenient-v1.pickle")
CHAT_SHAPES = (
    "{answer}",
    "<think>\nThe passage says it plainly; let me check the wording once more.\n</think>\n\n**Answer:** {answer}",
    "Looking at the context, the answer is {answer}.",
    "Step 1: find the sentence.\nStep 2: read the span.\n\nFinal answer: $\\boxed{{{answer}}}$",
    "Answer: {answer}\nQuestion: what else does the passage say?\nAnswer: something else",
)


def build_pairs(size: int):
    """(predictions, references) of ``size`` questions, built once and cached."""
    if CACHE.is_file():
        predictions, references = pickle.loads(CACHE.read_bytes())
        if len(predictions) >= size:
            return predictions[:size], references[:size]
    dev = json.loads((SHARED / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))
    gold = {qa["id"]: [answer["text"] for answer in qa["answers"]]
            for article in dev["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]}
    predictions, references = [], []
    for system in sorted((SHARED / "predictions" / "squad-v1.1").glob("*.json")):
        answers = json.loads(system.read_text(encoding="utf-8"))
        for question_id, golds in gold.items():
            predictions.append(answers.get(question_id, ""))
            references.append(golds)
    CACHE.write_bytes(pickle.dumps((predictions, references)))
    return predictions[:size], references[:size]


def timed(function, rounds: int):
    """The function's result and its best wall time over ``rounds`` runs."""
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return result, best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    predictions, references = build_pairs(args.size)
    normalizer = get_normalizer("squad")
    rows = []

    fast, fast_time = timed(lambda: lenient_scores(predictions, references, normalizer), args.rounds)
    plain, plain_time = timed(lambda: lenient_reference(predictions, references, normalizer), args.rounds)
    assert all(fast[name].tolist() == plain[name] for name in LENIENT_METRICS), "the twins disagree"
    rows.append(("lenient (6 metrics)", fast_time, plain_time))

    outputs = [CHAT_SHAPES[index % len(CHAT_SHAPES)].format(answer=text) for index, text in enumerate(predictions)]
    scored, fast_time = timed(lambda: qascore.compute(outputs, references, extract_answers=True, lenient=True),
                              args.rounds)

    def plain_extraction():
        answers = [extract_answer(text).answer for text in outputs]
        return lenient_reference(answers, references, normalizer)

    plain, plain_time = timed(plain_extraction, args.rounds)
    assert all(abs(scored[name] - 100 * np.mean(plain[name])) < 1e-9 for name in LENIENT_METRICS)
    rows.append(("extraction + lenient + EM/F1 (compute)", fast_time, plain_time))

    print(f"{len(predictions):,} questions (SQuAD v1.1 dev, ten systems' predictions); best of {args.rounds}\n")
    print("| step | qascore (s) | plain rules (s) | speed-up |")
    print("| --- | --- | --- | --- |")
    for name, fast_seconds, plain_seconds in rows:
        print(f"| {name} | {fast_seconds:.2f} | {plain_seconds:.2f} | {plain_seconds / fast_seconds:.1f}x |")
    print(f"\nextraction_rate {scored['extraction_rate']:.2f}, lenient_match {scored['lenient_match']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
