"""cmrc2018, drcd, jsquad and mrqa beyond the official figures: per-example scores, intervals,
the paired comparison, MRQA's files, and bad input refused where it enters."""

import gzip
import json

import pytest
from helpers_rc_cjk import case_lists, rc_cases

import qascore
from qascore.files.score import compare_files, score_files

from conftest import SHARED_DATA

CASES, CASE_IDS = rc_cases()
MIXED = {case["preset"]: case for case, name in zip(CASES, CASE_IDS) if name.endswith("mixed")}
KEYS = {"cmrc2018": ("AVERAGE", "F1", "EM"), "drcd": ("AVERAGE", "F1", "EM"), "jsquad": ("exact", "f1"),
        "mrqa": ("exact_match", "f1")}


@pytest.mark.parametrize("preset", sorted(KEYS))
def test_per_example_scores_and_intervals_agree_with_the_figures(preset):
    predictions, references, options = case_lists(MIXED[preset])
    plain = qascore.compute(predictions, references, preset=preset, **options)
    results = qascore.compute(predictions, references, preset=preset, return_per_example=True,
                              confidence_level=0.9, n_resamples=200, **options)
    for key in KEYS[preset]:
        rows = results["per_example"][key]
        assert len(rows) == len(references)
        assert 100.0 * sum(rows) / len(rows) == pytest.approx(plain[key], abs=1e-9)
        assert results[f"{key}_ci_low"] < plain[key] < results[f"{key}_ci_high"]


def test_the_paired_comparison_works_on_cmrc2018():
    data = SHARED_DATA / "cmrc2018/cmrc2018_dev.json"
    compared = compare_files(SHARED_DATA / "cmrc2018/predictions/char_edits.json",
                             SHARED_DATA / "cmrc2018/predictions/exact.json", data=data, preset="cmrc2018",
                             n_resamples=200)
    assert set(compared["comparison"]) == {"AVERAGE", "F1", "EM"}
    assert compared["comparison"]["EM"]["difference"] > 0


def test_mrqa_reads_plain_and_gzipped_json_lines_and_refuses_repeats(tmp_path):
    lines = [{"header": {"dataset": "x"}}, {"qas": [{"qid": "q1", "answers": ["Paris"]}]},
             {"qas": [{"qid": "q2", "answers": ["Rome"]}, {"qid": "q1", "answers": ["Lyon"]}]}]
    text = "\n".join(map(json.dumps, lines)) + "\n"
    (tmp_path / "dev.jsonl").write_text(text)
    (tmp_path / "dev.jsonl.gz").write_bytes(gzip.compress(text.encode()))
    (tmp_path / "preds.json").write_text(json.dumps({"q1": "Lyon", "q2": "Rome", "q9": "x"}))
    for name in ("dev.jsonl", "dev.jsonl.gz"):
        with pytest.raises(ValueError, match=r"dev.jsonl(.gz)?:3: qid 'q1' was given before"):
            score_files(tmp_path / name, tmp_path / "preds.json", preset="mrqa")
        scored = score_files(tmp_path / name, tmp_path / "preds.json", preset="mrqa", duplicate_keys="last")
        assert scored["results"] == {"exact_match": 100.0, "f1": 100.0}  # q1 takes the last answers
        assert scored["counts"]["extra"] == 1 and scored["counts"]["overridden"] == {str(tmp_path / name): 1}
    (tmp_path / "bad.jsonl").write_text('{"qas": [{"qid": "q1", "answers": "Paris"}]}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:1: qas\[0\] \(qid 'q1'\): 'answers' must be a list"):
        score_files(tmp_path / "bad.jsonl", tmp_path / "preds.json", preset="mrqa")


@pytest.mark.parametrize("call, error, message", [
    (lambda: qascore.compute(["北京"], [[]], preset="cmrc2018"), ValueError, r"references\[0\] has no gold answer"),
    (lambda: qascore.compute([None], [["北京"]], preset="drcd"), ValueError, r"predictions\[0\] is None"),
    (lambda: qascore.compute([3], [["北京"]], preset="cmrc2018"), TypeError, r"predictions\[0\] must be the answer"),
    (lambda: qascore.compute(["a"], [["a"], ["b"]], preset="mrqa"), ValueError, "1 predictions but 2 references"),
    (lambda: qascore.compute([None], [["東京"]], preset="jsquad", missing="zero"), ValueError,
     "no figures for an incomplete prediction file"),
    (lambda: qascore.compute(["a"], [["a"]], preset="squad", skip_no_answer=True), ValueError,
     "applies to preset 'mrqa' only"),
    (lambda: qascore.compute(["a"], [["a"]], preset="cmrc2018", normalizer="squad"), ValueError,
     "own normalisation"),
    (lambda: qascore.compute([None], [["a"]], preset="mrqa", skip_no_answer=True), ValueError, "left out every"),
])
def test_bad_input_is_refused_where_it_enters(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_jsquad_questions_without_gold_answers_form_the_noans_group():
    results = qascore.compute(["", "東京", "大阪"], [[], [], ["大阪"]], preset="jsquad")
    assert (results["NoAns_total"], results["NoAns_exact"], results["HasAns_exact"]) == (2, 50.0, 100.0)
    assert results["best_exact"] == 100.0 * 2 / 3  # a non-empty prediction of a NoAns question costs 1 in the walk
