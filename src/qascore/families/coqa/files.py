"""CoQA's own files: the stories JSON (``{"data": [story, ...]}``) and ``[{"id", "turn_id", "answer"}]`` predictions.

Turns are paired as ``evaluate-v1.0.py`` pairs them: every turn of every story, in file
order, with its golds ``story["answers"][i]`` and ``story["additional_answers"][k][i]``
(``input_text``), looked up by ``(id, turn_id)`` exactly as given (a string ``"3"`` is not
turn 3). A turn without a prediction scores 0; predictions for unknown turns are ignored.
A prediction list that repeats an ``(id, turn_id)`` is an error unless
``duplicate_keys="last"``: then, as the script does, the last entry is used and the
repeats are counted in ``overridden``. A story id that occurs twice is an error likewise;
with ``"last"`` its later copy replaces the earlier one (the script's dicts).

Both files are decoded with msgspec into the fields read here only (stories' texts are
skipped, not built) when no object may repeat one of them (:mod:`qascore.files.fast_json`);
otherwise qascore's checked JSON reader reads them and names what is wrong.

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> story = {"id": "s1", "source": "race", "questions": [{"turn_id": 1}],
...          "answers": [{"turn_id": 1, "input_text": "yes"}], "additional_answers": {}}
>>> _ = (folder / "dev.json").write_text(json.dumps({"data": [story]}))
>>> _ = (folder / "pred.json").write_text(json.dumps([{"id": "s1", "turn_id": 1, "answer": "Yes"}]))
>>> predictions, references, ids, counts = read_files(folder / "dev.json", folder / "pred.json", None)
>>> predictions, references, ids
(['Yes'], [{'answers': ['yes'], 'source': 'race', 'id': 's1', 'turn_id': 1}], ['s1:1'])
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List, Optional, Union

import msgspec

from qascore.families.coqa.inputs import SOURCES
from qascore.files.fast_json import decode_typed, key_holders, keys_read_once
from qascore.files.readers import decode_text, parse_json, read_file_bytes

__all__ = ["read_files"]

_TurnId = Union[int, str, float]


class _Turn(msgspec.Struct):
    turn_id: _TurnId
    input_text: Any = msgspec.UNSET  # the question, not read: held only so that its key is counted


class _Answer(msgspec.Struct):
    input_text: str
    turn_id: Any = msgspec.UNSET  # not read: held only so that its key is counted


class _Story(msgspec.Struct):
    id: str
    source: str
    questions: List[_Turn]
    answers: List[_Answer]
    additional_answers: Union[Dict[str, List[_Answer]], msgspec.UnsetType] = msgspec.UNSET


class _Data(msgspec.Struct):
    data: List[_Story]


class _Prediction(msgspec.Struct):
    id: str
    turn_id: _TurnId
    answer: str


_DATA = msgspec.json.Decoder(_Data)
_PREDICTIONS = msgspec.json.Decoder(List[_Prediction])


def _decode_fast(raw: bytes, decoder: msgspec.json.Decoder, holders):
    """A file's bytes decoded by msgspec, or None when the checked reader must look: they do not
    decode, or ``holders(value)`` does not prove that no object repeats a key read
    (:func:`qascore.files.fast_json.keys_read_once`)."""
    decoded = decode_typed(raw, decoder)
    return decoded[1] if decoded is not None and keys_read_once(decoded[0], holders(decoded[1])) else None


def _decode_checked(raw: bytes, path, kind, layout: str, duplicate_keys: str, overridden: Optional[dict]):
    """A file read by qascore's checked JSON reader as ``kind``; a ValueError naming what is wrong
    (``layout`` says what the file should be)."""
    document = parse_json(decode_text(raw, path), path, duplicate_keys=duplicate_keys, overridden=overridden)
    try:
        return msgspec.convert(document, kind)
    except msgspec.ValidationError as error:
        raise ValueError(f"{path}: {error} ({layout})") from None


def _decode(path, decoder: msgspec.json.Decoder, holders, kind, layout: str, duplicate_keys: str,
            overridden: Optional[dict]):
    raw = read_file_bytes(path)
    decoded = _decode_fast(raw, decoder, holders)
    return _decode_checked(raw, path, kind, layout, duplicate_keys, overridden) if decoded is None else decoded


def _data_holders(data: _Data) -> Counter:
    stories = data.data
    answer_sets = [story.answers for story in stories]
    answer_sets.extend(answers for story in stories if story.additional_answers is not msgspec.UNSET
                       for answers in story.additional_answers.values())
    return (Counter(data=1) + key_holders(_Story, stories) + key_holders(_Turn, [turn for story in stories
                                                                            for turn in story.questions])
            + key_holders(_Answer, [answer for answers in answer_sets for answer in answers]))


def _predictions_holders(predictions: List[_Prediction]) -> dict:
    return dict.fromkeys(("id", "turn_id", "answer"), len(predictions))


def _gold_turns(data: _Data, path, duplicate_keys: str, overridden: Optional[dict]) -> Dict[tuple, dict]:
    """``{(story id, turn id): reference}`` in the script's order (a repeated key keeps its first place)."""
    turns: Dict[tuple, dict] = {}
    seen, source_of, replaced = set(), {}, 0
    for number, story in enumerate(data.data):
        if story.source not in SOURCES:
            raise ValueError(f"{path}: data[{number}].source is {story.source!r}; evaluate-v1.0.py knows the "
                             f"sources {', '.join(SOURCES)} (it fails on others)")
        if story.id in seen:
            if duplicate_keys == "error":
                raise ValueError(f"{path}: story id {story.id!r} occurs twice (again at data[{number}]); give each "
                                 "story its own id, or pass duplicate_keys='last' (--duplicate-keys last) to use the "
                                 "later story as evaluate-v1.0.py does")
            replaced += 1
        seen.add(story.id)
        source_of[story.id] = story.source
        additional = story.additional_answers
        answer_sets = [story.answers, *({} if additional is msgspec.UNSET else additional).values()]
        for index, question in enumerate(story.questions):
            if any(index >= len(answers) for answers in answer_sets):
                raise ValueError(f"{path}: data[{number}] (story {story.id!r}) has fewer answers than questions "
                                 "in one of its answer sets; give every question an answer in each set")
            turns[(story.id, question.turn_id)] = {
                "answers": [answers[index].input_text for answers in answer_sets], "source": story.source,
                "id": story.id, "turn_id": question.turn_id}
    for reference in turns.values():  # a repeated story takes the later copy's source, as the script's dict does
        reference["source"] = source_of[reference["id"]]
    if replaced and overridden is not None:
        overridden[str(path)] = overridden.get(str(path), 0) + replaced
    return turns


