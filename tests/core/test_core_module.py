"""The qa_em_f1 evaluate module, loaded with the real evaluate.load: storage, batching, processes."""

import doctest
import multiprocessing

import evaluate
import pytest

import qascore

from conftest import REPO_ROOT, nan_as_text

QUESTIONS = ["Who won Super Bowl 50?", "When was it played?", "Where was it played?"]
PREDICTIONS = ["Denver Broncos", "February 7, 2016", "Levi's Stadium in Santa Clara"]
REFERENCES = [["Denver Broncos", "The Broncos"], ["February 7, 2016", "February 7"], ["Levi's Stadium"]]


def test_config_name_is_the_preset(metric_dir):
    for preset in qascore.PRESETS:
        assert evaluate.load(metric_dir, preset).config_name == preset
    assert evaluate.load(metric_dir).compute(predictions=["a b"], references=[["b"]]) == qascore.compute(
        ["a b"], [["b"]], preset="squad"
    )


def test_unknown_preset_is_refused_at_load(metric_dir):
    with pytest.raises(ValueError, match="Unknown preset 'squad_v3'.*squad_v2"):
        evaluate.load(metric_dir, "squad_v3")


def test_description_names_the_package_version(metric_dir):
    metric = evaluate.load(metric_dir)
    assert f"qascore {qascore.__version__}" in metric.description


def test_signature_is_a_method_not_a_result_key(metric_dir):
    metric = evaluate.load(metric_dir, "squad_v2")
    results = metric.compute(predictions=PREDICTIONS, references=REFERENCES)
    assert all(not isinstance(value, str) for value in results.values())
    assert metric.signature(no_answer_threshold=0.5) == qascore.signature(preset="squad_v2", no_answer_threshold=0.5)
    assert metric.signature().endswith(f"version:{qascore.__version__}")


@pytest.mark.parametrize("with_inputs", [False, True])
def test_compute_add_batch_and_add_agree_with_and_without_inputs(metric_dir, with_inputs):
    inputs = QUESTIONS if with_inputs else None
    expected = qascore.compute(PREDICTIONS, REFERENCES, inputs=inputs)
    assert ("f1_who" in expected) == with_inputs

    metric = evaluate.load(metric_dir)
    assert metric.compute(predictions=PREDICTIONS, references=REFERENCES, inputs=inputs) == expected

    metric.add_batch(predictions=PREDICTIONS[:2], references=REFERENCES[:2], inputs=inputs and inputs[:2])
    metric.add_batch(predictions=PREDICTIONS[2:], references=REFERENCES[2:], inputs=inputs and inputs[2:])
    assert metric.compute() == expected

    for index in range(3):
        metric.add(prediction=PREDICTIONS[index], reference=REFERENCES[index],
                   input=inputs[index] if inputs else None)
    assert metric.compute() == expected

    metric.add_batch(predictions=PREDICTIONS[:1], references=REFERENCES[:1], inputs=inputs and inputs[:1])
    assert metric.compute(predictions=PREDICTIONS[1:], references=REFERENCES[1:],
                          inputs=inputs and inputs[1:]) == expected


def test_inputs_in_some_batches_only_is_an_error(metric_dir):
    metric = evaluate.load(metric_dir)
    metric.add_batch(predictions=PREDICTIONS[:1], references=REFERENCES[:1], inputs=QUESTIONS[:1])
    metric.add_batch(predictions=PREDICTIONS[1:], references=REFERENCES[1:])
    with pytest.raises(ValueError, match="inputs is given for 1 of 3 predictions"):
        metric.compute()


def test_keep_in_memory(metric_dir):
    metric = evaluate.load(metric_dir, keep_in_memory=True)
    metric.add_batch(predictions=PREDICTIONS, references=REFERENCES, inputs=QUESTIONS)
    assert metric.compute(return_per_example=True) == qascore.compute(
        PREDICTIONS, REFERENCES, inputs=QUESTIONS, return_per_example=True
    )


def test_no_answer_scores_stay_float64_through_arrow(metric_dir):
    """evaluate's squad_v2 stores them as float32 and reports 0.8999999761581421 for 0.9."""
    metric = evaluate.load(metric_dir, "squad_v2")
    metric.add_batch(
        predictions=[{"id": "a", "prediction_text": "Paris", "no_answer_probability": 0.9},
                     {"id": "b", "prediction_text": "", "no_answer_probability": 0.1}],
        references=[{"id": "a", "answers": {"text": ["Paris"], "answer_start": [0]}},
                    {"id": "b", "answers": {"text": [], "answer_start": []}}],
    )
    results = metric.compute()
    assert results["best_exact_thresh"] == 0.9
    assert results["best_exact"] == 100.0


def test_nothing_to_score_is_a_clear_error(metric_dir):
    with pytest.raises(ValueError, match="Nothing to score"):
        evaluate.load(metric_dir).compute()


def test_bad_option_is_refused_before_anything_is_stored(metric_dir):
    metric = evaluate.load(metric_dir)
    with pytest.raises(ValueError, match="no_answer_threshold= applies to preset 'squad_v2' only"):
        metric.compute(predictions=["a"], references=[["a"]], no_answer_threshold=0.5)
    assert metric.compute(predictions=["a"], references=[["b"]]) == {"exact_match": 0.0, "f1": 0.0}


def test_lone_surrogate_in_stored_batch_gets_a_clear_error(metric_dir):
    metric = evaluate.load(metric_dir)
    assert metric.compute(predictions=["\ud800x"], references=[["x"]])["exact_match"] == 0.0
    with pytest.raises(ValueError, match="lone surrogate"):
        metric.add_batch(predictions=["\ud800x"], references=[["x"]])


