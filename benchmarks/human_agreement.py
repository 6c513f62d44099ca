"""How well each qascore metric agrees with human judges of EfficientQA predictions.

    python benchmarks/human_agreement.py ../shared/data/nq_open/efficientqa-test-judged.shared.jsonl [--json]

The judged file has, per question, its gold answers (``answer``) and the predictions of the
competition's top systems that failed exact match, as annotators judged them:
``def_correct_predictions`` (the positives), ``def_incorrect_predictions`` (the negatives)
and ``poss_correct_predictions`` (reported apart). Each metric is scored by
:func:`qascore.compute` against the ``answer`` field with EfficientQA's normalisation
(``normalizer="squad_nfd"``: NFD, then SQuAD's rules) and read as a decision per
prediction: 1 for the 0/1 metrics, at least 0.5 for F1 and token recall. For each the
script prints precision, recall, accuracy, balanced accuracy and Cohen's kappa against the
judges, and the share of possibly correct predictions it accepts.

``--json`` prints a JSON array with one object per metric: ``metric``, ``precision``,
``recall``, ``accuracy``, ``balanced_accuracy``, ``kappa``, ``recommended`` (true for
``lenient_match``, the metric recommended for generative QA) and
``possibly_correct_accepted``; a figure with nothing to divide (exact match accepts
none of these predictions, so its precision) is null.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import qascore  # noqa: E402
from qascore.scoring.lenient import LENIENT_METRICS, RECOMMENDED  # noqa: E402

LABELS = {"def_correct_predictions": True, "def_incorrect_predictions": False, "poss_correct_predictions": None}
THRESHOLD = 0.5  # a graded score (F1, token recall) counts as "correct" from this value on
GRADED = ("f1", "token_recall")


def read_judged(path: Path):
    """Predictions, their questions' gold answers and the judges' labels (True, False, None: possibly)."""
    predictions: List[str] = []
    references: List[List[str]] = []
    labels: List[object] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            row = json.loads(line)
            missing = [field for field in ("answer", *LABELS) if field not in row]
            if missing:
                raise ValueError(f"{path}:{number}: no {', '.join(missing)} field; is this a judged EfficientQA file?")
            for field, label in LABELS.items():
                predictions += row[field]
                references += [row["answer"]] * len(row[field])
                labels += [label] * len(row[field])
    return predictions, references, labels


def decisions(predictions, references) -> Dict[str, List[bool]]:
    """Each metric's correct/incorrect decision per prediction, from qascore.compute's per-example scores."""
    results = qascore.compute(predictions, references, normalizer="squad_nfd", lenient=True, return_per_example=True)
    rows = results["per_example"]
    decided = {}
    for name in ("exact_match", "f1", *LENIENT_METRICS):
        label = f"{name}>={THRESHOLD}" if name in GRADED else name
        decided[label] = [score >= (THRESHOLD if name in GRADED else 1.0) for score in rows[name]]
    return decided


def agreement(decided: List[bool], labels: List[object]) -> Dict[str, float]:
    """Precision, recall, accuracy, balanced accuracy and Cohen's kappa on the definite labels."""
    pairs = [(decision, label) for decision, label in zip(decided, labels) if label is not None]
    true_positive = sum(decision and label for decision, label in pairs)
    false_positive = sum(decision and not label for decision, label in pairs)
    false_negative = sum(label and not decision for decision, label in pairs)
    true_negative = len(pairs) - true_positive - false_positive - false_negative
    total = len(pairs)
    accepted = true_positive + false_positive
    positives, negatives = true_positive + false_negative, true_negative + false_positive
    precision = true_positive / accepted if accepted else math.nan
    recall = true_positive / positives if positives else math.nan
    specificity = true_negative / negatives if negatives else math.nan
    observed = (true_positive + true_negative) / total
    chance = (accepted * positives + (total - accepted) * negatives) / total**2
    possibly = [decision for decision, label in zip(decided, labels) if label is None]
    return {
        "precision": precision,
        "recall": recall,
        "accuracy": observed,
        "balanced_accuracy": (recall + specificity) / 2,
        "kappa": (observed - chance) / (1 - chance) if chance != 1 else math.nan,
        "possibly_correct_accepted": sum(possibly) / len(possibly) if possibly else math.nan,
    }


def table(rows: List[dict], counts: Dict[str, int]) -> str:
    lines = [f"{counts['positive']} definitely correct (positive), {counts['negative']} definitely incorrect "
             f"(negative), {counts['possible']} possibly correct (share accepted reported apart); every prediction "
             "failed exact match", "",
             "| metric | precision | recall | accuracy | balanced accuracy | kappa | possibly correct accepted |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        name = f"**{row['metric']}** (recommended)" if row["recommended"] else row["metric"]
        figures = " | ".join(f"{row[key]:.3f}" for key in ("precision", "recall", "accuracy", "balanced_accuracy",
                                                             "kappa", "possibly_correct_accepted"))
        lines.append(f"| {name} | {figures} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("judged", type=Path, help="a judged EfficientQA JSON Lines file")
    parser.add_argument("--json", action="store_true", help="one JSON object per metric, in a JSON array")
    args = parser.parse_args(argv)
    predictions, references, labels = read_judged(args.judged)
    rows = [{"metric": name, **agreement(decided, labels), "recommended": name == RECOMMENDED}
            for name, decided in decisions(predictions, references).items()]
    if args.json:
        undefined_as_null = [{key: None if isinstance(value, float) and math.isnan(value) else value
                              for key, value in row.items()} for row in rows]
        print(json.dumps(undefined_as_null, indent=1))
    else:
        counts = {"positive": labels.count(True), "negative": labels.count(False), "possible": labels.count(None)}
        print(table(rows, counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
