"""The metric Space: app.py started on a loopback port and called through gradio_client.

The app's numbers must equal qascore.compute, the evaluate module of the same folder
(``evaluate.load(metrics/qa_em_f1)``) and, on the shared data, the official scorers'
figures in ../shared/data/expected.json.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import qascore

from helpers_space import METRIC_FOLDER, SHARED_DATA, expected_cases, load_space_app_module, running_space_app

gradio_client = pytest.importorskip("gradio_client")

CASES = expected_cases()


def case(preset: str, predictions_name: str) -> dict:
    return next(c for c in CASES if c["preset"] == preset and predictions_name in c["predictions"] and "no_answer_threshold" not in c)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with running_space_app() as url:
        # output files land in a folder of this test run, so a test can tell they came over HTTP
        yield gradio_client.Client(url, verbose=False, download_files=str(tmp_path_factory.mktemp("client-downloads")))


def test_compute_endpoint_is_named_and_documented(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/compute"]
    names = [parameter["parameter_name"] for parameter in endpoints["/compute"]["parameters"]]
    assert names == ["predictions", "references", "preset", "language"]


@pytest.mark.parametrize(
    "preset, predictions_name, data_name, language",
    [
        ("squad_v2", "bert-single_google", "squad/dev-v2.0.json", ""),
        ("korquad", "goldplus", "korquad/KorQuAD_v1.0_dev.json", ""),
        ("mlqa", "xquad.de.goldplus", "xquad/xquad.de.json", "de"),
    ],
)
def test_compute_on_official_files_matches_the_official_figures(client, preset, predictions_name, data_name, language):
    # The official predictions object and the official data document, sent as they are.
    predictions = (SHARED_DATA / next(c["predictions"] for c in CASES if predictions_name in c["predictions"])).read_text()
    references = (SHARED_DATA / data_name).read_text()
    results = client.predict(predictions, references, preset, language, api_name="/compute")
    expected = case(preset, predictions_name)["expected"]
    assert results == expected


def test_compute_equals_qascore_and_the_evaluate_module(client):
    evaluate = pytest.importorskip("evaluate")
    data = json.loads((SHARED_DATA / "squad/dev-v1.1.json").read_text())
    official = json.loads((SHARED_DATA / "predictions/squad-v1.1/r-net_msra.json").read_text())
    references = [
        {"id": qa["id"], "answers": {"text": [a["text"] for a in qa["answers"]], "answer_start": [a["answer_start"] for a in qa["answers"]]}}
        for paragraph in data["data"][0]["paragraphs"]
        for qa in paragraph["qas"]
    ]
    predictions = [{"id": r["id"], "prediction_text": official[r["id"]]} for r in references]
    from_app = client.predict(json.dumps(predictions), json.dumps(references), "squad", api_name="/compute")
    from_qascore = qascore.compute(predictions, references)
    from_module = evaluate.load(str(METRIC_FOLDER), "squad").compute(predictions=predictions, references=references)
    assert from_app == from_qascore == from_module
    assert 0.0 < from_app["exact_match"] < from_app["f1"] < 100.0

    plain = client.predict(json.dumps(["Denver Broncos", ""]), json.dumps([["Denver Broncos"], []]), "squad_v2", api_name="/compute")
    assert plain == qascore.compute(["Denver Broncos", ""], [["Denver Broncos"], []], preset="squad_v2")
    assert plain["exact"] == 100.0 and plain["NoAns_total"] == 1


def test_bad_requests_get_clear_errors(client, tmp_path):
    app = load_space_app_module()
    too_long = json.dumps(["x" * (app.MAX_CHARACTERS + 1)])
    too_many = json.dumps(["a"] * (app.MAX_EXAMPLES + 1))
    marker = tmp_path / "evaluated"
    attempts = {
        "at most": (too_long, '[["x"]]', "squad"),
        "scores at most": (too_many, json.dumps([["a"]] * (app.MAX_EXAMPLES + 1)), "squad"),
        "must be a JSON list or object": (f"__import__('pathlib').Path('{marker}').touch()", '[["a"]]', "squad"),
        "not valid JSON": ('["a",]', '[["a"]]', "squad"),
        "preset must be one of": ('["a"]', '[["a"]]', "squad_v3"),
        "needs language=": ('["a"]', '[["a"]]', "mlqa"),
        "1 predictions but 2 references": ('["a"]', '[["a"], ["b"]]', "squad"),
    }
    for message, arguments in attempts.items():
        with pytest.raises(gradio_client.exceptions.AppError, match=message.replace("(", r"\(")):
            client.predict(*arguments, api_name="/compute")
    assert not marker.exists()


def test_precision_recall_figure_has_the_three_official_curves():
    from qascore.files.plots import precision_recall_figure

    figure = precision_recall_figure(exact=[1.0, 0.0, 1.0], f1=[1.0, 0.5, 1.0], no_answer_scores=[0.1, 0.5, 0.9], has_answer=[True, True, False])
    assert [axes.get_title().split(" (AP")[0] for axes in figure.axes] == [
        "Precision-Recall curve for Exact Match score",
        "Precision-Recall curve for F1 score",
        "Oracle Precision-Recall curve\n(binary task of HasAns vs. NoAns)",
    ]
    assert [axes.get_xlabel() for axes in figure.axes] == ["Recall"] * 3


def test_upload_tab_scores_official_files_with_pr_curve():
    """The upload handler, called in process (its event is left off the API page)."""
    app = load_space_app_module()
    expected = next(c for c in CASES if c.get("no_answer_threshold") == 1.0)
    table, details, curve, *_ = app.score_uploaded(  # then the per-question table and two downloads
        str(SHARED_DATA / expected["data"]),
        str(SHARED_DATA / expected["predictions"]),
        str(SHARED_DATA / expected["no_answer_probability"]),
        "squad_v2",
        "en",
    )
    assert dict(table) == {k: round(v, 4) if isinstance(v, float) else v for k, v in expected["expected"].items()}
    assert "11,873 of 11,873 questions predicted" in details and "thresh:1.0" in details
    assert curve.visible and curve.value["type"] == "matplotlib"
    assert curve.value["plot"].startswith("data:image/") and len(curve.value["plot"]) > 10_000

    table, details, curve, *_ = app.score_pasted("Denver Broncos\n\n", "Denver Broncos\n\n", "squad_v2", "en")
    assert dict(table)["exact"] == 100.0 and dict(table)["NoAns_total"] == 1 and not curve.visible


NOT_FINITE = "scores must be finite numbers"
ONE_REFERENCE = json.dumps([{"id": "q1", "answers": {"text": ["a"], "answer_start": [0]}}])


@pytest.mark.parametrize(
    "number, message",
    [
        ("Infinity", f"Predictions contains Infinity: {NOT_FINITE} (standard JSON has no Infinity)."),
        ("-Infinity", f"Predictions contains -Infinity: {NOT_FINITE} (standard JSON has no -Infinity)."),
        ("NaN", f"Predictions contains NaN: {NOT_FINITE} (standard JSON has no NaN)."),
        ("1e999", f"Predictions contains the number 1e999: too large, {NOT_FINITE} (at most about 1.8e308)."),
        ("1" + "0" * 400, f"Predictions contains the number 1{'0' * 39}...: too large, {NOT_FINITE} (at most about 1.8e308)."),
    ],
)
def test_non_finite_no_answer_scores_are_refused(client, number, message):
    """Python's json reads Infinity and NaN (and 1e999 as inf): the Space refuses them where it parses."""
    app = load_space_app_module()
    predictions = f'[{{"id": "q1", "prediction_text": "a", "no_answer_probability": {number}}}]'
    with pytest.raises(gradio_client.exceptions.AppError, match=re.escape(message)):
        client.predict(predictions, ONE_REFERENCE, "squad_v2", api_name="/compute")
    with pytest.raises(app.gr.Error, match=re.escape(message)):
        app.score_pasted(predictions, ONE_REFERENCE, "squad_v2", "en")


