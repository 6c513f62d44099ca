"""DROP's own files: the passage JSON of the DROP release and ``{query_id: answer}`` predictions.

The data file is ``{passage_id: {"passage", "qa_pairs": [{"query_id", "question", "answer",
"validated_answers"?}, ...]}, ...}``; a prediction is a string (one span) or a list of
strings (several spans). Questions are paired as ``drop_eval.py`` pairs them: every question
of the data, in file order; one without a prediction scores 0 (``missing``), a prediction
for an id the data has not is ignored (``extra``).

Files are read strictly (:func:`qascore.files.readers.read_json`: regular UTF-8 files, a
repeated JSON key is an error unless ``duplicate_keys="last"``) and checked with msgspec
types, so a bad field is named by its JSON path.

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

from typing import Dict, List, Optional, Union

import msgspec

from qascore.files.readers import read_json

__all__ = ["read_files"]


class _Answer(msgspec.Struct, forbid_unknown_fields=True):
    number: Union[str, int, float, None] = None
    spans: Optional[List[str]] = None
    date: Optional[Dict[str, Union[str, int]]] = None  # its parts are needed only when the answer is a date


class _QAPair(msgspec.Struct):
    query_id: str
    answer: _Answer
    validated_answers: Optional[List[_Answer]] = None


class _Passage(msgspec.Struct):
    qa_pairs: List[_QAPair]


def _questions(data, path, duplicate_keys: str) -> List[dict]:
    """The ``qa_pairs`` records of the data file, in file order, each checked."""
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a DROP data file is a JSON object {{passage_id: {{'passage', 'qa_pairs'}}}}; "
                         f"got a JSON {type(data).__name__}")
    records, seen = [], set()
    for passage_id, passage in data.items():
        try:
            msgspec.convert(passage, _Passage)
        except msgspec.ValidationError as error:
            where = msgspec.json.encode(passage_id).decode()
            raise ValueError(f"{path}: {str(error).replace('$', f'$[{where}]', 1)}") from None
        for record in passage["qa_pairs"]:
            query_id = record["query_id"]
            if query_id in seen and duplicate_keys == "error":
                raise ValueError(f"{path}: query_id {query_id!r} occurs twice (again in passage {passage_id!r}); "
                                 "give each question its own id, or pass duplicate_keys='last' "
                                 "(--duplicate-keys last) to score each occurrence as drop_eval.py does")
            seen.add(query_id)
            records.append(record)
    return records


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
    records = _questions(read_json(data, duplicate_keys=duplicate_keys, overridden=overridden), data, duplicate_keys)
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
