"""Cutting JSON files into pieces that parse on their own (qascore.files.pieces).

The pieces of a file must give exactly the records of the whole file, or be refused (None)
so that the caller reads the file in one process. Nothing here is compared with typed-in
values: every expectation is the whole file parsed by ``json.loads``.
"""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qascore.files.pieces import (
    inside_string,
    mapping_cut_at_key,
    mapping_cuts,
    mapping_piece,
    question_at,
    repeated_across_cuts,
    shared_keys,
    squad_cuts,
    squad_piece,
)
from qascore.files.readers import references_from_document, reject_repeated_keys

# Text that looks like JSON structure, escapes and the cut patterns themselves.
NASTY = st.lists(st.sampled_from(list('ab }{][,:"\\/\n\t\u00e9\u4e2d\U0001f600') + ['}, {"id": ', '\\"', '\\\\']),
                 max_size=8).map("".join)


def walked_string_states(text: bytes):
    """For each byte, whether it lies inside a string, found by walking the text byte by byte."""
    states, in_string, escaped = [], False, False
    for byte in text:
        states.append(in_string)  # the state before this byte
        if in_string:
            if escaped:
                escaped = False
            elif byte == ord("\\"):
                escaped = True
            elif byte == ord('"'):
                in_string = False
        elif byte == ord('"'):
            in_string = True
    return states


def outside_string_positions(text: bytes, character: bytes):
    """Offsets of ``character`` outside every string."""
    return [offset for offset, (byte, inside) in enumerate(zip(text, walked_string_states(text)))
            if byte == character[0] and not inside]


@st.composite
def squad_files(draw):
    """A SQuAD-format document with nasty texts, written in one of several JSON styles."""
    counter = iter(range(10_000))

    def question():
        answers = [{"text": draw(NASTY), "answer_start": draw(st.integers(0, 9))} for _ in range(draw(st.integers(0, 3)))]
        fields = {"id": f"q{next(counter)}-{draw(NASTY)}", "answers": answers, "question": draw(NASTY)}
        return dict(draw(st.permutations(list(fields.items()))))

    def paragraph():
        fields = {"context": draw(NASTY), "qas": [question() for _ in range(draw(st.integers(1, 4)))]}
        return dict(draw(st.permutations(list(fields.items()))))

    def article():
        fields = {"title": draw(NASTY), "paragraphs": [paragraph() for _ in range(draw(st.integers(1, 3)))]}
        return dict(draw(st.permutations(list(fields.items()))))

    document = {"version": "1.1", "data": [article() for _ in range(draw(st.integers(1, 3)))]}
    document = dict(draw(st.permutations(list(document.items()))))
    style = draw(st.sampled_from([{}, {"indent": 2}, {"ensure_ascii": False}, {"separators": (",", ":")}]))
    return json.dumps(document, **style).encode()


def records_of_pieces(raw: bytes, cuts):
    """The records of the pieces between ``cuts``, or None if a piece is refused or a key repeats across a cut."""
    edges = [0, *cuts, len(raw)]
    bounds = list(zip(edges, edges[1:]))
    pieces = [squad_piece(raw, start, stop) for start, stop in bounds]
    if any(piece is None for piece in pieces):
        return None
    keys = [shared_keys(piece, starts_inside=start > 0, ends_inside=stop < len(raw))
            for piece, (start, stop) in zip(pieces, bounds)]
    if repeated_across_cuts(keys):
        return None
    return [record for piece in pieces for record in references_from_document(piece)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=squad_files(), parts=st.integers(2, 6))
def test_pieces_give_the_records_of_the_whole_file(raw, parts):
    whole = references_from_document(json.loads(raw))
    cuts = squad_cuts(raw, parts)
    assert cuts == sorted(set(cuts)) and all(0 < cut < len(raw) for cut in cuts)
    assert records_of_pieces(raw, cuts) == whole


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=squad_files(), data=st.data())
def test_a_cut_at_any_object_is_refused_or_exact(raw, data):
    # Cuts anywhere an object starts (answers, paragraphs, articles, questions): the pieces
    # may be refused, but when all of them parse they must give the whole file's records.
    starts = outside_string_positions(raw, b"{")[1:]
    cuts = sorted(data.draw(st.sets(st.sampled_from(starts), min_size=1, max_size=3)))
    records = records_of_pieces(raw, cuts)
    assert records is None or records == references_from_document(json.loads(raw))