def test_non_finite_numbers_in_references_and_uploads_are_refused(tmp_path):
    app = load_space_app_module()
    references = ONE_REFERENCE.replace('"answer_start": [0]', '"answer_start": [Infinity]')
    with pytest.raises(app.gr.Error, match=re.escape(f"References contains Infinity: {NOT_FINITE}")):
        app.compute('[{"id": "q1", "prediction_text": "a"}]', references, "squad")
    data, predictions, no_answer = tmp_path / "gold.jsonl", tmp_path / "predictions.json", tmp_path / "null_odds.json"
    data.write_text('{"id": "q1", "answers": ["a"]}\n')
    predictions.write_text('{"q1": "a"}')
    no_answer.write_text('{"q1": Infinity}')
    with pytest.raises(app.gr.Error, match=re.escape(f"{no_answer}: id 'q1': no-answer score must be a finite number, got inf")):
        app.score_uploaded(str(data), str(predictions), str(no_answer), "squad_v2", "en")
    no_answer.write_text('{"q1": 1' + "0" * 400 + "}")
    with pytest.raises(app.gr.Error, match=re.escape(f"{no_answer}: id 'q1': no-answer score is too large for a float64")):
        app.score_uploaded(str(data), str(predictions), str(no_answer), "squad_v2", "en")


