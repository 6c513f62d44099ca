"""``qascore score`` and ``qascore compare`` give what :func:`qascore.compute` gives for the same options.

Each flag is checked against ``qascore.compute`` on the records :mod:`qascore.files.readers` loads from
the same files, or against the official figures in ../shared/data/expected.json.
"""

from __future__ import annotations

import json
import sys

import pytest

import qascore
from qascore.cli import main
from qascore.files.readers import load_no_answer_probabilities, load_predictions, load_references

from helpers_cli import (
    BERT,
    BERT_V2,
    DEV_V11,
    DEV_V20,
    LOGISTIC,
    XLNET,
    XLNET_ODDS,
    XQUAD_EN,
    XQUAD_EN_PREDICTIONS,
    run_main,
)
from helpers_space import SHARED_DATA, expected_cases

CASES = expected_cases()
FILE_RULES = {"missing": "zero", "extra": "ignore"}


def score_json(arguments, capsys) -> dict:
    status, out, err = run_main(["score", *arguments, "--json"], capsys)
    assert status == 0, err
    return json.loads(out)


def api(data, predictions, no_answer_file=None, **options) -> dict:
    """qascore.compute on the records loaded from the files, with the official file rules."""
    references = load_references(data)
    predicted = load_predictions(predictions)
    odds = {} if no_answer_file is None else load_no_answer_probabilities(no_answer_file)
    records = [{"id": key, "prediction_text": text, **({"no_answer_probability": odds[key]} if odds else {})}
               for key, text in predicted.items()]
    return qascore.compute(records, references, **FILE_RULES, **options)


def expected(predictions, **options) -> dict:
    return next(case["expected"] for case in CASES if SHARED_DATA / case["predictions"] == predictions
                and all(case.get(key) == value for key, value in options.items()))