def test_cuts_at_other_levels_are_refused():
    # "unused" holds question-like objects at the depth of qas: a cut there must be refused too
    document = {"data": [{"title": "t", "paragraphs": [
        {"context": "c", "qas": [{"id": "q1", "answers": [{"text": "a", "answer_start": 0},
                                                          {"text": "b", "answer_start": 1}]},
                                 {"id": "q2", "answers": []}],
         "unused": [{"id": "u1", "answers": []}, {"id": "u2", "answers": []}]},
        {"context": "d", "qas": [{"id": "q3", "answers": []}]}]}]}
    raw = json.dumps(document).encode()
    question_starts = [raw.index(b'{"id": "q2"'), raw.index(b'{"id": "q3"')]
    assert records_of_pieces(raw, question_starts[:1]) == references_from_document(document)
    other_objects = [position for position in outside_string_positions(raw, b"{")[1:] if position not in question_starts]
    for cut in other_objects:
        assert records_of_pieces(raw, [cut]) is None, raw[cut:cut + 20]


def test_a_key_repeated_after_the_cut_is_refused():
    # In one document the second "qas" replaces the first; a piece cannot know the first was
    # replaced, so the pieces must be refused rather than give q1 and q2 as well.
    raw = b'{"data": [{"paragraphs": [{"qas": [{"id": "q1", "answers": []}, {"id": "q2", "answers": []}], ' \
          b'"qas": [{"id": "q3", "answers": []}]}]}]}'
    assert [record["id"] for record in references_from_document(json.loads(raw))] == ["q3"]
    assert records_of_pieces(raw, [raw.index(b'{"id": "q2"')]) is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=squad_files(), key=st.sampled_from([b"version", b"title", b"context", b"id"]), parts=st.integers(2, 6),
       data=st.data())
def test_a_key_repeated_anywhere_refuses_the_pieces(raw, key, parts, data):
    # One process refuses a repeated key; the pieces must never read such a file, wherever the
    # repeat is (in one piece, or on the two sides of a cut). NASTY has no letters of these keys.
    place = data.draw(st.sampled_from([match.start() for match in re.finditer(b'"' + key + b'":', raw)]))
    raw = raw[:place] + b'"' + key + b'": "repeat", ' + raw[place:]
    with pytest.raises(ValueError):
        json.loads(raw, object_pairs_hook=reject_repeated_keys)
    assert records_of_pieces(raw, squad_cuts(raw, parts)) is None
    starts = outside_string_positions(raw, b"{")[1:]
    assert records_of_pieces(raw, sorted(data.draw(st.sets(st.sampled_from(starts), min_size=1, max_size=3)))) is None


def test_a_key_on_both_sides_of_a_cut_is_found():
    # "version" before and after the data list, "context" before and after a cut inside its
    # paragraph's qas, "title" before and after an article that spans three pieces.
    def questions(*ids):
        return [{"id": question_id, "answers": []} for question_id in ids]
    for text in ('{"version": "1", "data": [{"paragraphs": [{"qas": QAS}]}], "version": "2"}',
                 '{"data": [{"paragraphs": [{"context": "a", "qas": QAS, "context": "b"}]}]}',
                 '{"data": [{"title": "a", "paragraphs": [{"qas": QAS}], "title": "b"}]}'):
        raw = text.replace("QAS", json.dumps(questions("q1", "q2", "q3"))).encode()
        cuts = [raw.index(b'{"id": "q2"'), raw.index(b'{"id": "q3"')]
        assert all(squad_piece(raw, start, stop) is not None for start, stop in zip([0, *cuts], [*cuts, len(raw)]))
        assert records_of_pieces(raw, cuts) is None and records_of_pieces(raw, cuts[1:]) is None
    # a key on one side only, twice in a row: the official layout, "version" after the data list
    raw = json.dumps({"data": [{"title": "t", "paragraphs": [{"context": "c", "qas": questions("q1", "q2", "q3")}]}],
                      "version": "1.1"}).encode()
    cuts = [raw.index(b'{"id": "q2"'), raw.index(b'{"id": "q3"')]
    assert records_of_pieces(raw, cuts) == references_from_document(json.loads(raw))