def test_json_nested_too_deeply_gets_a_clear_error(client, tmp_path):
    app = load_space_app_module()
    nested = "[" * 100_000 + "]" * 100_000
    message = "Predictions is nested too deeply (lists or objects inside each other) to read."
    with pytest.raises(gradio_client.exceptions.AppError, match=re.escape(message)):
        client.predict(nested, '[["a"]]', "squad", api_name="/compute")
    with pytest.raises(app.gr.Error, match=re.escape(message)):
        app.score_pasted(nested, '[["a"]]', "squad", "en")
    data, predictions = tmp_path / "gold.jsonl", tmp_path / "predictions.json"
    data.write_text('{"id": "q1", "answers": ["a"]}\n')
    predictions.write_text(nested)
    with pytest.raises(app.gr.Error, match=re.escape(f"{predictions}:1:100000: JSON nested 100000 levels deep")):
        app.score_uploaded(str(data), str(predictions), None, "squad", "en")


# ---------------------------------------------------------------- the per-question table and the downloads

OUTPUTS = ("table", "details", "curve", "per_example", "results_file", "rows_file")
TABLE_HEADERS = {
    "id": "id",
    "prediction": "prediction",
    "gold_answers": "gold answers",
    "normalized_prediction": "normalised prediction",
    "normalized_gold_answers": "normalised gold answers",
    "exact_match": "EM (0-1)",
    "exact": "EM (0-1)",
    "f1": "F1 (0-1)",
    "no_answer_probability": "no-answer score",
    "abstained": "abstained",
}


def shown(update: dict):
    """The value of an output the handler makes visible (gradio sends it as an update)."""
    assert update["__type__"] == "update" and update["visible"] is True
    return update["value"]


