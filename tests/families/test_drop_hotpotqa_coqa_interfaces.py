"""The drop, hotpotqa and coqa presets give the same numbers through every interface.

qascore.compute is the baseline (its figures equal the official scripts', see test_drop.py,
test_hotpotqa.py and test_coqa.py, whose golden values come from
../shared/data/expected_rc.json); here QAScorer over several batches, the qa_em_f1 evaluate
module (real evaluate.load, offline; direct, add_batch and num_process modes), the command
line, the Trainer adapter (DROP, whose predictions are answer text) and the extras (per-example
scores, bootstrap intervals, the paired comparison) are checked against it on the shared data.
"""

import json
import multiprocessing

import evaluate
import pytest

import qascore
from qascore.families.coqa.files import read_files as read_coqa
from qascore.families.drop.files import read_files as read_drop
from qascore.families.hotpotqa.files import read_files as read_hotpotqa
from qascore.files.score import compare_files

from conftest import SHARED_DATA
from helpers_cli import run_main

FILES = {
    "drop": ("drop/drop_squad_dev.json", "drop/predictions/squad.mixed.json", read_drop),
    "hotpotqa": ("hotpotqa/hotpot_squad_dev.json", "hotpotqa/predictions/mixed.json", read_hotpotqa),
    "coqa": ("coqa/coqa_squad_dev.json", "coqa/predictions/mixed.json", read_coqa),
}


def sample(preset, count=120):
    """The first ``count`` questions of the preset's mixed system, in the shapes evaluate's features take."""
    data, predictions, read = FILES[preset]
    predicted, references, _, _ = read(SHARED_DATA / data, SHARED_DATA / predictions, None)
    predicted, references = predicted[:count], references[:count]
    if preset == "drop":
        answer = {"number": "", "spans": [], "date": {"day": "", "month": "", "year": ""}}
        references = [[{**answer, **one} for one in [record["answer"], *(record.get("validated_answers") or [])]]
                      for record in references]
        predicted = [text if isinstance(text, str) else " ".join(text) for text in predicted]
    elif preset == "hotpotqa":
        def layout(facts):
            return {"title": [fact[0] for fact in facts], "sent_id": [fact[1] for fact in facts]}
        predicted = [{"answer": one["answer"] or "", "sp": layout([fact for fact in one["sp"] or []
                                                                   if len(fact) == 2 and isinstance(fact[1], int)])}
                     for one in predicted]
        references = [{"answer": one["answer"], "supporting_facts": layout(one["supporting_facts"])}
                      for one in references]
    else:
        predicted = ["" if text is None else text for text in predicted]
        references = [{"answers": one["answers"], "source": one["source"]} for one in references]
    return predicted, references


PRESETS = ["drop", "hotpotqa", "coqa"]


@pytest.mark.parametrize("preset", PRESETS)
def test_scorer_batches_and_evaluate_module_equal_compute(preset, metric_dir):
    predictions, references = sample(preset)
    expected = qascore.compute(predictions, references, preset=preset)
    scorer = qascore.QAScorer(preset=preset)
    for start in range(0, len(predictions), 50):
        scorer.add_batch(predictions=predictions[start:start + 50], references=references[start:start + 50])
    assert scorer.compute() == expected
    module = evaluate.load(metric_dir, preset)
    assert module.compute(predictions=predictions, references=references) == expected
    for start in range(0, len(predictions), 50):
        module.add_batch(predictions=predictions[start:start + 50], references=references[start:start + 50])
    assert module.compute() == expected
    with_extras = module.compute(predictions=predictions, references=references, return_per_example=True,
                                 confidence_level=0.9, n_resamples=200)
    assert with_extras == qascore.compute(predictions, references, preset=preset, return_per_example=True,
                                          confidence_level=0.9, n_resamples=200)


