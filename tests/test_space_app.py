"""The metric Space: app.py started on a loopback port and called through gradio_client.

The app's numbers must equal qascore.compute, the evaluate module of the same folder
(``evaluate.load(metrics/qa_em_f1)``) and, on the shared data, the official scorers'
figures in ../shared/data/expected.json.
"""

from __future__ import annotations

import json
import re

import pytest

import qascore
from helpers_space import METRIC_FOLDER, SHARED_DATA, expected_cases, load_space_app_module, running_space_app

gradio_client = pytest.importorskip("gradio_client")

CASES = expected_cases()


def case(preset: str, predictions_name: str) -> dict:
    return next(c for c in CASES if c["preset"] == preset and predictions_name in c["predictions"] and "no_answer_threshold" not in c)


@pytest.fixture(scope="module")
def client():
    with running_space_app() as url:
        yield gradio_client.Client(url, verbose=False)


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
    from qascore.plots import precision_recall_figure

    figure = precision_recall_figure(exact=[1.0, 0.0, 1.0], f1=[1.0, 0.5, 1.0], no_answer_scores=[0.1, 0.5, 0.9], has_answer=[True, True, False])
    assert [axes.get_title().split(" (AP")[0] for axes in figure.axes] == [
        "Precision-Recall curve for Exact Match score",
        "Precision-Recall curve for F1 score",
        "Oracle Precision-Recall curve\n(binary task of HasAns vs. NoAns)",
    ]
    assert [axes.get_xlabel() for axes in figure.axes] == ["Recall"] * 3


def test_upload_tab_scores_official_files_with_pr_curve():
    """The upload handler (called in process: its event is not part of the public API)."""
    app = load_space_app_module()
    expected = next(c for c in CASES if c.get("no_answer_threshold") == 1.0)
    table, details, curve = app.score_uploaded(
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

    table, details, curve = app.score_pasted("Denver Broncos\n\n", "Denver Broncos\n\n", "squad_v2", "en")
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