def test_pieces_are_read_as_strictly_as_the_whole_file():
    # An encoded surrogate (json.loads of bytes would let it through) and nesting deeper than
    # json reads: refused, not an exception; question_at gives None for such a question.
    deep = b'{"data": [{"paragraphs": [{"qas": [{"id": "q1", "answers": []}, {"id": "q2", "x": ' + \
        b"[" * 100_000 + b"]" * 100_000 + b', "answers": []}]}]}]}'
    surrogate = b'{"data": [{"paragraphs": [{"qas": [{"id": "q1", "answers": []}, {"id": "q2\xed\xa0\x80", ' \
        b'"answers": []}]}]}]}'
    for raw in (deep, surrogate):
        cut = raw.index(b'{"id": "q2')
        assert squad_piece(raw, 0, cut) is not None and squad_piece(raw, cut, len(raw)) is None
    assert question_at(deep, deep.index(b'{"id": "q2')) is None
    raw = b'{"q1": "a\xed\xa0\x80"}'
    assert mapping_piece(raw, 0, len(raw)) is None and mapping_piece(raw[:9] + b'"}', 0, 11) == {"q1": "a"}


def test_pieces_that_spell_nul_are_refused():
    # the added containers' keys carry a NUL: a real key spelling one could be taken for them
    raw = json.dumps({"data": [{"paragraphs": [{"qas": [{"id": f"q{i}", "answers": []} for i in range(9)],
                                                "\u0000qas": [{"id": "x", "answers": []}]}]}]}).encode()
    cut = raw.index(b'{"id": "q5"')
    assert squad_piece(raw, 0, cut) is not None and squad_piece(raw, cut, len(raw)) is None


def test_question_at_reads_the_question_that_starts_there():
    raw = json.dumps({"data": [{"paragraphs": [{"qas": [
        {"id": "q1", "answers": [{"text": "x" * 70_000, "answer_start": 0}]},  # longer than the first window
        {"id": "q2", "answers": []}]}]}]}).encode()
    assert question_at(raw, raw.index(b'{"id": "q1"'))["id"] == "q1"
    assert question_at(raw, raw.index(b'{"id": "q2"')) == {"id": "q2", "answers": []}


@settings(max_examples=100, deadline=None)
@given(raw=squad_files())
def test_inside_string_agrees_with_a_byte_by_byte_walk(raw):
    assert [inside_string(raw, offset) for offset in range(len(raw))] == walked_string_states(raw)


@st.composite
def prediction_files(draw):
    ids = draw(st.lists(NASTY, min_size=1, max_size=12, unique=True))
    mapping = {question_id: draw(NASTY) for question_id in ids}
    style = draw(st.sampled_from([{}, {"indent": 1}, {"ensure_ascii": False}, {"separators": (",", ":")}]))
    return mapping, json.dumps(mapping, **style).encode()


def merged_pieces(raw: bytes, cuts):
    edges = [0, *cuts, len(raw)]
    merged = {}
    for start, stop in zip(edges, edges[1:]):
        piece = mapping_piece(raw, start, stop)
        assert piece is not None, raw[start:stop]
        merged.update(piece)
    return merged


@settings(max_examples=200, deadline=None)
@given(file=prediction_files(), parts=st.integers(2, 5), data=st.data())
def test_prediction_pieces_give_the_whole_object(file, parts, data):
    mapping, raw = file
    cuts = mapping_cuts(raw, parts)
    assert cuts == sorted(set(cuts))
    assert merged_pieces(raw, cuts) == mapping
    key = data.draw(st.sampled_from(list(mapping)[1:] or list(mapping)))
    cut = mapping_cut_at_key(raw, key, after=1)
    if key != next(iter(mapping)):
        assert cut is not None and merged_pieces(raw, [cut]) == mapping
        assert next(iter(mapping_piece(raw, cut, len(raw)))) == key


def test_a_value_that_spells_the_key_is_not_taken_for_the_entry():
    raw = json.dumps({"q1": '"q2": "x"', "q0": "q2", "q2": "Rome"}).encode()
    assert raw[mapping_cut_at_key(raw, "q2"):] == b'"q2": "Rome"}'


def test_pieces_must_be_separated_by_a_comma():
    raw = b'{"a": 12 "b": "x"}'  # not JSON: the comma between the entries is missing
    assert mapping_piece(raw, 0, raw.index(b'"b"')) is None


@pytest.mark.parametrize("text", [b'{"q1": "a", "q2": "b"', b'{"q1": "a" "q2": "b"}', b'["a", "b", "c"]'])
def test_broken_prediction_pieces_are_refused(text):
    cut = text.index(b'"q2"') if b'"q2"' in text else text.index(b'"b"')
    assert mapping_piece(text, 0, cut) is None or mapping_piece(text, cut, len(text)) is None