def test_drop_span_list_predictions_through_evaluate(metric_dir):
    answer = {"number": "", "spans": ["Paris", "Rome"], "date": {"day": "", "month": "", "year": ""}}
    module = evaluate.load(metric_dir, "drop")
    module.add_batch(predictions=[["rome", "paris"], ["Paris"]], references=[[answer], [answer]])
    assert module.compute() == qascore.compute([["rome", "paris"], ["Paris"]], [[answer], [answer]], preset="drop")


def _score_shard(metric_dir, cache_dir, preset, process_id, batch, queue):
    metric = evaluate.load(metric_dir, preset, num_process=2, process_id=process_id, experiment_id=preset,
                           cache_dir=cache_dir)
    metric.add_batch(**batch)
    queue.put((process_id, metric.compute()))


@pytest.mark.parametrize("preset", PRESETS)
def test_evaluate_num_process_mode(preset, metric_dir, tmp_path):
    predictions, references = sample(preset, count=40)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    shards = [dict(predictions=predictions[:25], references=references[:25]),
              dict(predictions=predictions[25:], references=references[25:])]
    workers = [context.Process(target=_score_shard, args=(metric_dir, str(tmp_path), preset, pid, batch, queue))
               for pid, batch in enumerate(shards)]
    for worker in workers:
        worker.start()
    results = dict(queue.get(timeout=180) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert results[1] is None
    assert results[0] == qascore.compute(predictions, references, preset=preset)


@pytest.mark.parametrize("preset", PRESETS)
def test_command_line_equals_compute(preset, capsys, tmp_path):
    data, predictions, read = FILES[preset]
    predicted, references, ids, _ = read(SHARED_DATA / data, SHARED_DATA / predictions, None)
    expected = qascore.compute(predicted, references, preset=preset, missing="zero")
    per_example = tmp_path / "rows.jsonl"
    status, out, _ = run_main(["score", SHARED_DATA / data, SHARED_DATA / predictions, "--preset", preset, "--json",
                               "--per-example", per_example], capsys)
    assert status == 0
    assert json.loads(out)["results"] == expected
    rows = [json.loads(line) for line in per_example.read_text().splitlines()]
    assert [row["id"] for row in rows] == ids


def test_intervals_per_example_and_paired_comparison():
    data, predictions, _ = FILES["drop"]
    results = qascore.compute(*sample("drop"), preset="drop", confidence_level=0.95, n_resamples=300,
                              return_per_example=True)
    assert results["global_f1_ci_low"] <= results["global_f1"] <= results["global_f1_ci_high"]
    assert len(results["per_example"]["global_em"]) == 120
    other = SHARED_DATA / "drop/predictions/squad.exact.json"
    compared = compare_files(SHARED_DATA / predictions, other, data=SHARED_DATA / data, preset="drop",
                             n_resamples=300)
    assert set(compared["comparison"]) == {"global_em", "global_f1"}
    assert compared["comparison"]["global_f1"]["difference"] > 0


def test_trainer_adapter_scores_drop_text_answers():
    """A sample: generated answer tokens decoded by a tokenizer trained here, scored with DROP's rules."""
    from qascore.trainer.generative import QAComputeMetrics

    from helpers_trainer import qa_tokenizer

    tokenizer = qa_tokenizer()
    predictions, references = sample("drop", count=30)
    rows = tokenizer(predictions, add_special_tokens=False)["input_ids"]
    width = max(map(len, rows)) + 1
    padded = [row + [tokenizer.pad_token_id] * (width - len(row)) for row in rows]
    decoded = tokenizer.batch_decode(padded, skip_special_tokens=True)
    compute_metrics = QAComputeMetrics(tokenizer, preset="drop", references=references)
    results = compute_metrics((padded, padded))
    assert results == {key: float(value) for key, value in qascore.compute(decoded, references, preset="drop").items()}
    with pytest.raises(ValueError, match="needs references="):
        QAComputeMetrics(tokenizer, preset="drop")
