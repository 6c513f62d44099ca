"""Every case of ../shared/data/expected_opendomain.json, through every interface.

Golden values come only from expected_opendomain.json: the figures ORQA's
evaluate_predictions.py, DPR's has_answer regex rule and triviaqa_evaluation.py gave for
each case (see each data folder's README.md). Each case must match to 1e-9 through
``qascore.compute`` (plain lists and the scripts' own records), ``QAScorer`` (several batches)
and ``qascore score``; a sample goes through the evaluate module and the Trainer adapter.
"""

import json

import evaluate
import pytest

import qascore
from qascore.cli import main

from conftest import METRIC_DIR, SHARED_DATA, load_json

FAMILY_OPTIONS = ("answer_field", "is_regex", "domain", "verified_eval")


def cases():
    found = load_json("expected_opendomain.json")
    ids = [f"{case['preset']}-{case['predictions'].split('/')[-1].rsplit('.', 1)[0]}"
           + (f"-{case['answer_field']}" if case.get("answer_field", "answer") != "answer" else "") for case in found]
    return found, ids


CASES, CASE_IDS = cases()
SAMPLE = [case for index, case in enumerate(CASES) if index % 9 == 0]


def options_of(case):
    return {name: case[name] for name in FAMILY_OPTIONS if name in case}


def json_lines(relative):
    with open(SHARED_DATA / relative, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def plain_lists(case):
    """Predictions (None: no prediction) and answer lists, paired the way the official script pairs them."""
    if case["preset"] == "triviaqa":
        from qascore.families.triviaqa.reference import ground_truths, key_to_ground_truth

        gold = key_to_ground_truth(load_json(case["data"]))
        predicted = load_json(case["predictions"])
        return [predicted.get(key) for key in gold], [ground_truths(answer) for answer in gold.values()]
    field = case.get("answer_field", "answer")
    gold = {line["question"]: line[field] for line in json_lines(case["data"])}
    predicted = {line["question"]: line["prediction"] for line in json_lines(case["predictions"])}
    return [predicted.get(question) for question in gold], list(gold.values())


def records(case):
    """The scripts' own inputs: TriviaQA's dataset and {key: answer}; ORQA's lines, one per question (last kept)."""
    if case["preset"] == "triviaqa":
        return load_json(case["predictions"]), load_json(case["data"])
    field = case.get("answer_field", "answer")
    gold = {line["question"]: line for line in json_lines(case["data"])}
    predicted = {line["question"]: line for line in json_lines(case["predictions"])}
    return list(predicted.values()), [{"question": question, field: line[field]} for question, line in gold.items()]


def assert_figures(results, expected):
    assert set(expected) <= set(results)
    for name, value in expected.items():
        assert results[name] == pytest.approx(value, abs=1e-9, rel=0), name


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_compute_plain_lists(case):
    predictions, references = plain_lists(case)
    results = qascore.compute(predictions, references, preset=case["preset"], missing="zero", **options_of(case))
    expected = dict(case["expected"])
    if case["preset"] == "triviaqa":  # plain lists hold only the scored keys; pred_len counts the file's extras
        expected["pred_len"] = sum(prediction is not None for prediction in predictions)
    assert_figures(results, expected)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_compute_records(case):
    predictions, references = records(case)
    results = qascore.compute(predictions, references, preset=case["preset"], missing="zero", extra="ignore",
                              **options_of(case))
    assert_figures(results, case["expected"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_command_line(case, capsys):
    arguments = ["score", SHARED_DATA / case["data"], SHARED_DATA / case["predictions"], "--preset", case["preset"],
                 "--json", "--duplicate-keys", "last"]
    for name, value in options_of(case).items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            arguments += [flag] if name == "is_regex" else [flag, str(value).lower()]
        else:
            arguments += [flag, value]
    assert main([str(argument) for argument in arguments]) == 0
    assert_figures(json.loads(capsys.readouterr().out)["results"], case["expected"])


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_scorer_in_batches(case):
    predictions, references = plain_lists(case)
    scorer = qascore.QAScorer(preset=case["preset"], missing="zero", **options_of(case))
    for start in range(0, len(references), 1000):
        scorer.add_batch(predictions=predictions[start:start + 1000], references=references[start:start + 1000])
    assert scorer.compute() == qascore.compute(predictions, references, preset=case["preset"], missing="zero",
                                               **options_of(case))


@pytest.mark.parametrize("case", SAMPLE, ids=[case["preset"] + "-" + case["system"] for case in SAMPLE])
def test_evaluate_module(case):
    predictions, references = plain_lists(case)
    given = [(prediction, answers) for prediction, answers in zip(predictions, references) if prediction is not None]
    predictions, references = [prediction for prediction, _ in given], [answers for _, answers in given]
    metric = evaluate.load(str(METRIC_DIR), case["preset"])
    for start in range(0, len(references), 700):
        metric.add_batch(predictions=predictions[start:start + 700], references=references[start:start + 700])
    results = metric.compute(**options_of(case))
    assert results == qascore.compute(predictions, references, preset=case["preset"], **options_of(case))
    if not case["expected"].get("missing_predictions") and case["expected"].get("common") == case["expected"].get(
            "denominator"):
        assert_figures(results, {name: value for name, value in case["expected"].items() if name != "pred_len"})


@pytest.mark.parametrize("preset", ["nq_open", "curated_trec_search", "triviaqa"])
def test_trainer_adapter(preset):
    """The adapter decodes model output with a tokenizer trained here, references are a datasets column."""
    import datasets
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    case = next(case for case in CASES if case["preset"] == preset and case["system"] == "mixed")
    predictions, references = plain_lists(case)
    predictions, references = [prediction or "" for prediction in predictions[:300]], references[:300]
    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.decoder = decoders.WordPiece(prefix="##", cleanup=False)
    tokenizer.train_from_iterator(predictions, trainer=trainers.WordLevelTrainer(special_tokens=["[PAD]", "[UNK]"]))
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="[PAD]", unk_token="[UNK]")
    rows = [fast(prediction)["input_ids"] for prediction in predictions]
    width = max(len(row) for row in rows) + 1
    ids = [row + [fast.pad_token_id] * (width - len(row)) for row in rows]
    column = datasets.Dataset.from_dict({"answers": references})["answers"]
    decoded = fast.batch_decode(ids, skip_special_tokens=True)
    expected = qascore.compute(decoded, references, preset=preset, **options_of(case))
    for metric in (None, str(METRIC_DIR)):
        compute_metrics = qascore.QAComputeMetrics(fast, preset=preset, metric=metric, references=column,
                                                   **options_of(case))
        assert compute_metrics((ids, ids)) == pytest.approx(expected, abs=1e-12)
