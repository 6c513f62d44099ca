"""The ``qascore`` command line against the official scorers' figures in ../shared/data/expected.json.

Every expected number comes from that file (printed by evaluate-v1.1.py, evaluate-v2.0.py,
KorQuAD evaluate-v1.0.py and mlqa_evaluation_v1.py; see ../shared/data/README.md). A few
cases run the real console entry point in a subprocess; the rest call ``main()`` in process.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import qascore
from qascore.cli import main

from helpers_cli import BERT, DEV_V11, LOGISTIC, XQUAD_EN, XQUAD_EN_PREDICTIONS, run_main
from helpers_space import REPO_ROOT, case_arguments, case_name, expected_cases

CASES = expected_cases()
SUBPROCESS_CASES = {0, 14, 18}  # squad (bert), squad_v2 with null odds at 1.0, mlqa en


def run_command(arguments) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "qascore", *arguments], capture_output=True, text=True, env=environment, timeout=120
    )


@pytest.mark.parametrize(
    "index", [i for i in range(len(CASES)) if i not in SUBPROCESS_CASES], ids=lambda i: case_name(CASES[i])
)
def test_score_matches_official_figures_in_process(index, capsys):
    case = CASES[index]
    status, out, _ = run_main([*case_arguments(case), "--json"], capsys)
    assert status == 0
    assert json.loads(out)["results"] == case["expected"]


@pytest.mark.parametrize("index", sorted(SUBPROCESS_CASES), ids=lambda i: case_name(CASES[i]))
def test_score_matches_official_figures_via_python_m(index):
    case = CASES[index]
    completed = run_command(case_arguments(case))  # stdout is a pipe, so JSON is printed
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert payload["results"] == case["expected"]
    options = {"preset": case["preset"], "missing": "zero", "extra": "ignore"}
    options.update({"language": case["language"]} if "language" in case else {})
    options.update({"no_answer_threshold": case["no_answer_threshold"]} if "no_answer_threshold" in case else {})
    assert payload["signature"] == qascore.signature(**options)


def test_missing_and_extra_predictions_are_counted_and_strict_fails(capsys):
    # ../shared/data/README.md: this file has 28 ids not in dev and lacks 13 dev ids.
    status, out, err = run_main(["score", str(DEV_V11), str(LOGISTIC), "--json"], capsys)
    assert status == 0
    counts = json.loads(out)["counts"]
    assert counts == {"questions": 10570, "predicted": 10557, "missing": 13, "extra": 28}
    assert "13 of 10570 questions have no prediction" in err and "ignored 28 predictions" in err

    status, out, err = run_main(["score", str(DEV_V11), str(LOGISTIC), "--strict"], capsys)
    assert status == 2 and out == ""
    assert "13 questions" in err and "28 predictions" in err and str(LOGISTIC) in err


def test_large_files_show_progress_on_stderr(capsys):
    from qascore.files.score import score_files

    score_files(DEV_V11, BERT, progress=True)
    err = capsys.readouterr().err
    stages = ["[1/3] reading dev-v1.1.json", "[2/3] reading bert-ensemble_google.json", "[3/3] scoring 10570 questions"]
    assert [stage in err for stage in stages] == [True, True, True]
    assert err.endswith("\r")  # the line is cleared before the results are printed

    score_files(XQUAD_EN, XQUAD_EN_PREDICTIONS, preset="mlqa", language="en", progress=True)  # 0.6 MB: no bar
    assert capsys.readouterr().err == ""


def test_terminal_output_is_a_table_with_the_signature(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    status, out, _ = run_main(["score", str(XQUAD_EN), str(XQUAD_EN_PREDICTIONS), "--preset", "mlqa", "--language", "en"], capsys)
    assert status == 0
    expected = next(case["expected"] for case in CASES if case.get("language") == "en")
    lines = out.splitlines()
    assert lines[0].startswith("mlqa on ") and "1190 of 1190 questions" in lines[0]
    assert lines[1].split() == ["metric", "value"]
    assert lines[3].split() == ["exact_match", f"{expected['exact_match']:.4f}"]
    assert lines[4].split() == ["f1", f"{expected['f1']:.4f}"]
    assert lines[-1] == "signature: " + qascore.signature(preset="mlqa", language="en", missing="zero", extra="ignore")


def test_jsonl_and_saved_dataset_inputs_give_the_same_numbers(tmp_path, capsys):
    from datasets import Dataset

    from qascore.files.readers import load_references

    references = load_references(XQUAD_EN)
    predictions = json.loads(XQUAD_EN_PREDICTIONS.read_text())
    gold_jsonl = tmp_path / "gold.jsonl"
    gold_jsonl.write_text("".join(json.dumps({"id": r["id"], "answers": r["answers"]["text"]}) + "\n" for r in references))
    predictions_jsonl = tmp_path / "predictions.jsonl"
    predictions_jsonl.write_text(
        "".join(json.dumps({"id": key, "prediction_text": text}) + "\n" for key, text in predictions.items())
    )
    Dataset.from_list(references).save_to_disk(str(tmp_path / "saved"))

    expected = next(case["expected"] for case in CASES if case.get("language") == "en")
    for data, prediction_file in ((gold_jsonl, predictions_jsonl), (tmp_path / "saved", XQUAD_EN_PREDICTIONS)):
        status, out, err = run_main(["score", str(data), str(prediction_file), "--preset", "mlqa", "--language", "en"], capsys)
        assert status == 0, err
        assert json.loads(out)["results"] == expected


def test_saved_dataset_dict_split_choice(tmp_path, capsys):
    from datasets import Dataset, DatasetDict

    from qascore.files.readers import load_references

    references = load_references(XQUAD_EN)
    saved = tmp_path / "dict"
    DatasetDict({"train": Dataset.from_list(references[:5]), "validation": Dataset.from_list(references)}).save_to_disk(str(saved))
    expected = next(case["expected"] for case in CASES if case.get("language") == "en")
    arguments = ["score", str(saved), str(XQUAD_EN_PREDICTIONS), "--preset", "mlqa", "--language", "en"]
    status, out, _ = run_main(arguments, capsys)  # validation by default
    assert status == 0 and json.loads(out)["results"] == expected
    status, out, _ = run_main([*arguments, "--split", "train"], capsys)
    assert status == 0 and json.loads(out)["counts"]["questions"] == 5
    status, _, err = run_main([*arguments, "--split", "test"], capsys)
    assert status == 2 and "has no split 'test'; its splits are 'train', 'validation' (choose one with --split)" in err


def test_malformed_files_are_reported_with_path_and_position(tmp_path, capsys):
    broken = tmp_path / "predictions.json"
    broken.write_text('{"56be4db0acb8001400a502ec": "Denver Broncos",\n "x" "y"}')
    status, out, err = run_main(["score", str(DEV_V11), str(broken)], capsys)
    assert status == 2 and out == ""
    assert f"{broken}:2:6: not valid JSON" in err

    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "answers": ["x"]}\n{"id": "b"}\n')
    status, _, err = run_main(["score", str(gold), str(BERT)], capsys)
    assert status == 2 and f"{gold}:2: missing the 'answers' field" in err

    squad_file = tmp_path / "dev.json"
    squad_file.write_text('{"data": [{"paragraphs": [{"qas": [{"id": "q1", "answers": []}, {"answers": []}]}]}]}')
    status, _, err = run_main(["score", str(squad_file), str(BERT)], capsys)
    assert status == 2 and f"{squad_file}: data[0].paragraphs[0].qas[1]: missing the 'id' field" in err

    status, _, err = run_main(["score", str(DEV_V11), str(BERT), "--preset", "mlqa"], capsys)
    assert status == 2 and "needs language=" in err


def test_out_file_per_example_and_plots(tmp_path, capsys):
    case = next(c for c in CASES if c.get("no_answer_threshold") == 1.0)
    out_file, per_example, plots = tmp_path / "eval.json", tmp_path / "per_example.jsonl", tmp_path / "plots"
    arguments = [*case_arguments(case), "--out-file", str(out_file), "--per-example", str(per_example), "--plots", str(plots)]
    status, out, _ = run_main(arguments, capsys)
    assert status == 0
    assert json.loads(out_file.read_text()) == case["expected"]

    rows = [json.loads(line) for line in per_example.read_text().splitlines()]
    assert len(rows) == case["expected"]["total"]
    assert 100.0 * sum(row["exact"] for row in rows) / len(rows) == pytest.approx(case["expected"]["exact"], abs=1e-9)
    assert 100.0 * sum(row["f1"] for row in rows) / len(rows) == pytest.approx(case["expected"]["f1"], abs=1e-9)
    assert {"id", "prediction", "references", "exact", "f1", "no_answer_probability"} == set(rows[0])

    names = {"pr_exact.png", "pr_f1.png", "pr_oracle.png", "na_prob_hist_hasAns.png", "na_prob_hist_noAns.png", "f1_hist.png"}
    assert {path.name for path in plots.iterdir()} == names
    assert sorted(json.loads(out)["plots"]) == sorted(str(plots / name) for name in names)
    for name in names:
        header = (plots / name).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", header[16:24])
        assert width >= 400 and height >= 300


def test_compare_two_systems_with_paired_bootstrap(capsys):
    arguments = ["compare", str(LOGISTIC), str(BERT), "--data", str(DEV_V11), "--n-resamples", "300"]
    status, out, _ = run_main(arguments, capsys)
    assert status == 0
    compared = json.loads(out)["comparison"]
    figures = {Path(c["predictions"]).stem: c["expected"] for c in CASES if c["preset"] == "squad"}
    for name in ("exact_match", "f1"):
        stats = compared[name]
        assert stats["a"] == pytest.approx(figures["logistic-regression-baseline_stanford"][name], abs=1e-9)
        assert stats["b"] == pytest.approx(figures["bert-ensemble_google"][name], abs=1e-9)
        assert stats["difference"] == pytest.approx(stats["b"] - stats["a"], abs=1e-9)
        assert 0 < stats["ci_low"] < stats["difference"] < stats["ci_high"]
        assert stats["p_value"] < 0.01

    status, out, _ = run_main(["compare", str(BERT), str(BERT), "--data", str(DEV_V11), "--n-resamples", "50"], capsys)
    same = json.loads(out)["comparison"]["f1"]
    assert same["difference"] == 0.0 and same["ci_low"] == same["ci_high"] == 0.0 and same["p_value"] == 1.0


def test_demo_runs_from_the_repository_and_explains_itself_elsewhere(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO_ROOT)
    status, out, _ = run_main(["demo"], capsys)
    assert status == 0 and "qascore.compute gives the same numbers: True" in out
    monkeypatch.chdir(tmp_path)
    status, _, err = run_main(["demo"], capsys)
    assert status == 2 and "No metrics/qa_em_f1 folder found" in err


def test_console_script_entry_point_is_declared():
    setup_cfg = (REPO_ROOT / "setup.cfg").read_text()
    assert "qascore = qascore.cli:main" in setup_cfg
    completed = run_command(["--version"])
    assert completed.returncode == 0 and completed.stdout.strip() == f"qascore {qascore.__version__}"


def test_installed_qascore_command_scores_a_case(tmp_path):
    script = Path(sys.executable).parent / "qascore"
    if not script.is_file():
        pytest.skip(f"no installed qascore console script beside {sys.executable} (pip install -e . makes it)")
    case = next(c for c in CASES if c.get("language") == "de")
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    completed = subprocess.run(
        [str(script), *case_arguments(case), "--json"], capture_output=True, text=True, env=environment, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["results"] == case["expected"]


# ---------------------------------------------------------------- option values, output files, closed pipes


@pytest.fixture
def tiny_files(tmp_path):
    """Two questions as JSON Lines and their predictions: scored in milliseconds."""
    gold, predictions = tmp_path / "gold.jsonl", tmp_path / "predictions.json"
    gold.write_text('{"id": "q1", "answers": ["Denver Broncos"]}\n{"id": "q2", "answers": ["Santa Clara"]}\n')
    predictions.write_text(json.dumps({"q1": "the Broncos", "q2": "Santa Clara"}))
    return gold, predictions


def parse_error(arguments, capsys) -> str:
    """The message of a command line that argparse refuses (exit status 2)."""
    with pytest.raises(SystemExit) as exited:
        main(arguments)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.splitlines()[-1]


@pytest.mark.parametrize(
    "options, message",
    [
        (["--seed", "-1"], "argument --seed: expected an integer >= 0, got '-1'"),
        (["--seed", "1.5"], "argument --seed: expected an integer >= 0, got '1.5'"),
        (["--n-resamples", "1000000000000"], "argument --n-resamples: expected an integer from 1 to 1,000,000, got '1000000000000'"),
        (["--n-resamples", "0"], "argument --n-resamples: expected an integer from 1 to 1,000,000, got '0'"),
        (["--confidence-level", "1"], "argument --confidence-level: expected a number between 0 and 1, both excluded (e.g. 0.95), got '1'"),
        (["--confidence-level", "nan"], "argument --confidence-level: expected a number between 0 and 1, both excluded (e.g. 0.95), got 'nan'"),
        (["--confidence-level", "95%"], "argument --confidence-level: expected a number between 0 and 1, both excluded (e.g. 0.95), got '95%'"),
    ],
)
def test_compare_option_errors_name_the_option_and_range(options, message, tiny_files, capsys):
    gold, predictions = tiny_files
    assert parse_error(["compare", str(predictions), str(predictions), "--data", str(gold), *options], capsys) == (
        f"qascore compare: error: {message}"
    )


@pytest.mark.parametrize(
    "options, message",
    [
        (["--na-prob-thresh", "inf"], "argument --na-prob-thresh: expected a finite number (a probability or a logit-like score), got 'inf'"),
        (["--na-prob-thresh=-Infinity"], "argument --na-prob-thresh: expected a finite number (a probability or a logit-like score), got '-Infinity'"),
        (["--na-prob-thresh", "nan"], "argument --na-prob-thresh: expected a finite number (a probability or a logit-like score), got 'nan'"),
        (["--language", "xx"], "argument --language: invalid choice: 'xx' (choose from 'en', 'es', 'hi', 'vi', 'de', 'ar', 'zh')"),
    ],
)
def test_score_option_errors_name_the_option_and_range(options, message, tiny_files, capsys):
    gold, predictions = tiny_files
    assert parse_error(["score", str(gold), str(predictions), "--preset", "squad_v2", *options], capsys) == (
        f"qascore score: error: {message}"
    )


def test_files_are_scored_in_one_process_without_num_proc(tiny_files, capsys):
    """`--num-proc` on files was removed (issue 11): it gained 1.07x on 2 cores; qascore.compute keeps num_proc."""
    gold, predictions = tiny_files
    for command in (["score", str(gold), str(predictions)], ["compare", str(predictions), str(predictions), "--data", str(gold)]):
        assert parse_error([*command, "--num-proc", "2"], capsys) == "qascore: error: unrecognized arguments: --num-proc 2"
    from qascore.files.score import compare_files, score_files

    with pytest.raises(TypeError, match="num_proc"):
        score_files(gold, predictions, num_proc=2)
    with pytest.raises(TypeError, match="num_proc"):
        compare_files(predictions, predictions, data=gold, num_proc=2)


def test_bad_output_paths_are_refused_before_anything_is_written(tiny_files, tmp_path, capsys):
    gold, predictions = tiny_files
    (tmp_path / "a_file").write_text("")
    (tmp_path / "a_directory").mkdir()
    before = sorted(tmp_path.rglob("*"))
    out_file = str(tmp_path / "eval.json")
    attempts = [
        (["--plots", str(tmp_path / "a_file" / "plots")], f"argument --plots: {tmp_path / 'a_file'} is not a directory"),
        (["--plots", str(tmp_path / "a_file")], f"argument --plots: {tmp_path / 'a_file'} is not a directory"),
        (
            ["--per-example", str(tmp_path / "a_directory")],
            f"argument --per-example: {tmp_path / 'a_directory'} exists and is not a regular file; give a file path",
        ),
        (
            ["--out-file", str(tmp_path / "missing" / "eval.json")],
            f"argument --out-file: {tmp_path / 'missing' / 'eval.json'}: no directory {tmp_path / 'missing'}",
        ),
        (["--out-file", "/dev/null"], "argument --out-file: /dev/null exists and is not a regular file; give a file path"),
    ]
    for options, message in attempts:
        arguments = ["score", str(gold), str(predictions), "--out-file", out_file, *options]
        assert parse_error(arguments, capsys) == f"qascore score: error: {message}"
    status, out, err = run_main(["score", str(gold), str(predictions), "--out-file", out_file, "--per-example", out_file], capsys)
    assert status == 2 and out == ""
    assert err == f"qascore score: error: --out-file and --per-example both name {out_file}; give two files\n"
    assert sorted(tmp_path.rglob("*")) == before


def current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_an_output_failing_late_leaves_every_output_as_it_was(tiny_files, tmp_path, capsys):
    gold, predictions = tiny_files
    out_file, per_example, plots = tmp_path / "eval.json", tmp_path / "rows.jsonl", tmp_path / "plots"
    out_file.write_text("the previous run\n")
    (plots / "f1_hist.png").mkdir(parents=True)  # the first plot cannot be written
    before = sorted(tmp_path.rglob("*"))
    arguments = ["score", str(gold), str(predictions), "--out-file", str(out_file), "--per-example", str(per_example)]
    status, out, err = run_main([*arguments, "--plots", str(plots)], capsys)
    assert status == 2 and out == ""
    assert err == f"qascore score: error: {plots / 'f1_hist.png'}: exists and is not a regular file; give a file path\n"
    assert sorted(tmp_path.rglob("*")) == before  # no per-example file, no temporary file
    assert out_file.read_text() == "the previous run\n"

    (plots / "f1_hist.png").rmdir()
    new_plots = tmp_path / "new" / "plots"
    status, out, _ = run_main([*arguments, "--plots", str(new_plots)], capsys)
    assert status == 0
    assert json.loads(out_file.read_text()) == {"exact_match": 50.0, "f1": 83.33333333333333}
    assert len(per_example.read_text().splitlines()) == 2
    assert [path.name for path in new_plots.iterdir()] == ["f1_hist.png"]
    assert [oct(path.stat().st_mode & 0o777) for path in (out_file, per_example)] == [oct(0o666 & ~current_umask())] * 2
    assert not [path for path in tmp_path.rglob(".*")]  # no temporary file left


def test_text_utf8_cannot_encode_is_written_as_a_json_escape(tmp_path, capsys):
    gold, predictions, per_example = tmp_path / "gold.jsonl", tmp_path / "predictions.json", tmp_path / "rows.jsonl"
    gold.write_text('{"id": "q1", "answers": ["x"]}\n{"id": "q\\udc00", "answers": ["\\u00e9t\\u00e9"]}\n')
    predictions.write_text('{"q1": "\\ud800", "q\\udc00": "\\u00e9t\\u00e9"}')  # lone surrogates, as JSON escapes
    status, _, err = run_main(["score", str(gold), str(predictions), "--per-example", str(per_example)], capsys)
    assert status == 0, err
    lines = per_example.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"id": "q1", "prediction": "\\ud800", "references": ["x"], "exact_match": 0.0, "f1": 0.0}'
    assert [json.loads(line)["prediction"] for line in lines] == ["\ud800", "\u00e9t\u00e9"]
    assert json.loads(lines[1])["id"] == "q\udc00" and "été" in lines[1]  # other text stays readable UTF-8


def test_a_closed_pipe_stops_the_command_quietly(tiny_files):
    gold, predictions = tiny_files
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "qascore", "score", str(gold), str(predictions)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment,
    )
    process.stdout.close()  # the reader is gone before anything is printed (as with `| head -0`)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (141, b"")
