"""The proofs that let a reader keep msgspec's value of a file: every string counted, none repeated."""

import json
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Union

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qascore.files.fast_json import every_string_held, held_strings, json_strings
from qascore.files.readers import load_predictions, load_reference_columns, read_json
from qascore.files.squad_layout import squad_columns

# text with the characters JSON escapes: quotes, backslashes (runs of them), control characters, non-ASCII
TEXT = st.text(alphabet=st.sampled_from(['"', "\\", "a", " ", "\n", "\t", "é", "😀", ":", "{", "["]), max_size=8)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | TEXT, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=20)


def strings_of(value) -> int:
    """The strings of a parsed JSON value, counted by walking it: keys and string values."""
    if isinstance(value, str):
        return 1
    if isinstance(value, list):
        return sum(map(strings_of, value))
    if isinstance(value, dict):
        return len(value) + sum(map(strings_of, value.values()))
    return 0


@settings(max_examples=300, deadline=None)
@given(JSON, st.booleans(), st.sampled_from([None, 2]))
def test_json_strings_counts_the_strings_of_any_json_text(value, ensure_ascii, indent):
    body = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent).encode()
    assert json_strings(body) == strings_of(value)


def test_json_strings_tells_an_escaped_quote_by_the_parity_of_the_backslashes_before_it():
    # the strings: a\   b"   \"   and a key ending in two backslashes
    body = rb'{"a\\": ["b\"", "\\\"", "x"], "k\\\\": 1}'
    assert json.loads(body) == {"a\\": ['b"', '\\"', "x"], "k\\\\": 1}
    assert json_strings(body) == 5
    long_run = b'["' + b"\\" * 4_194_302 + b'", "' + b"\\" * 3 + b'""]'  # a run across the 4 MB scan window
    assert json_strings(long_run) == strings_of(json.loads(long_run)) == 2


class _Answer(msgspec.Struct):
    text: str
    note: Union[str, None, msgspec.UnsetType] = msgspec.UNSET  # its null is no string: only the key may count
    start: Union[int, msgspec.UnsetType] = msgspec.UNSET


@pytest.mark.parametrize("body, proven", [
    (b'[{"text": "a"}, {"text": "b", "start": 3}]', True),
    (b'[{"text": "a", "text": "b"}]', False),  # a repeated key: msgspec keeps one
    (b'[{"text": "a", "other": "b"}]', False),  # a key the types do not name
])
def test_held_strings_prove_no_repeat_only_when_every_string_is_held(body, proven):
    answers = msgspec.json.decode(body, type=List[_Answer])
    assert every_string_held(body, held_strings(_Answer, answers)) is proven


def test_held_strings_never_count_more_strings_than_were_read():
    # a field that may be null counts its key only: counted as a string, the null would stand in for the
    # key that the repeat of "start" lost, and the counts would be equal
    body = b'[{"text": "a", "note": null}, {"text": "b", "start": 1, "start": 2}]'
    answers = msgspec.json.decode(body, type=List[_Answer])
    assert held_strings(_Answer, answers) == 6 < json_strings(body) == 7
    assert not every_string_held(body, held_strings(_Answer, answers))

    class Defaulted(msgspec.Struct):  # a default other than UNSET cannot be told from a value read
        text: str
        note: Optional[str] = None
    refused = r"Defaulted.note: an optional field must default to msgspec.UNSET \(not None\)"
    with pytest.raises(TypeError, match=refused):
        held_strings(Defaulted, msgspec.json.decode(b'[{"text": "a"}]', type=List[Defaulted]))


SQUAD = {"version": "1.1", "data": [{"title": "T", "paragraphs": [{"context": 'He said "hi" \\ there', "qas": [
    {"id": "q1", "question": "Who?", "answers": [{"text": "Denver", "answer_start": 0}]},
    {"id": "q2", "question": "What?", "answers": [], "is_impossible": True,
     "plausible_answers": [{"text": "hi", "answer_start": 9}]}]}]}]}


# the same file with the keys each question type of squad_layout expects: v1.1 questions with their text,
# without it, and a v2.0 question among them (the type that takes any)
V11 = json.loads(json.dumps(SQUAD).replace(', "is_impossible": true, "plausible_answers": [{"text": "hi", '
                                           '"answer_start": 9}]', ""))