def test_docstring_examples_run(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    module = evaluate.load("./metrics/qa_em_f1")
    docs = type(module).__doc__
    test = doctest.DocTestParser().get_doctest(docs, {}, "qa_em_f1", "qa_em_f1.py", 0)
    assert len(test.examples) >= 6
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


def test_num_process_gathers_every_column(metric_dir, tmp_path):
    """evaluate's own multi-process mode: rows, ids, inputs and no-answer scores are gathered."""
    predictions = [{"id": f"q{i}", "prediction_text": text, "no_answer_probability": i / 10}
                   for i, text in enumerate(PREDICTIONS + ["", "Santa Clara"])]
    references = [{"id": f"q{i}", "answers": {"text": answers, "answer_start": [0] * len(answers)}}
                  for i, answers in enumerate(REFERENCES + [[], ["Santa Clara, California"]])]
    inputs = QUESTIONS + ["Which team lost?", "Where is the stadium?"]
    expected = qascore.compute(predictions, references, inputs=inputs, preset="squad_v2", return_per_example=True)

    # Each process holds predictions for some questions and references for others:
    # records are paired by id only after evaluate gathers all rows on process 0.
    shards = [dict(predictions=predictions[mine], references=references[theirs], inputs=inputs[mine])
              for mine, theirs in ((slice(0, 3), slice(2, 5)), (slice(3, 5), slice(0, 2)))]
    results = _gather(metric_dir, str(tmp_path), shards, experiment_id="shards", return_per_example=True)
    assert results[1] is None
    per_example = results[0].pop("per_example")
    expected_per_example = expected.pop("per_example")
    assert nan_as_text(results[0]) == nan_as_text(expected)  # the absent question types are NaN
    assert "grounding_rate" in results[0] and "best_f1_thresh" in results[0]
    order = [expected_per_example["id"].index(id_) for id_ in per_example["id"]]
    assert sorted(per_example["id"]) == sorted(expected_per_example["id"])
    assert per_example["f1"] == [expected_per_example["f1"][i] for i in order]


def _gather(metric_dir, cache_dir, shards, experiment_id, **options):
    """Give each shard (add_batch's keywords) to its own process in evaluate's num_process mode;
    the processes' compute(**options) results by process id."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_score_shard, args=(metric_dir, cache_dir, pid, len(shards), experiment_id, batch,
                                                   options, queue))
        for pid, batch in enumerate(shards)
    ]
    for worker in workers:
        worker.start()
    results = dict(queue.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return results


def _score_shard(metric_dir, cache_dir, process_id, num_process, experiment_id, batch, options, queue):
    metric = evaluate.load(metric_dir, "squad_v2", num_process=num_process, process_id=process_id,
                           experiment_id=experiment_id, cache_dir=cache_dir)
    metric.add_batch(**batch)
    queue.put((process_id, metric.compute(**options)))


# Every no-answer score tied, as run_qa.py passes them: the official best-threshold walk follows
# the order of the predictions evaluate gathers (process 0's rows, then process 1's, ...).
TIED_PREDICTIONS = [{"id": f"q{i}", "prediction_text": text, "no_answer_probability": 0.0}
                    for i, text in enumerate(["Denver Broncos", "x", "", "wrong", "Santa Clara"])]
TIED_REFERENCES = [{"id": f"q{i}", "answers": {"text": answers, "answer_start": [0] * len(answers)}}
                   for i, answers in enumerate([["Denver Broncos"], [], [], ["Levi's Stadium"], ["Santa Clara"]])]


@pytest.mark.parametrize("shards", [
    # process 1 has no examples at all (fewer examples than processes)
    [(TIED_PREDICTIONS[::-1], TIED_REFERENCES), ([], [])],
    # predictions of later questions on process 0, their references on process 1
    [(TIED_PREDICTIONS[3:], TIED_REFERENCES[:2]), (TIED_PREDICTIONS[:3], TIED_REFERENCES[2:])],
], ids=["empty-shard", "split-rows"])
def test_num_process_gathers_rows_in_process_order_and_takes_empty_shards(metric_dir, tmp_path, shards):
    from helpers_official import official_v2

    batches = [dict(predictions=predictions, references=references) for predictions, references in shards]
    results = _gather(metric_dir, str(tmp_path), batches, experiment_id="tied")
    assert results[1] is None
    gathered = [record for predictions, _ in shards for record in predictions]
    gold = [(record["id"], record["answers"]["text"]) for record in TIED_REFERENCES]
    expected = official_v2(gold, {r["id"]: r["prediction_text"] for r in gathered},
                           {r["id"]: r["no_answer_probability"] for r in gathered})
    for key, value in expected.items():
        assert results[0][key] == pytest.approx(value, abs=1e-9), key


def test_module_options_are_exactly_make_options(metric_dir):
    """The module stays thin: its scoring keywords and their defaults are make_options', one for one."""
    import inspect

    metric = evaluate.load(metric_dir)
    module_options = {name: parameter.default for name, parameter in inspect.signature(metric._score).parameters.items()
                      if parameter.kind is inspect.Parameter.KEYWORD_ONLY}
    library_options = {name: parameter.default
                       for name, parameter in inspect.signature(qascore.make_options).parameters.items()
                       if parameter.kind is inspect.Parameter.KEYWORD_ONLY}
    assert module_options == library_options


def test_missing_evaluate_internals_are_named_with_the_versions_that_work(metric_dir, monkeypatch):
    monkeypatch.setattr(evaluate.Metric, "_init_writer", None)  # as if a later evaluate had dropped it
    with pytest.raises(RuntimeError, match=r"relies on evaluate.Metric's _init_writer, .*evaluate 0.4.x \(tested with 0.4.6\)"):
        evaluate.load(metric_dir)
