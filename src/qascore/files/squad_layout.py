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
does): :attr:`SquadColumns.every_key_once`. Without that proof the reader checks the file
with :func:`qascore.files.readers.check_json`, which names a repeat or counts it. A file that
does not fit the types (another answer layout, an id that is a number, a missing field)
gives None, and the reader takes the record-by-record path, which names the problem.

>>> columns = squad_columns(b'{"data": [{"paragraphs": [{"context": "...", "qas": [{"id": "q1", '
...                         b'"question": "Who?", "answers": [{"text": "Denver Broncos", "answer_start": 177}]}]}]}]}',
...                         questions=True)
>>> columns.ids, columns.answers, columns.questions, columns.every_key_once
(['q1'], [['Denver Broncos']], ['Who?'], True)
>>> squad_columns(b'{"data": [{"paragraphs": [{"qas": [{"id": "q1", "id": "q2", "answers": []}]}]}]}',
...               questions=False).every_key_once
False
>>> squad_columns(b'{"data": [{"paragraphs": [{"qas": [{"id": 7, "answers": []}]}]}]}', questions=False) is None
True
"""

import dataclasses
from operator import attrgetter
from typing import List, Optional, Union

import msgspec
from msgspec import UNSET, UnsetType

from qascore.files.fast_json import every_string_held, held_strings

__all__ = ["SquadColumns", "squad_columns"]


class _Answer(msgspec.Struct, gc=False):  # gc=False: nothing here can hold a cycle; the collector skips them
    text: str
    answer_start: int  # only its type is checked: another offset, or none, goes to the record path


class _Question(msgspec.Struct, gc=False):
    id: str
    answers: List[_Answer]
    question: Union[str, UnsetType] = UNSET
    is_impossible: Union[bool, UnsetType] = UNSET  # SQuAD v2.0
    plausible_answers: Union[List[_Answer], UnsetType] = UNSET  # SQuAD v2.0, unanswerable questions


class _Paragraph(msgspec.Struct, gc=False):
    qas: List[_Question]
    context: Union[str, UnsetType] = UNSET


class _Article(msgspec.Struct, gc=False):
    paragraphs: List[_Paragraph]
    title: Union[str, UnsetType] = UNSET


class _Document(msgspec.Struct, gc=False):
    data: List[_Article]
    version: Union[str, UnsetType] = UNSET


_DECODER = msgspec.json.Decoder(_Document)
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
    try:
        document = _DECODER.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):  # (nested deeper than msgspec goes)
        return None
    articles = document.data
    paragraphs = [paragraph for article in articles for paragraph in article.paragraphs]
    qas = [qa for paragraph in paragraphs for qa in paragraph.qas]
    answers = sum(map(len, map(attrgetter("answers"), qas)))
    plausible = [qa.plausible_answers for qa in qas if qa.plausible_answers is not UNSET]
    held = (held_strings(_Document, [document]) + held_strings(_Article, articles)
            + held_strings(_Paragraph, paragraphs) + held_strings(_Question, qas)
            + _ANSWER_STRINGS * (answers + sum(map(len, plausible))))
    del document, articles, paragraphs, plausible
    return SquadColumns(ids=[qa.id for qa in qas],
                        answers=[[answer.text for answer in qa.answers] for qa in qas],
                        questions=[None if qa.question is UNSET else qa.question for qa in qas] if questions else None,
                        every_key_once=every_string_held(body, held))
