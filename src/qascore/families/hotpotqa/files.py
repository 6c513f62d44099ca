"""HotpotQA's own files: the dev JSON list and ``{"answer": {id: text}, "sp": {id: facts}}`` predictions.

Questions are paired as ``hotpot_evaluate_v1.py`` pairs them: every question of the data,
in file order, looked up by ``_id`` in the predictions' ``answer`` and ``sp`` objects; a
part without a prediction scores 0 (and so does the joint score), ids the data has not are
ignored. ``counts`` adds ``missing_answer`` and ``missing_sp`` (the questions lacking that
part); ``missing`` counts the questions lacking either. A reference is the part of the dev
record that the script reads: ``{"_id", "answer", "supporting_facts"}``.

The data file is decoded with msgspec into those three fields only (contexts are skipped,
not built) when no record may repeat one of them (:mod:`qascore.files.fast_json`);
otherwise, and for the predictions (whose keys are ids), qascore's checked JSON reader
reads it and names what is wrong.

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "dev.json").write_text(json.dumps([{"_id": "q1", "answer": "yes",
...                                                   "supporting_facts": [["Paris", 0]]}]))
>>> _ = (folder / "pred.json").write_text(json.dumps({"answer": {"q1": "Yes"}, "sp": {}}))
>>> predictions, references, ids, counts = read_files(folder / "dev.json", folder / "pred.json", None)
>>> predictions, counts["missing_sp"]
([{'answer': 'Yes', 'sp': None}], 1)
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

import msgspec

from qascore.files.fast_json import decode_typed, keys_read_once
from qascore.files.readers import decode_text, parse_json, read_file_bytes, read_json

__all__ = ["read_files"]

_Scalar = Union[str, int, float, bool, None]


class _Record(msgspec.Struct):
    _id: str = msgspec.field(name="_id")
    answer: str
    supporting_facts: List[List[_Scalar]]


_DATA = msgspec.json.Decoder(List[_Record])


def _decode_fast(raw: bytes) -> Optional[List[_Record]]:
    """The data file's records decoded by msgspec, or None when the checked reader must look."""
    decoded = decode_typed(raw, _DATA)
    if decoded is None:
        return None
    body, records = decoded
    count = len(records)
    return records if keys_read_once(body, {"_id": count, "answer": count, "supporting_facts": count}) else None


def _decode_checked(raw: bytes, path, duplicate_keys: str, overridden: Optional[dict]) -> List[_Record]:
    """The data file's records read by qascore's checked JSON reader; a ValueError naming what is wrong."""
    document = parse_json(decode_text(raw, path), path, duplicate_keys=duplicate_keys, overridden=overridden)
    if not isinstance(document, list):
        raise ValueError(f"{path}: a HotpotQA data file is a JSON list of questions {{'_id', 'answer', "
                         f"'supporting_facts', ...}}; got a JSON {type(document).__name__}")
    try:
        return msgspec.convert(document, List[_Record])
    except msgspec.ValidationError as error:
        raise ValueError(f"{path}: {error}") from None


def _records(path, duplicate_keys: str, overridden: Optional[dict]) -> List[dict]:
    """The data file's references ``{"_id", "answer", "supporting_facts"}``, in file order."""
    raw = read_file_bytes(path)
    records = _decode_fast(raw) or _decode_checked(raw, path, duplicate_keys, overridden)
    if duplicate_keys == "error":
        seen = set()
        for record in records:
            if record._id in seen:
                raise ValueError(f"{path}: question _id {record._id!r} occurs twice; give each question its own "
                                 "id, or pass duplicate_keys='last' (--duplicate-keys last) to score each occurrence "
                                 "as hotpot_evaluate_v1.py does")
            seen.add(record._id)
    return [{"_id": record._id, "answer": record.answer, "supporting_facts": record.supporting_facts}
            for record in records]


def _part(document: Dict[str, Any], name: str, path, kind) -> Dict[str, Any]:
    if name not in document or not isinstance(document[name], dict):
        raise ValueError(f"{path}: HotpotQA predictions are {{'answer': {{id: text}}, 'sp': {{id: facts}}}}; "
                         f"its {name!r} object is missing (hotpot_evaluate_v1.py fails without it)")
    try:
        msgspec.convert(document[name], Dict[str, kind])
    except msgspec.ValidationError:  # again, one id at a time, to name the one at fault
        for question_id, value in document[name].items():
            try:
                msgspec.convert(value, kind)
            except msgspec.ValidationError as error:
                raise ValueError(f"{path}: {name}[{question_id!r}]: {error}") from None
    return document[name]


def read_files(data, predictions, options, *, duplicate_keys: str = "error", overridden: Optional[dict] = None):
    """``(predictions, references, ids, counts)``: each question of ``data`` with its
    ``{"answer", "sp"}`` prediction (None parts where missing) and its reference (the dev
    record's ``_id``, ``answer`` and ``supporting_facts``)."""
    records = _records(data, duplicate_keys, overridden)
    document = read_json(predictions, duplicate_keys=duplicate_keys, overridden=overridden)
    if not isinstance(document, dict):
        raise ValueError(f"{predictions}: HotpotQA predictions are a JSON object {{'answer': ..., 'sp': ...}}; "
                         f"got a JSON {type(document).__name__}")
    answers = _part(document, "answer", predictions, str)
    facts = _part(document, "sp", predictions, List[List[_Scalar]])
    ids = [record["_id"] for record in records]
    paired = [{"answer": answers.get(question_id), "sp": facts.get(question_id)} for question_id in ids]
    known = set(ids)
    missing_answer = [question_id for question_id in ids if question_id not in answers]
    missing_sp = [question_id for question_id in ids if question_id not in facts]
    lacking = set(missing_answer) | set(missing_sp)
    missing_ids = [question_id for question_id in ids if question_id in lacking]
    extra_ids = [question_id for question_id in {**answers, **facts} if question_id not in known]
    counts = {"questions": len(ids), "predicted": sum(question_id in answers or question_id in facts for question_id
                                                      in ids),
              "missing": len(missing_ids), "extra": len(extra_ids), "missing_answer": len(missing_answer),
              "missing_sp": len(missing_sp), "missing_ids": missing_ids, "extra_ids": extra_ids}
    return paired, records, ids, counts