BARE = json.loads(json.dumps(V11).replace('"question": "Who?", ', "").replace('"question": "What?", ', ""))
LAYOUTS = {"v2.0": (SQUAD, ["Who?", "What?"]), "v1.1": (V11, ["Who?", "What?"]), "bare": (BARE, [None, None])}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_official_layout_is_proven_and_any_other_key_or_repeat_is_not(layout):
    document, questions = LAYOUTS[layout]
    columns = squad_columns(json.dumps(document).encode(), questions=True)
    assert (columns.ids, columns.answers, columns.questions, columns.every_key_once) == (
        ["q1", "q2"], [["Denver"], []], questions, True)
    for where in ('"title": "T"', '"id": "q2"'):  # a key the types do not name, in an article and in a question
        extra = json.dumps(document).replace(where, where + ', "source": "wiki"').encode()
        assert squad_columns(extra, questions=False).every_key_once is False, where
    keys = [("version", '"0"'), ("data", "[]"), ("title", '"U"'), ("paragraphs", "[]"), ("context", '"c"'),
            ("qas", "[]"), ("id", '"q0"'), ("question", '"Q"'), ("answers", "[]"), ("text", '"t"'),
            ("answer_start", "1"), ("is_impossible", "false"), ("plausible_answers", "[]")]
    text = json.dumps(document)
    for key, value in keys:
        if f'"{key}": ' not in text:
            continue
        at = text.index(f'"{key}": ')  # the same key once more, just before its first place
        repeated = (text[:at] + f'"{key}": {value}, ' + text[at:]).encode()
        assert squad_columns(repeated, questions=False).every_key_once is False, key


def test_questions_of_different_kinds_in_one_file_are_read_alike():
    # the second question lacks its text, or is a v2.0 one: a strict type fits the first question only
    for second in (BARE["data"][0]["paragraphs"][0]["qas"][1], SQUAD["data"][0]["paragraphs"][0]["qas"][1]):
        document = json.loads(json.dumps(V11))
        document["data"][0]["paragraphs"][0]["qas"][1] = second
        columns = squad_columns(json.dumps(document).encode(), questions=True)
        assert (columns.ids, columns.answers, columns.every_key_once) == (["q1", "q2"], [["Denver"], []], True)
        assert columns.questions == ["Who?", second.get("question")]


def test_a_file_without_the_proof_is_still_read_and_checked(tmp_path):
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(SQUAD).replace('"title": "T"', '"title": "T", "source": "wiki"'))
    assert load_reference_columns(path).answers == [["Denver"], []]
    path.write_text(json.dumps(SQUAD).replace('"title": "T"', '"title": "T", "source": "a", "source": "b"'))
    with pytest.raises(ValueError, match=r"data\[0\] repeats key 'source' \(2 times\)"):
        load_reference_columns(path)


@pytest.mark.parametrize("content, expected", [
    ('{"q1": "a \\"b\\"", "q2": "c\\\\"}', {"q1": 'a "b"', "q2": "c\\"}),
    ('\ufeff{"q1": "a"}', {"q1": "a"}),  # a byte-order mark
])
def test_the_official_predictions_object_is_read_by_msgspec_when_proven(tmp_path, content, expected):
    path = tmp_path / "preds.json"
    path.write_text(content, encoding="utf-8")
    assert load_predictions(path) == expected
    assert msgspec.json.decode(content.lstrip("\ufeff"), type=Dict[str, str]) == expected


@settings(max_examples=150, deadline=None)
@given(JSON, st.booleans())
def test_read_json_gives_what_json_loads_gives_and_refuses_a_repeat_it_would_hide(value, ensure_ascii):
    text = json.dumps({"value": value, "k": 1}, ensure_ascii=ensure_ascii)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.json"
        path.write_text(text, encoding="utf-8")
        read = read_json(path)
        assert read == json.loads(text) and repr(read) == repr(json.loads(text))  # same types, same order
        path.write_text(text[:-1] + ', "k": 2}', encoding="utf-8")  # msgspec would keep k = 2 silently
        with pytest.raises(ValueError, match="the top-level object repeats key 'k' \\(2 times\\)"):
            read_json(path)
        assert read_json(path, duplicate_keys="last") == json.loads(text[:-1] + ', "k": 2}')
