"""The demo: score the embedded SQuAD sample with the qa_em_f1 evaluate module.

Run it from the repository root (it loads ``./metrics/qa_em_f1`` with ``evaluate.load``)::

    python -m qascore.cli.demo

The sample is 304 SQuAD v1.1 dev questions with the BERT ensemble's published answers
(see ``qascore/data/README.md`` for the source and license).

>>> predictions, references = load_sample()
>>> len(predictions), len(references)
(304, 304)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Dict, List, Tuple

import qascore
from qascore.files.readers import load_predictions, load_references

__all__ = ["SAMPLE_DATA", "SAMPLE_PREDICTIONS", "load_sample", "run_demo", "main"]

SAMPLE_DATA = "squad-v1.1-dev-sample.json"
SAMPLE_PREDICTIONS = "bert-ensemble-sample-predictions.json"


def load_sample() -> Tuple[List[Dict], List[Dict]]:
    """The embedded sample as evaluate-style prediction and reference records."""
    data = resources.files("qascore").joinpath("data")
    with resources.as_file(data / SAMPLE_DATA) as gold, resources.as_file(data / SAMPLE_PREDICTIONS) as answers:
        references = load_references(gold)
        predictions = load_predictions(answers)
    return [{"id": id_, "prediction_text": text} for id_, text in predictions.items()], references


def find_metric(start: Path = None) -> Path:
    """The ``metrics/qa_em_f1`` folder of the repository holding ``start`` (default: the working directory)."""
    start = Path.cwd() if start is None else Path(start)
    for folder in (start, *start.parents):
        candidate = folder / "metrics" / "qa_em_f1"
        if (candidate / "qa_em_f1.py").is_file():
            return candidate
    raise FileNotFoundError(
        f"No metrics/qa_em_f1 folder found in {start} or above; run the demo from the qascore repository."
    )


def run_demo(metric_path=None) -> Dict[str, object]:
    """Score the sample through ``evaluate.load(metric_path)`` with a 95% bootstrap interval."""
    import evaluate

    metric = evaluate.load(str(metric_path or find_metric()))
    predictions, references = load_sample()
    options = {"confidence_level": 0.95, "n_resamples": 1000, "seed": 0}
    results = metric.compute(predictions=predictions, references=references, **options)
    return {"results": results, "signature": metric.signature(**options), "questions": len(references)}


def main() -> int:
    demo = run_demo()
    results = demo["results"]
    print(f"qa_em_f1 on {demo['questions']} SQuAD v1.1 dev questions, BERT ensemble answers (SQuAD, CC BY-SA 4.0)")
    for key in ("exact_match", "f1"):
        print(f"  {key:<12} {results[key]:6.2f}   95% CI [{results[key + '_ci_low']:.2f}, {results[key + '_ci_high']:.2f}]")
    print(f"  signature    {demo['signature']}")
    direct = qascore.compute(*load_sample())
    same = all(direct[key] == results[key] for key in direct)
    print(f"  qascore.compute gives the same numbers: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