def _predicted(predictions: List[_Prediction], path, duplicate_keys: str,
               overridden: Optional[dict]) -> Dict[tuple, str]:
    answers: Dict[tuple, str] = {}
    for entry in predictions:
        key = (entry.id, entry.turn_id)
        if key in answers and duplicate_keys == "error":
            raise ValueError(f"{path}: story {key[0]!r} turn {key[1]!r} is predicted twice; predict each turn once, "
                             "or pass duplicate_keys='last' (--duplicate-keys last) to use the last as "
                             "evaluate-v1.0.py does")
        answers[key] = entry.answer
    if len(answers) < len(predictions) and overridden is not None:
        overridden[str(path)] = overridden.get(str(path), 0) + len(predictions) - len(answers)
    return answers


def read_files(data, predictions, options, *, duplicate_keys: str = "error", overridden: Optional[dict] = None):
    """``(predictions, references, ids, counts)``: every turn of ``data`` with its predicted answer
    (None when it has none) and its reference ``{"answers", "source", "id", "turn_id"}``."""
    gold = _decode(data, _DATA, _data_holders, _Data, "a CoQA data file is {'data': [story, ...]}", duplicate_keys,
                   overridden)
    turns = _gold_turns(gold, data, duplicate_keys, overridden)
    predicted = _decode(predictions, _PREDICTIONS, _predictions_holders, List[_Prediction],
                        "CoQA predictions are [{'id', 'turn_id', 'answer'}, ...]", duplicate_keys, overridden)
    answers = _predicted(predicted, predictions, duplicate_keys, overridden)
    paired = [answers.get(key) for key in turns]
    ids = [f"{story}:{turn}" for story, turn in turns]
    missing_ids = [name for name, answer in zip(ids, paired) if answer is None]
    extra_ids = [f"{story}:{turn}" for story, turn in answers if (story, turn) not in turns]
    counts = {"questions": len(ids), "predicted": len(ids) - len(missing_ids), "missing": len(missing_ids),
              "extra": len(extra_ids), "missing_ids": missing_ids, "extra_ids": extra_ids}
    return paired, list(turns.values()), ids, counts
