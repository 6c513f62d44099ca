"""qascore score --num-proc: each process reads and scores a piece of both files, with the numbers of one process.

Expected values are not typed in: every case compares with score_files on one process
(whose figures test_cli.py and test_core_parity.py check against expected.json, the
official scorers' output), and the official figures are checked once more here.
"""

import json
import random
import re

import pytest

from qascore.api import make_options
from qascore.cli import main
from qascore.files.parallel import score_in_pieces
from qascore.files.score import score_files
from qascore.scoring.results import score_aligned

from conftest import SHARED_DATA, official_cases

CASES, CASE_IDS = official_cases()
PIECES_CASES = [(case, case_id) for case, case_id in zip(CASES, CASE_IDS)
                if case_id in ("squad-bert-ensemble_google", "squad-logistic-regression-baseline_stanford",
                               "squad_v2-xlnet_newxlnet-1.0", "korquad-goldplus", "mlqa-xquad.zh.goldplus-zh")]


def arguments(case):
    no_answer_file = SHARED_DATA / case["no_answer_probability"] if "no_answer_probability" in case else None
    return dict(preset=case["preset"], language=case.get("language"), no_answer_file=no_answer_file,
                no_answer_threshold=case.get("no_answer_threshold"), per_example=True, keep_examples=True)


def scored_in_pieces(data, predictions, case, num_proc):
    """score_in_pieces itself, to show that the files were read in pieces (not in one process after a refusal)."""
    one = score_files(data, predictions, **arguments(case))
    return score_in_pieces(data, predictions, options=make_options(return_per_example=True, **one["options"]),
                           num_proc=num_proc, no_answer=one["no_answer"], keep_examples=True), one


def test_the_cases_are_there():
    assert len(PIECES_CASES) == 5


@pytest.mark.parametrize("num_proc", [2, 3])
@pytest.mark.parametrize("case", [case for case, _ in PIECES_CASES], ids=[case_id for _, case_id in PIECES_CASES])
def test_pieces_give_the_numbers_of_one_process(case, num_proc):
    data, predictions = SHARED_DATA / case["data"], SHARED_DATA / case["predictions"]
    pieces, one = scored_in_pieces(data, predictions, case, num_proc)
    assert pieces is not None
    assert pieces.counts == one["counts"] and pieces.examples == one["examples"]
    assert pieces.scored == score_aligned(one["examples"], make_options(**one["options"]))  # every per-question array
    many = score_files(data, predictions, num_proc=num_proc, **arguments(case))
    assert {key: many[key] for key in ("results", "counts", "examples")} == \
        {key: one[key] for key in ("results", "counts", "examples")}
    official = {key: value for key, value in many["results"].items() if key in case["expected"]}
    assert official == pytest.approx(case["expected"], abs=1e-9)  # expected.json: the official scorer's figures


def shuffled_copy(path, folder, *, seed=0, duplicate=None):
    """The predictions file with its entries in random order.

    With ``duplicate`` (an id), that id's entry comes first and a second entry for it,
    with another answer, comes near the end: in another piece.
    """
    entries = list(json.loads(path.read_text(encoding="utf-8")).items())
    random.Random(seed).shuffle(entries)
    if duplicate is not None:
        entries.sort(key=lambda entry: entry[0] != duplicate)
        entries.insert(len(entries) - 3, (duplicate, "a later answer"))
    copy = folder / "predictions.json"
    copy.write_text("{" + ", ".join(f"{json.dumps(key)}: {json.dumps(value)}" for key, value in entries) + "}",
                    encoding="utf-8")
    return copy


@pytest.mark.parametrize("case", [CASES[3], CASES[14]], ids=["missing-and-extra", "squad_v2-null-odds"])
def test_predictions_in_another_order_are_paired_across_pieces(case, tmp_path):
    # Most questions find their prediction in another piece: the parent pairs them from the pieces' leftovers.
    data, predictions = SHARED_DATA / case["data"], shuffled_copy(SHARED_DATA / case["predictions"], tmp_path)
    pieces, one = scored_in_pieces(data, predictions, case, 2)
    assert pieces is not None
    assert pieces.counts == one["counts"] and pieces.examples == one["examples"]
    many = score_files(data, predictions, num_proc=2, **arguments(case))
    assert many["results"] == one["results"] and many["counts"] == one["counts"]


def test_a_prediction_id_in_two_pieces_is_read_as_one_process_reads_it(tmp_path):
    # A repeated key is an error; with duplicate_keys="last" JSON keeps the last of two equal
    # keys. The pieces cannot see a repeat across pieces, so they step aside either way.
    case = CASES[0]
    data = SHARED_DATA / case["data"]
    repeated = "56be4db0acb8001400a502ec"  # the first question of dev-v1.1.json
    predictions = shuffled_copy(SHARED_DATA / case["predictions"], tmp_path, duplicate=repeated)
    for num_proc in (1, 2):
        with pytest.raises(ValueError, match=re.escape(f"{predictions}: the top-level object repeats key '{repeated}' "
                                                       "(2 times); remove the repeats, or pass --duplicate-keys last")):
            score_files(data, predictions, num_proc=num_proc, **arguments(case))
    last = dict(arguments(case), duplicate_keys="last")
    one = score_files(data, predictions, **last)
    assert one["examples"].predictions[one["examples"].ids.index(repeated)] == "a later answer"
    assert one["counts"]["overridden"] == {str(predictions): 1}
    pieces = score_in_pieces(data, predictions, options=make_options(return_per_example=True, **one["options"]),
                             num_proc=2, keep_examples=True)
    assert pieces is None
    many = score_files(data, predictions, num_proc=2, **last)
    assert {key: many[key] for key in ("results", "counts", "examples")} == \
        {key: one[key] for key in ("results", "counts", "examples")}