def varied_predictions(data, path) -> None:
    """Predictions of every question: its first gold answer as is, in capitals with punctuation, or cut short."""
    predictions = {}
    for index, record in enumerate(load_references(data)):
        answer = record["answers"]["text"][0]
        predictions[record["id"]] = [answer, answer.upper() + " «!»", answer.split()[0]][index % 3]
    path.write_text(json.dumps(predictions, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- score: every option of qascore.compute


@pytest.mark.parametrize("language", ["el", "ro", "ru", "th", "tr"])
def test_normalizer_scores_the_xquad_languages_no_official_script_covers(language, tmp_path, capsys):
    data, predictions = SHARED_DATA / f"xquad/xquad.{language}.json", tmp_path / "predictions.json"
    varied_predictions(data, predictions)
    payload = score_json([data, predictions, "--normalizer", "unicode"], capsys)
    assert payload["results"] == api(data, predictions, normalizer="unicode")
    assert payload["results"] != api(data, predictions)  # the squad normaliser scores these differently
    assert payload["signature"] == qascore.signature(normalizer="unicode", **FILE_RULES)


def test_normalizer_mlqa_with_a_language_on_another_preset(tmp_path, capsys):
    payload = score_json([XQUAD_EN, XQUAD_EN_PREDICTIONS, "--normalizer", "mlqa", "--language", "en"], capsys)
    assert payload["results"] == api(XQUAD_EN, XQUAD_EN_PREDICTIONS, normalizer="mlqa", language="en")


def test_bootstrap_interval_options(capsys):
    options = {"confidence_level": 0.9, "n_resamples": 200, "seed": 3}
    payload = score_json([DEV_V11, BERT, "--confidence-level", "0.9", "--n-resamples", "200", "--seed", "3"], capsys)
    assert payload["results"] == api(DEV_V11, BERT, **options)
    assert payload["signature"] == qascore.signature(**options, **FILE_RULES)
    assert payload["results"]["exact_match"] == expected(BERT)["exact_match"]
    default = score_json([DEV_V11, BERT, "--confidence-level", "0.9"], capsys)
    assert default["results"] == api(DEV_V11, BERT, confidence_level=0.9)

    status, out, err = run_main(["score", DEV_V11, BERT, "--n-resamples", "200", "--seed", "3"], capsys)
    assert status == 2 and out == ""
    assert err == ("qascore score: error: --n-resamples and --seed set the bootstrap of the interval; "
                   "give --confidence-level too (e.g. --confidence-level 0.95)\n")


def abstaining(folder, phrase: str):
    """BERT's SQuAD v2.0 predictions with every empty answer written as ``phrase``, in ``folder``."""
    predictions = json.loads(BERT_V2.read_text())
    path = folder / f"abstaining {phrase}.json"
    path.write_text(json.dumps({key: text or phrase for key, text in predictions.items()}))
    return path


def test_map_abstentions_with_the_default_and_own_phrases(tmp_path, capsys):
    default, own = abstaining(tmp_path, "No answer."), abstaining(tmp_path, "nothing to say")
    official = expected(BERT_V2)
    results = score_json([DEV_V20, default, "--preset", "squad_v2", "--map-abstentions"], capsys)["results"]
    assert results == api(DEV_V20, default, preset="squad_v2", map_abstentions=True) == official
    assert score_json([DEV_V20, default, "--preset", "squad_v2"], capsys)["results"]["NoAns_exact"] == 0.0

    phrases = ["nothing to say", "n/a"]
    from_api = api(DEV_V20, own, preset="squad_v2", map_abstentions=True, abstentions=phrases)
    assert from_api == official
    payload = score_json([DEV_V20, own, "--preset", "squad_v2", "--abstentions", *phrases], capsys)
    assert payload["results"] == from_api
    assert payload["signature"] == qascore.signature(preset="squad_v2", map_abstentions=True, abstentions=phrases,
                                                     **FILE_RULES)
    phrase_file = tmp_path / "phrases.txt"
    phrase_file.write_text("nothing to say\n\n  n/a  \n", encoding="utf-8")
    payload = score_json([DEV_V20, own, "--preset", "squad_v2", "--abstentions-file", phrase_file], capsys)
    assert payload["results"] == from_api and payload["signature"] == qascore.signature(
        preset="squad_v2", map_abstentions=True, abstentions=phrases, **FILE_RULES)

    phrase_file.write_text("\n \n")
    status, _, err = run_main(["score", DEV_V20, own, "--preset", "squad_v2", "--abstentions-file", phrase_file], capsys)
    assert status == 2 and err == f"qascore score: error: {phrase_file}: no abstention phrase in it (give one phrase a line)\n"


def test_question_types_pass_the_question_texts_as_inputs(capsys):
    references = load_references(XQUAD_EN)
    from_api = api(XQUAD_EN, XQUAD_EN_PREDICTIONS, preset="mlqa", language="en",
                   inputs=[record["question"] for record in references])
    assert from_api["count_what"] > 0 and "grounding_rate" in from_api
    arguments = [XQUAD_EN, XQUAD_EN_PREDICTIONS, "--preset", "mlqa", "--language", "en", "--question-types"]
    assert score_json(arguments, capsys)["results"] == from_api


def test_question_types_need_every_question_text(tmp_path, capsys):
    gold, predictions = tmp_path / "gold.jsonl", tmp_path / "predictions.json"
    gold.write_text('{"id": "q1", "answers": ["Paris"], "question": "Where?"}\n'
                    '{"id": "q2", "answers": ["Rome"]}\n')
    predictions.write_text('{"q1": "Paris", "q2": "Rome"}')
    status, out, err = run_main(["score", gold, predictions, "--question-types"], capsys)
    assert status == 2 and out == ""
    assert err == (f"qascore score: error: {gold}: question 'q2' has no question text (a non-empty 'question' "
                   "string); --question-types needs the text of every question\n")


def test_question_types_no_question_has_are_null_in_the_json(tmp_path, capsys):
    """qascore.compute reports a type without questions as NaN; standard JSON has no NaN, so it is null."""
    gold, predictions, out_file = tmp_path / "gold.jsonl", tmp_path / "predictions.json", tmp_path / "results.json"
    gold.write_text('{"id": "q1", "answers": ["Paris"], "question": "Where is the Louvre?"}\n')
    predictions.write_text('{"q1": "Paris"}')
    status, out, _ = run_main(["score", gold, predictions, "--question-types", "--json", "--out-file", out_file], capsys)
    assert status == 0
    for results in (json.loads(out)["results"], json.loads(out_file.read_text())):
        assert results["f1_where"] == 100.0 and results["count_where"] == 1
        assert results["f1_why"] is None and results["exact_match_why"] is None and results["count_why"] == 0
    assert "NaN" not in out and "NaN" not in out_file.read_text()


def test_split_of_a_data_file_is_refused(capsys):
    status, out, err = run_main(["score", XQUAD_EN, XQUAD_EN_PREDICTIONS, "--preset", "mlqa", "--language", "en",
                                 "--split", "test"], capsys)
    assert status == 2 and out == ""
    assert err == (f"qascore score: error: {XQUAD_EN}: is a file, --split 'test' applies to a dataset directory "
                   "saved with save_to_disk\n")


# ---------------------------------------------------------------- per-example rows and plots


def test_per_example_rows_carry_the_gold_answers(tmp_path, capsys):
    rows_file = tmp_path / "rows.jsonl"
    score_json([DEV_V20, XLNET, "--preset", "squad_v2", "--na-prob-file", XLNET_ODDS, "--per-example", rows_file],
               capsys)
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    references = load_references(DEV_V20)
    assert [row["references"] for row in rows] == [record["answers"]["text"] for record in references]
    assert list(rows[0]) == ["id", "prediction", "references", "exact", "f1", "no_answer_probability"]
    assert sum(not row["references"] for row in rows) == expected(XLNET)["NoAns_total"]


def histogram_labels(monkeypatch) -> list:
    """Record the (title, xlabel) of every histogram drawn."""
    from qascore.files import plots

    drawn, histogram = [], plots._histogram
    monkeypatch.setattr(plots, "_histogram", lambda values, *, title, xlabel: (
        drawn.append((title, xlabel)), histogram(values, title=title, xlabel=xlabel))[1])
    return drawn


def test_no_answer_histograms_say_score_for_logits_and_probability_otherwise(tmp_path, capsys, monkeypatch):
    drawn = histogram_labels(monkeypatch)
    score_json([DEV_V20, XLNET, "--preset", "squad_v2", "--na-prob-file", XLNET_ODDS, "--plots", tmp_path / "logits"],
               capsys)
    assert drawn[1:] == [("Histogram of no-answer score: hasAns", "Model score of no-answer"),
                         ("Histogram of no-answer score: noAns", "Model score of no-answer")]

    drawn.clear()
    gold, predictions, odds = tmp_path / "gold.jsonl", tmp_path / "predictions.json", tmp_path / "odds.json"
    gold.write_text('{"id": "q1", "answers": ["Paris"]}\n{"id": "q2", "answers": []}\n{"id": "q3", "answers": []}\n')
    predictions.write_text('{"q1": "Paris", "q2": ""}')  # q3 has no prediction, hence no no-answer score
    odds.write_text('{"q1": 0.1, "q2": 0.9}')
    score_json([gold, predictions, "--preset", "squad_v2", "--na-prob-file", odds, "--plots", tmp_path / "probabilities"],
               capsys)
    assert drawn[1:] == [("Histogram of no-answer probability: hasAns", "Model probability of no-answer"),
                         ("Histogram of no-answer probability: noAns", "Model probability of no-answer")]
    assert (tmp_path / "probabilities" / "na_prob_hist_noAns.png").is_file()


# ---------------------------------------------------------------- compare: the options and figures of score


def compare_json(arguments, capsys) -> tuple[dict, str]:
    status, out, err = run_main(["compare", *arguments, "--json"], capsys)
    assert status == 0, err
    return json.loads(out), err


def test_compare_figures_are_those_of_score_to_the_last_digit(capsys):
    compared, err = compare_json([LOGISTIC, BERT, "--data", DEV_V11, "--n-resamples", "200"], capsys)
    for name in ("exact_match", "f1"):
        stats = compared["comparison"][name]
        assert stats["a"] == expected(LOGISTIC)[name] == score_json([DEV_V11, LOGISTIC], capsys)["results"][name]
        assert stats["b"] == expected(BERT)[name]
        assert stats["difference"] == stats["b"] - stats["a"]
    assert "13 of 10570 questions have no prediction in " + str(LOGISTIC) in err
    assert "ignored 28 predictions" in err

    status, out, err = run_main(["compare", LOGISTIC, BERT, "--data", DEV_V11, "--strict"], capsys)
    assert status == 2 and out == "" and "13 questions" in err and str(LOGISTIC) in err


def test_compare_squad_v2_systems_each_with_its_no_answer_file(capsys):
    arguments = [XLNET, BERT_V2, "--data", DEV_V20, "--preset", "squad_v2", "--na-prob-file-a", XLNET_ODDS,
                 "--na-prob-thresh", "0.0", "--n-resamples", "100"]
    compared, _ = compare_json(arguments, capsys)
    a = score_json([DEV_V20, XLNET, "--preset", "squad_v2", "--na-prob-file", XLNET_ODDS, "--na-prob-thresh", "0.0"],
                   capsys)["results"]
    for name in ("exact", "f1"):
        assert compared["comparison"][name]["a"] == a[name] == expected(XLNET, no_answer_threshold=0.0)[name]
        assert compared["comparison"][name]["b"] == expected(BERT_V2)[name]

    swapped, _ = compare_json([BERT_V2, XLNET, "--data", DEV_V20, "--preset", "squad_v2", "--na-prob-file-b",
                               XLNET_ODDS, "--na-prob-thresh", "0.0", "--n-resamples", "100"], capsys)
    assert swapped["comparison"]["f1"]["b"] == a["f1"]


def test_compare_takes_the_normalizer_abstentions_and_duplicate_keys_of_score(tmp_path, capsys):
    data, predictions = SHARED_DATA / "xquad/xquad.ru.json", tmp_path / "predictions.json"
    varied_predictions(data, predictions)
    compared, _ = compare_json([predictions, predictions, "--data", data, "--normalizer", "unicode",
                                "--n-resamples", "50"], capsys)
    assert compared["comparison"]["f1"]["a"] == api(data, predictions, normalizer="unicode")["f1"]
    assert compared["signature"] == qascore.signature(normalizer="unicode", **FILE_RULES)

    own = abstaining(tmp_path, "nothing to say")
    compared, _ = compare_json([own, BERT_V2, "--data", DEV_V20, "--preset", "squad_v2", "--abstentions",
                                "nothing to say", "--n-resamples", "50"], capsys)
    assert compared["comparison"]["exact"]["a"] == compared["comparison"]["exact"]["b"] == expected(BERT_V2)["exact"]

    repeated = tmp_path / "repeated.json"
    repeated.write_text(BERT.read_text().rstrip()[:-1] + ', "56be4db0acb8001400a502ec": "Denver Broncos"}')
    status, _, err = run_main(["compare", repeated, BERT, "--data", DEV_V11], capsys)
    assert status == 2 and "56be4db0acb8001400a502ec" in err
    compared, err = compare_json([repeated, BERT, "--data", DEV_V11, "--duplicate-keys", "last", "--n-resamples", "50"],
                                 capsys)
    assert compared["comparison"]["f1"]["a"] == expected(BERT)["f1"]  # the repeat has the same answer as before
    assert err.count("repeated keys or ids replaced 1 earlier values") == 1


def test_compare_shows_a_p_value_below_the_resolution_as_such(capsys, monkeypatch):
    compared, _ = compare_json([LOGISTIC, BERT, "--data", DEV_V11, "--n-resamples", "300"], capsys)
    assert compared["comparison"]["f1"]["p_value"] == 0.0
    assert compared["comparison"]["f1"]["p_value_resolution"] == 1 / 300

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for resamples, shown in (("300", "p < 1/300"), ("1000", "p < 0.001")):
        status, out, _ = run_main(["compare", LOGISTIC, BERT, "--data", DEV_V11, "--n-resamples", resamples], capsys)
        assert status == 0
        rows = [line for line in out.splitlines() if line.startswith(("exact_match ", "f1 "))]
        assert len(rows) == 2 and all(row.endswith(shown) for row in rows) and "p=" not in out


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("command", [["score"], ["compare"], ["space"], ["space", "push"], ["demo"]])
def test_every_subcommand_help_has_a_description_and_an_example(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    usage, description = out.split("\n\n")[:2]
    assert usage.startswith(f"usage: qascore {' '.join(command)}")
    assert len(description.split()) >= 10 and not description.lstrip().startswith(("positional", "options"))
    example = out.split("\nexample")[1]
    assert f"\n  qascore {command[0]}" in example or f"&& qascore {command[0]}" in example


def test_ids_that_differ_only_in_unicode_normalisation_are_pointed_out(tmp_path, capsys):
    gold, predictions = tmp_path / "gold.jsonl", tmp_path / "predictions.json"
    gold.write_text(json.dumps({"id": "Z\u00fcrich", "answers": ["a"]}) + "\n" + json.dumps({"id": "q2", "answers": ["b"]}) + "\n")
    predictions.write_text(json.dumps({"Zu\u0308rich": "a", "q2": "b"}))
    status, _, err = run_main(["score", gold, predictions], capsys)
    assert status == 0
    assert "ignored 1 predictions whose ids are not in the data 1 of them differ from a reference id only in " \
           "Unicode normalisation (NFC vs NFD), e.g. 'Zu\\u0308rich' vs 'Z\\xfcrich'" in err
    status, _, err = run_main(["score", gold, predictions, "--strict"], capsys)
    assert status == 2 and "only in Unicode normalisation (NFC vs NFD)" in err