def read_downloads(client, outputs: dict) -> tuple[dict, list[dict]]:
    """The two downloads, fetched by gradio_client over HTTP: results JSON and per-question JSON Lines."""
    results_path, rows_path = Path(shown(outputs["results_file"])), Path(shown(outputs["rows_file"]))
    assert (results_path.name, rows_path.name) == ("results.json", "per_example.jsonl")
    assert all(path.is_relative_to(client.output_dir) for path in (results_path, rows_path))
    with open(results_path, encoding="utf-8") as handle:
        summary = json.load(handle)
    with open(rows_path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return summary, rows


def assert_table_shows_rows(frame: dict, rows: list[dict]) -> None:
    """The page's per-question table holds the downloaded rows (lists as JSON, scores to 4 places)."""
    keys = list(rows[0])
    assert frame["headers"] == [TABLE_HEADERS[key] for key in keys]
    assert len(frame["data"]) == len(rows)
    for shown, row in zip(frame["data"], rows):
        for key, cell in zip(keys, shown):
            value = row[key]
            if isinstance(value, list):
                assert json.loads(cell) == value
            elif value is None:
                assert cell == "(no prediction)"
            elif key in ("exact", "exact_match", "f1"):
                assert cell == round(value, 4)
            else:
                assert cell == value


def all_endpoint_parameters(url: str) -> dict:
    """Every callable named endpoint and its parameter names, as the server lists them with
    ``info?all_endpoints=True`` (gradio_client's view_api shows only the documented ones)."""
    with urllib.request.urlopen(urllib.parse.urljoin(url, "gradio_api/info?all_endpoints=True"), timeout=30) as response:
        endpoints = json.load(response)["named_endpoints"]
    return {name: [parameter["parameter_name"] for parameter in endpoint["parameters"]] for name, endpoint in endpoints.items()}


def test_scoring_events_are_callable_but_left_off_the_api_page(client):
    names = all_endpoint_parameters(client.src)
    assert names == {
        "/compute": ["predictions", "references", "preset", "language"],
        "/score_pasted": ["predictions_text", "references_text", "preset", "language"],
        "/score_uploaded": ["data_file", "predictions_file", "no_answer_file", "preset", "language", "keep_last"],
    }


@pytest.mark.parametrize(
    "predictions, references, preset, language",
    [
        ("Denver Broncos\nSanta Clara, California\nthe 1990s\n", "Denver Broncos\nSanta Clara\n1990\n", "squad", "en"),
        ('["der Rhein", "Die Mosel!"]', '[["Rhein"], ["Mosel", "die Mosel"]]', "mlqa", "de"),
        ('["세종대왕", "《훈민정음》"]', '[["세종"], ["훈민정음"]]', "korquad", "en"),
        (
            json.dumps([
                {"id": "q1", "prediction_text": "Normandy", "no_answer_probability": 0.1},
                {"id": "q2", "prediction_text": "France", "no_answer_probability": 0.9},
                {"id": "q3", "prediction_text": "the Seine", "no_answer_probability": 1.5},
            ]),
            json.dumps([
                {"id": "q1", "answers": {"text": ["Normandy", "in Normandy"], "answer_start": [159, 156]}},
                {"id": "q2", "answers": {"text": [], "answer_start": []}},
                {"id": "q3", "answers": {"text": ["Seine"], "answer_start": [7]}},
            ]),
            "squad_v2",
            "en",  # the page always sends the language choice; only mlqa uses it
        ),
    ],
    ids=["squad-lines", "mlqa-de", "korquad", "squad_v2-records"],
)
def test_paste_tab_shows_each_question_from_the_same_run_as_the_scores(client, predictions, references, preset, language):
    app = load_space_app_module()
    outputs = dict(zip(OUTPUTS, client.predict(predictions, references, preset, language, api_name="/score_pasted")))
    summary, rows = read_downloads(client, outputs)

    parsed_predictions, parsed_references = app._predictions(predictions), app._references(references)
    language = app._language(preset, language)  # the MLQA language, None for the other presets
    expected = qascore.compute(parsed_predictions, parsed_references, preset=preset, language=language, return_per_example=True)
    per_example = expected.pop("per_example")
    assert summary == {"results": expected, "signature": qascore.signature(preset=preset, language=language)}
    assert [[name, value] for name, value in outputs["table"]["data"]] == app._results_table(expected)

    exact_key = qascore.PRESETS[preset].exact_key
    assert [row[exact_key] for row in rows] == per_example[exact_key]
    assert [row["f1"] for row in rows] == per_example["f1"]
    if "id" in per_example:
        assert [row["id"] for row in rows] == per_example["id"]
    else:
        assert "id" not in rows[0]
    normalize = qascore.make_options(preset, language=language).normalizer.normalize
    for row in rows:
        assert row["normalized_prediction"] == normalize(row["prediction"])
        assert row["normalized_gold_answers"] == [normalize(answer) for answer in row["gold_answers"]]
    assert_table_shows_rows(shown(outputs["per_example"]), rows)


def test_paste_tab_rows_say_why_an_answer_missed():
    """What a user reads off the rows: the normalised forms, and squad_v2's abstentions."""
    app = load_space_app_module()
    *_, rows_file = app.score_pasted("Die Mosel!\nder Rhein\n", "Mosel\nRhein\n", "mlqa", "de")
    rows = [json.loads(line) for line in open(rows_file.value["path"], encoding="utf-8")]
    assert rows == [
        {"prediction": "Die Mosel!", "gold_answers": ["Mosel"], "normalized_prediction": "mosel",
         "normalized_gold_answers": ["mosel"], "exact_match": 1.0, "f1": 1.0},
        {"prediction": "der Rhein", "gold_answers": ["Rhein"], "normalized_prediction": "rhein",
         "normalized_gold_answers": ["rhein"], "exact_match": 1.0, "f1": 1.0},
    ]
    predictions = [
        {"id": "q1", "prediction_text": "the Seine", "no_answer_probability": 1.5},
        {"id": "q2", "prediction_text": "France", "no_answer_probability": 2.0},
        {"id": "q3", "prediction_text": "Paris", "no_answer_probability": 0.5},
    ]
    references = [
        {"id": "q1", "answers": {"text": ["Seine"], "answer_start": [0]}},
        {"id": "q2", "answers": {"text": [], "answer_start": []}},
        {"id": "q3", "answers": {"text": [], "answer_start": []}},
    ]
    table, details, curve, frame, results_file, rows_file = app.score_pasted(
        json.dumps(predictions), json.dumps(references), "squad_v2", "en"
    )
    assert curve.visible and frame.visible and results_file.visible and rows_file.visible
    rows = [json.loads(line) for line in open(rows_file.value["path"], encoding="utf-8")]
    # Above the threshold 1.0 the empty answer is scored: right for q2, wrong for q1 (its text would have matched).
    assert [(row["id"], row["abstained"], row["exact"], row["f1"]) for row in rows] == [
        ("q1", True, 0.0, 0.0), ("q2", True, 1.0, 1.0), ("q3", False, 0.0, 0.0)
    ]
    assert [row["no_answer_probability"] for row in rows] == [1.5, 2.0, 0.5]


def test_upload_tab_shows_each_question_and_offers_the_downloads(client):
    """The official XLNet squad_v2 files through gradio_client: official figures and 11,873 rows."""
    expected = next(c for c in CASES if c.get("no_answer_threshold") == 1.0)
    files = [gradio_client.handle_file(str(SHARED_DATA / expected[name])) for name in ("data", "predictions", "no_answer_probability")]
    outputs = dict(zip(OUTPUTS, client.predict(*files, "squad_v2", "en", False, api_name="/score_uploaded")))
    summary, rows = read_downloads(client, outputs)
    assert summary["results"] == expected["expected"]
    assert summary["signature"].startswith("preset:squad_v2|norm:squad|rules:v2.0|thresh:1.0|missing:zero|extra:ignore|")
    assert summary["counts"]["questions"] == summary["counts"]["predicted"] == len(rows) == 11_873

    # The same predictions as SQuAD records, scored by qascore.compute: the same per-question numbers.
    data = json.loads((SHARED_DATA / expected["data"]).read_text())
    official = json.loads((SHARED_DATA / expected["predictions"]).read_text())
    no_answer = json.loads((SHARED_DATA / expected["no_answer_probability"]).read_text())
    references = [
        {"id": qa["id"], "answers": {"text": [a["text"] for a in qa["answers"]], "answer_start": [a["answer_start"] for a in qa["answers"]]}}
        for article in data["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]
    ]
    predictions = [{"id": r["id"], "prediction_text": official[r["id"]], "no_answer_probability": no_answer[r["id"]]} for r in references]
    per_example = qascore.compute(predictions, references, preset="squad_v2", return_per_example=True)["per_example"]
    assert [row["id"] for row in rows] == per_example["id"]
    assert [row["exact"] for row in rows] == per_example["exact"]
    assert [row["f1"] for row in rows] == per_example["f1"]
    assert [row["no_answer_probability"] for row in rows] == [no_answer[r["id"]] for r in references]
    assert [row["abstained"] for row in rows] == [no_answer[r["id"]] > 1.0 for r in references]
    assert [row["gold_answers"] for row in rows] == [r["answers"]["text"] for r in references]
    assert [row["prediction"] for row in rows] == [official[r["id"]] for r in references]
    assert_table_shows_rows(shown(outputs["per_example"]), rows)


def test_upload_tab_marks_questions_without_a_prediction(client, tmp_path):
    data, predictions = tmp_path / "gold.jsonl", tmp_path / "predictions.json"
    data.write_text('{"id": "q1", "answers": ["Denver Broncos"]}\n{"id": "q2", "answers": ["Santa Clara"]}\n')
    predictions.write_text('{"q1": "the Broncos", "q3": "Paris"}')
    arguments = [gradio_client.handle_file(str(data)), gradio_client.handle_file(str(predictions)), None]
    outputs = dict(zip(OUTPUTS, client.predict(*arguments, "squad", "en", False, api_name="/score_uploaded")))
    summary, rows = read_downloads(client, outputs)
    assert summary["results"] == {"exact_match": 0.0, "f1": 33.33333333333333}
    assert summary["counts"] == {"questions": 2, "predicted": 1, "missing": 1, "extra": 1}
    assert rows == [
        {"id": "q1", "prediction": "the Broncos", "gold_answers": ["Denver Broncos"], "normalized_prediction": "broncos",
         "normalized_gold_answers": ["denver broncos"], "exact_match": 0.0, "f1": 2 / 3},
        {"id": "q2", "prediction": None, "gold_answers": ["Santa Clara"], "normalized_prediction": None,
         "normalized_gold_answers": ["santa clara"], "exact_match": 0.0, "f1": 0.0},
    ]
    assert_table_shows_rows(shown(outputs["per_example"]), rows)


def test_paste_tab_curve_uses_the_raw_scores_of_the_one_run(monkeypatch):
    """The PR curves take per-question scores before the threshold: what scoring the same
    predictions without no-answer scores gives (the paste tab used to run qascore.compute again for them)."""
    app = load_space_app_module()
    drawn = []
    monkeypatch.setattr(app, "precision_recall_figure", lambda **raw: drawn.append(raw) or _figure())
    predictions = [
        {"id": "q3", "prediction_text": "Paris", "no_answer_probability": 0.5},
        {"id": "q1", "prediction_text": "the Seine", "no_answer_probability": 1.5},
        {"id": "q2", "prediction_text": "France", "no_answer_probability": 2.0},
    ]
    references = [
        {"id": "q1", "answers": {"text": ["Seine"], "answer_start": [0]}},
        {"id": "q2", "answers": {"text": [], "answer_start": []}},
        {"id": "q3", "answers": {"text": ["in Paris"], "answer_start": [0]}},
    ]
    app.score_pasted(json.dumps(predictions), json.dumps(references), "squad_v2", "en")
    plain = [{"id": p["id"], "prediction_text": p["prediction_text"]} for p in predictions]
    raw = qascore.compute(plain, references, preset="squad_v2", return_per_example=True)["per_example"]
    assert raw["id"] == ["q1", "q2", "q3"]
    assert drawn == [{"exact": raw["exact"], "f1": raw["f1"], "no_answer_scores": [1.5, 2.0, 0.5], "has_answer": [True, False, True]}]


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure()


def test_pasted_json_that_repeats_a_key_is_refused_naming_it():
    app = load_space_app_module()
    references = '[{"id": "q1", "answers": {"text": ["a"]}}]'
    with pytest.raises(app.gr.Error) as error:
        app.compute('{"q1": "a", "q1": "b"}', references, "squad")
    assert "Predictions: the top-level object repeats key 'q1' (2 times)" in error.value.message
    with pytest.raises(app.gr.Error) as error:
        app.compute('{"q1": "a"}', '[{"id": "q1", "answers": {"text": ["a"]}, "answers": {"text": ["b"]}}]', "squad")
    assert "References: [0] repeats key 'answers' (2 times)" in error.value.message


def test_space_walks_tied_no_answer_scores_in_the_predictions_order(client):
    """The official best-threshold tie rule holds in the Space's API and paste tab too."""
    from helpers_official import official_v2

    gold = [("q1", ["Paris"]), ("q2", []), ("q3", ["Rome"]), ("q4", [])]
    predicted = [("q4", "x", 0.0), ("q3", "Rome", 0.0), ("q2", "Lyon", 0.0), ("q1", "Paris", 0.0)]
    predictions = json.dumps([{"id": q, "prediction_text": t, "no_answer_probability": s} for q, t, s in predicted])
    references = json.dumps([{"id": q, "answers": {"text": a}} for q, a in gold])
    expected = official_v2(gold, {q: t for q, t, _ in predicted}, {q: s for q, _, s in predicted})
    results = client.predict(predictions, references, "squad_v2", api_name="/compute")
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, abs=1e-9), key
