"""The official SQuAD JSON layout as msgspec types: what scoring needs of a data file, decoded directly.

:func:`squad_columns` decodes a SQuAD-format file (SQuAD v1.1/v2.0, KorQuAD, XQuAD, MLQA:
``{"version", "data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question",
"answers": [{"text", "answer_start"}], "is_impossible", "plausible_answers"}]}]}]}``) into the
question ids and each question's answer texts (and, when asked, question texts). At 1M
questions this takes about 1 s and 500 MB, against 1.3 s and about 1 GB for ``json.loads``
into dicts (each answer a dict) before picking the same fields.

The types name every key of that layout, so the decoded value holds every string of a file
that has no other key, and :func:`qascore.files.fast_json.every_string_held` can prove that
no object repeats a key (msgspec keeps the last value of a repeated key, as ``json.loads``
does): :attr:`SquadColumns.every_key_once`. A file whose questions all have the same keys, as
v1.1 files do, is decoded with a stricter question type, whose strings need no counting pass.
Without that proof the reader checks the file with :func:`qascore.files.readers.check_json`,
which names a repeat or counts it. A file that does not fit the types (another answer
layout, an id that is a number, a missing field) gives None, and the reader takes the
record-by-record path, which names the problem.

>>> columns = squad_columns(b'{"data": [{"paragraphs": [{"context": "...", "qas": [{"id": "q1", '
...                         b'"question": "Who?", "answers": [{"text": "Denver Broncos", "answer_start": 177}]}]}]}]}',
...                         questions=True)
>>> columns.ids, columns.answers, columns.questions, columns.every_key_once
(['q1'], [['Denver Broncos']], ['Who?'], True)
>>> squad_columns(b'{"data": [{"paragraphs": [{"qas": [{"id": "q1", "id": "q2", "answers": []}]}]}]}',
...               questions=False).every_key_once
False
>>> squad_columns(b'{"data": [{"paragraphs": [{"qas": [{"id": "q1", "answers": [], "is_impossible": true}]}]}]}',
...               questions=True)
SquadColumns(ids=['q1'], answers=[[]], questions=[None], every_key_once=True)
>>> squad_columns(b'{"data": [{"paragraphs": [{"qas": [{"id": 7, "answers": []}]}]}]}', questions=False) is None
True
"""

import dataclasses
from typing import Generic, List, Optional, TypeVar, Union

import msgspec
from msgspec import UNSET, UnsetType

from qascore.files.fast_json import every_string_held, held_strings

__all__ = ["SquadColumns", "squad_columns"]


class _Answer(msgspec.Struct, gc=False):  # gc=False: nothing here can hold a cycle; the collector skips them
    text: str
    answer_start: int  # only its type is checked: another offset, or none, goes to the record path


class _QuestionWithText(msgspec.Struct, gc=False, forbid_unknown_fields=True):
    """A question of a SQuAD v1.1-style file (v1.1, KorQuAD, XQuAD, MLQA): these keys, no other."""

    id: str
    question: str
    answers: List[_Answer]


class _BareQuestion(msgspec.Struct, gc=False, forbid_unknown_fields=True):
    """A v1.1-style question without its text (as in files written for scoring only)."""

    id: str
    answers: List[_Answer]


class _Question(msgspec.Struct, gc=False):
    id: str
    answers: List[_Answer]
    question: Union[str, UnsetType] = UNSET
    is_impossible: Union[bool, UnsetType] = UNSET  # SQuAD v2.0
    plausible_answers: Union[List[_Answer], UnsetType] = UNSET  # SQuAD v2.0, unanswerable questions


# The question types, strictest first. Each document is decoded with the first that fits: the
# strict ones hold a known number of strings per question, so the proof counts them without a
# pass over the questions (0.3 s at 1M); a question that does not fit (v2.0's is_impossible, a
# missing text) ends an attempt where it stands, usually at the file's first question.
_QUESTION_KINDS = (_QuestionWithText, _BareQuestion, _Question)
_Q = TypeVar("_Q", *_QUESTION_KINDS)


class _Paragraph(msgspec.Struct, Generic[_Q], gc=False):
    qas: List[_Q]
    context: Union[str, UnsetType] = UNSET


class _Article(msgspec.Struct, Generic[_Q], gc=False):
    paragraphs: List[_Paragraph[_Q]]
    title: Union[str, UnsetType] = UNSET


class _Document(msgspec.Struct, Generic[_Q], gc=False):
    data: List[_Article[_Q]]
    version: Union[str, UnsetType] = UNSET


_DECODERS = tuple(msgspec.json.Decoder(_Document[kind]) for kind in _QUESTION_KINDS)
_ANSWER_STRINGS = held_strings(_Answer, [_Answer("", 0)])  # every field of _Answer is required: each holds as many


@dataclasses.dataclass
class SquadColumns:
    """A data file's question ``ids``, each question's ``answers`` (texts), ``questions`` (each
    question's text or None; the column is None unless asked for), and ``every_key_once``: True
    when the decoded value is proven to hold every key of the file, so no object repeats one."""

    ids: list
    answers: list
    questions: Optional[list]
    every_key_once: bool


def squad_columns(body: bytes, *, questions: bool) -> Optional[SquadColumns]:
    """The :class:`SquadColumns` of ``body``, a SQuAD-format JSON text (UTF-8, no byte-order mark);
    None when it is not JSON of this layout."""
    document = _decoded(body)
    if document is None:
        return None
    articles = document.data
    paragraphs = [paragraph for article in articles for paragraph in article.paragraphs]
    qas = [qa for paragraph in paragraphs for qa in paragraph.qas]
    answers = [[answer.text for answer in qa.answers] for qa in qas]
    held_answers = sum(map(len, answers))
    kind = type(qas[0]) if qas else _BareQuestion
    if kind is _Question:
        held_answers += sum(len(qa.plausible_answers) for qa in qas if qa.plausible_answers is not UNSET)
    held = (held_strings(_Document, [document]) + held_strings(_Article, articles)
            + held_strings(_Paragraph, paragraphs) + held_strings(kind, qas) + _ANSWER_STRINGS * held_answers)
    del document, articles, paragraphs
    question_texts = None
    if questions:
        question_texts = ([None] * len(qas) if kind is _BareQuestion else
                          [None if qa.question is UNSET else qa.question for qa in qas])
    return SquadColumns(ids=[qa.id for qa in qas], answers=answers, questions=question_texts,
                        every_key_once=every_string_held(body, held))


def _decoded(body: bytes) -> Optional[_Document]:
    """``body`` decoded with the strictest question type that fits it; None when none does (a
    syntax error, another layout, nesting deeper than msgspec goes)."""
    for decoder in _DECODERS:
        try:
            return decoder.decode(body)
        except msgspec.ValidationError:
            continue
        except (msgspec.DecodeError, RecursionError):
            return None
    return None