def edited_data(tmp_path, edit):
    """dev-v1.1.json with ``edit`` applied to its last question (in the last piece); returns its path and place."""
    document = json.loads((SHARED_DATA / "squad" / "dev-v1.1.json").read_text(encoding="utf-8"))
    articles = document["data"]
    paragraphs = articles[-1]["paragraphs"]
    questions = paragraphs[-1]["qas"]
    field = edit(questions[-1], first=articles[0]["paragraphs"][0]["qas"][0])
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path, f"data[{len(articles) - 1}].paragraphs[{len(paragraphs) - 1}].qas[{len(questions) - 1}]{field}"


def repeat_the_first_id(question, first):
    question["id"] = first["id"]
    return ""


def add_a_bad_answer(question, first):
    question["answers"].append({"text": 7})
    return f".answers[{len(question['answers']) - 1}]"


@pytest.mark.parametrize("edit, message", [
    (repeat_the_first_id, "question id '56be4db0acb8001400a502ec' appears twice (second at position 10569)"),
    (add_a_bad_answer, "{place}: expected a string or an object with a 'text' string, got {{'text': 7}}"),
])
def test_errors_in_a_piece_are_reported_with_their_place_in_the_whole_file(tmp_path, edit, message):
    data, place = edited_data(tmp_path, edit)
    for num_proc in (1, 2):
        with pytest.raises(ValueError, match=re.escape(f"{data}: " + message.format(place=place))):
            score_files(data, SHARED_DATA / CASES[0]["predictions"], num_proc=num_proc)


def test_command_line_per_example_file_is_the_same_with_two_processes(tmp_path, capsys):
    case = CASES[14]  # squad_v2 with null odds
    written = []
    for num_proc in ("1", "2"):
        out = tmp_path / f"per-example-{num_proc}.jsonl"
        assert main(["score", str(SHARED_DATA / case["data"]), str(SHARED_DATA / case["predictions"]),
                     "--preset", "squad_v2", "--na-prob-file", str(SHARED_DATA / case["no_answer_probability"]),
                     "--per-example", str(out), "--num-proc", num_proc, "--json"]) == 0
        written.append(out.read_text(encoding="utf-8"))
        capsys.readouterr()
    assert written[0] == written[1] and written[0].count("\n") == 11873


def dev_file_bytes(tmp_path, edit):
    """dev-v1.1.json as bytes, ``edit``-ed (it gets and returns the bytes), written to tmp_path; returns its path."""
    path = tmp_path / "dev.json"
    path.write_bytes(edit((SHARED_DATA / "squad" / "dev-v1.1.json").read_bytes()))
    return path


def in_last_question(insert):
    """An edit that puts ``insert`` (bytes) just after the last question's opening brace (in the last piece)."""
    def edit(raw):
        place = raw.rindex(b'{"answers"') + 1
        return raw[:place] + insert + raw[place:]
    return edit


@pytest.mark.parametrize("edit, message", [
    (lambda raw: b'{"version": "1.0", ' + raw[1:], r": the top-level object repeats key 'version' \(2 times\); "),
    (in_last_question(b'"x": ' + b"[" * 100_000 + b"]" * 100_000 + b", "),
     r":1:\d+: JSON nested 100007 levels deep, deeper than Python's json module reads; "),
    (in_last_question(b'"x": "\xff", '), r": byte offset \d+ \(line 1\): not valid UTF-8 \(byte 0xff: invalid start byte\); "),
    (in_last_question(b'"x": "\xed\xa0\x80", '), r": byte offset \d+ \(line 1\): not valid UTF-8 \(byte 0xed: "),
], ids=["version-on-both-sides-of-the-cut", "nested-too-deeply", "not-utf8", "encoded-surrogate"])
def test_files_the_reader_refuses_are_refused_alike_in_pieces(tmp_path, edit, message):
    data = dev_file_bytes(tmp_path, edit)
    errors = []
    for num_proc in (1, 2):
        with pytest.raises(ValueError, match=re.escape(str(data)) + message) as error:
            score_files(data, SHARED_DATA / CASES[0]["predictions"], num_proc=num_proc)
        errors.append(str(error.value))
    assert errors[0] == errors[1]


def test_a_key_on_both_sides_of_a_cut_is_resolved_by_one_process_with_duplicate_keys_last(tmp_path):
    data = dev_file_bytes(tmp_path, lambda raw: b'{"version": "1.0", ' + raw[1:])
    case = dict(CASES[0], data=data)
    last = dict(arguments(case), duplicate_keys="last")
    one = score_files(data, SHARED_DATA / case["predictions"], **last)
    assert one["counts"]["overridden"] == {str(data): 1}
    options = make_options(return_per_example=True, **one["options"])
    assert score_in_pieces(data, SHARED_DATA / case["predictions"], options=options, num_proc=2) is None
    many = score_files(data, SHARED_DATA / case["predictions"], num_proc=2, **last)
    assert {key: many[key] for key in ("results", "counts", "examples")} == \
        {key: one[key] for key in ("results", "counts", "examples")}
