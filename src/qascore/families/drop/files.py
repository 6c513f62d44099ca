"""DROP's own files: the passage JSON of the DROP release and ``{query_id: answer}`` predictions.

The data file is ``{passage_id: {"passage", "qa_pairs": [{"query_id", "question", "answer",
"validated_answers"?}, ...]}, ...}``; a prediction is a string (one span) or a list of
strings (several spans). Questions are paired as ``drop_eval.py`` pairs them: every question
of the data, in file order; one without a prediction scores 0 (``missing``), a prediction
for an id the data has not is ignored (``extra``).

Files are read strictly (regular UTF-8 files, a repeated JSON key is an error unless
``duplicate_keys="last"``) and checked with msgspec types, so a bad field is named by its
JSON path. A reference is the part of a ``qa_pairs`` record that the script reads:
``{"query_id", "answer", "validated_answers"?}``. The data file is decoded with msgspec into
those fields only (passages and questions are skipped, not built) when no object may repeat
one of them (:mod:`qascore.families.fast_json`; a repeated passage id would add a second
``"qa_pairs"``); otherwise, and for the predictions (whose keys are ids), qascore's checked
JSON reader (:func:`qascore.files.readers.read_json`) reads it and names what is wrong.

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> answer = {"number": "3", "spans": [], "date": {"day": "", "month": "", "year": ""}}
>>> _ = (folder / "dev.json").write_text(json.dumps({"p1": {"passage": "...", "qa_pairs": [
...     {"query_id": "q1", "question": "How many?", "answer": answer}]}}))
>>> _ = (folder / "preds.json").write_text(json.dumps({"q1": "3", "q9": ["x"]}))
>>> predictions, references, ids, counts = read_files(folder / "dev.json", folder / "preds.json", None)
>>> predictions, ids, counts["missing"], counts["extra_ids"]
(['3'], ['q1'], 0, ['q9'])
"""

from __future__ import annotations

from collections import Counter
from itertools import chain
from typing import Dict, Iterable, List, Optional, Tuple, Union

import msgspec

from qascore.families.fast_json import decode_typed, key_holders, keys_read_once
from qascore.files.readers import decode_text, parse_json, read_file_bytes, read_json

__all__ = ["read_files"]


_Unset = msgspec.UnsetType


class _Answer(msgspec.Struct, forbid_unknown_fields=True):  # UNSET: the object has not the key
    number: Union[str, int, float, None, _Unset] = msgspec.UNSET
    spans: Union[List[str], None, _Unset] = msgspec.UNSET
    date: Union[Dict[str, Union[str, int]], None, _Unset] = msgspec.UNSET  # its parts are read only for a date


class _QAPair(msgspec.Struct):
    query_id: str
    answer: _Answer
    validated_answers: Union[List[_Answer], None, _Unset] = msgspec.UNSET


class _Passage(msgspec.Struct):
    qa_pairs: List[_QAPair]


_DATA = msgspec.json.Decoder(Dict[str, _Passage])


def _decode_fast(raw: bytes) -> Optional[Dict[str, _Passage]]:
    """The data file's passages decoded by msgspec, or None when the checked reader must look."""
    decoded = decode_typed(raw, _DATA)
    if decoded is None:
        return None
    body, passages = decoded
    pairs = [pair for passage in passages.values() for pair in passage.qa_pairs]
    answers = [pair.answer for pair in pairs]
    answers.extend(chain.from_iterable(pair.validated_answers for pair in pairs if pair.validated_answers))
    # each passage object holds "qa_pairs": one count more than passages when a passage id repeats
    holders = (Counter(qa_pairs=len(passages)) + key_holders(_QAPair, pairs) + key_holders(_Answer, answers)
               + Counter(chain.from_iterable(answer.date for answer in answers if answer.date)))
    return passages if keys_read_once(body, holders) else None


def _passages_checked(data, path) -> Iterable[Tuple[str, _Passage]]:
    """``(passage id, passage)`` of a data file parsed by the checked JSON reader, each checked in turn."""
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a DROP data file is a JSON object {{passage_id: {{'passage', 'qa_pairs'}}}}; "
                         f"got a JSON {type(data).__name__}")
    for passage_id, passage in data.items():
        try:
            yield passage_id, msgspec.convert(passage, _Passage)
        except msgspec.ValidationError as error:
            where = msgspec.json.encode(passage_id).decode()
            raise ValueError(f"{path}: {str(error).replace('$', f'$[{where}]', 1)}") from None


def _questions(path, duplicate_keys: str, overridden: Optional[dict]) -> List[dict]:
    """The references of the data file's ``qa_pairs`` records, in file order, each checked."""
    raw = read_file_bytes(path)
    passages = _decode_fast(raw)
    if passages is None:
        data = parse_json(decode_text(raw, path), path, duplicate_keys=duplicate_keys, overridden=overridden)
        passages = _passages_checked(data, path)
    else:
        passages = passages.items()
    pairs, seen = [], set()
    for passage_id, passage in passages:
        for pair in passage.qa_pairs:
            query_id = pair.query_id
            if query_id in seen and duplicate_keys == "error":
                raise ValueError(f"{path}: query_id {query_id!r} occurs twice (again in passage {passage_id!r}); "
                                 "give each question its own id, or pass duplicate_keys='last' "
                                 "(--duplicate-keys last) to score each occurrence as drop_eval.py does")
            seen.add(query_id)
        pairs.extend(passage.qa_pairs)
    return msgspec.to_builtins(pairs)  # the keys each object held (UNSET fields are left out)


def _predictions(document, path) -> Dict[str, Union[str, list]]:
    if not isinstance(document, dict):
        raise ValueError(f"{path}: DROP predictions are a JSON object {{query_id: answer}}; "
                         f"got a JSON {type(document).__name__}")
    for query_id, answer in document.items():
        if not (isinstance(answer, str) or isinstance(answer, list) and all(isinstance(span, str) for span in answer)):
            raise ValueError(f"{path}: the prediction for {query_id!r} must be a string or a list of strings "
                             f"(spans); got {answer!r:.60}")
    return document


def read_files(data, predictions, options, *, duplicate_keys: str = "error", overridden: Optional[dict] = None):
    """``(predictions, references, ids, counts)``: each question of ``data`` with its prediction
    (None when it has none) and its ``qa_pairs`` record, paired as drop_eval.py pairs them."""
    records = _questions(data, duplicate_keys, overridden)
    predicted = _predictions(read_json(predictions, duplicate_keys=duplicate_keys, overridden=overridden),
                             predictions)
    ids = [record["query_id"] for record in records]
    paired = [predicted.get(query_id) for query_id in ids]
    known = set(ids)
    missing_ids = [query_id for query_id, answer in zip(ids, paired) if answer is None]
    extra_ids = [query_id for query_id in predicted if query_id not in known]
    counts = {"questions": len(ids), "predicted": len(ids) - len(missing_ids), "missing": len(missing_ids),
              "extra": len(extra_ids), "missing_ids": missing_ids, "extra_ids": extra_ids}
    return paired, records, ids, counts
