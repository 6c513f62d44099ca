"""Read the files of ``triviaqa_evaluation.py`` and pair them as it does.

The dataset file is TriviaQA's JSON (``{"Data", "Domain", "VerifiedEval", "Version"}``, keyed
as :mod:`.dataset` describes), the predictions file one JSON object ``{key: answer}``. A key
without a prediction scores 0 (``missing``); a prediction for another key is ignored
(``extra``) but counted in the script's ``pred_len``.

The dataset file is decoded with msgspec into the fields the script reads only (questions,
aliases and documents' other fields are skipped, not built) when no object may repeat one of
them (:mod:`qascore.files.fast_json`); otherwise qascore's checked JSON reader reads it and
names what is wrong. The predictions are read as the official SQuAD predictions are
(:func:`qascore.files.readers.read_text_map`).

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "data.json").write_text(json.dumps({"Domain": "Wikipedia", "VerifiedEval": False,
...     "Version": 1.0, "Data": [{"QuestionId": "q1", "Answer": {"NormalizedAliases": ["paris"]}}]}))
>>> _ = (folder / "predictions.json").write_text(json.dumps({"q1": "Paris", "q9": "Rome"}))
>>> predictions, references, ids, counts = read_pairs(folder / "data.json", folder / "predictions.json")
>>> predictions, references, counts["extra"], counts["pred_len"]
(['Paris'], [['paris']], 1, 2)
"""

from __future__ import annotations

from typing import List, Optional, Union

import msgspec

from qascore.families.triviaqa.dataset import keyed_ground_truths
from qascore.files.fast_json import decode_typed, key_holders, keys_read_once
from qascore.files.readers import check_duplicate_keys, decode_text, parse_json, read_file_bytes, read_text_map

__all__ = ["read_pairs"]

_Unset = msgspec.UnsetType


class _Page(msgspec.Struct):  # UNSET: the object has not the key
    Filename: Union[str, _Unset] = msgspec.UNSET
    DocPartOfVerifiedEval: Union[bool, _Unset] = msgspec.UNSET


class _Answer(msgspec.Struct):
    NormalizedAliases: List[str]
    HumanAnswers: Union[List[str], _Unset] = msgspec.UNSET


class _Question(msgspec.Struct):  # what a Wikipedia, not verified, dataset's question is read for
    QuestionId: str
    Answer: _Answer


class _Datum(_Question):
    QuestionPartOfVerifiedEval: Union[bool, _Unset] = msgspec.UNSET
    EntityPages: Union[List[_Page], _Unset] = msgspec.UNSET
    SearchResults: Union[List[_Page], _Unset] = msgspec.UNSET


class _Dataset(msgspec.Struct):
    Data: List[_Datum]
    Domain: str
    VerifiedEval: bool
    Version: Union[str, int, float, bool, None, _Unset] = msgspec.UNSET


class _WikipediaDataset(_Dataset):  # its documents are not read: skipped, not built
    Data: List[_Question]


_DATASETS = (msgspec.json.Decoder(_WikipediaDataset), msgspec.json.Decoder(_Dataset))


def _decode_fast(raw: bytes) -> Optional[dict]:
    """The dataset's fields that the script reads, decoded by msgspec (as the dicts the checked
    reader would give, less the other keys), or None when the checked reader must look.

    A Wikipedia dataset that is not the verified evaluation is keyed by QuestionId alone: its
    questions' documents and verified flags are skipped; any other dataset is decoded again
    with them."""
    for decoder in _DATASETS:
        decoded = decode_typed(raw, decoder)
        if decoded is None:
            return None
        body, dataset = decoded
        if dataset.Domain == "Wikipedia" and not dataset.VerifiedEval or type(dataset) is _Dataset:
            break
    data, every_field = dataset.Data, type(dataset) is _Dataset
    holders = (key_holders(_Dataset, [dataset]) + key_holders(_Datum if every_field else _Question, data)
               + key_holders(_Answer, [datum.Answer for datum in data]))
    if every_field:
        holders += key_holders(_Page, [page for datum in data for kind in (datum.EntityPages, datum.SearchResults)
                                       if kind for page in kind])
    return msgspec.to_builtins(dataset) if keys_read_once(body, holders) else None


def _read_dataset(path, duplicate_keys: str, overridden: dict):
    raw = read_file_bytes(path)
    dataset = _decode_fast(raw)
    if dataset is None:
        dataset = parse_json(decode_text(raw, path), path, duplicate_keys=duplicate_keys, overridden=overridden)
    return dataset


def read_pairs(data, predictions, *, domain: Optional[str] = None, verified_eval: Optional[bool] = None,
               duplicate_keys: str = "error", overridden: Optional[dict] = None) -> tuple:
    """``(predictions, ground truths, keys, counts)`` in the dataset's key order (None: no prediction).

    ``counts`` adds ``pred_len``, the script's count of every prediction in the file.
    """
    check_duplicate_keys(duplicate_keys)
    overridden = {} if overridden is None else overridden
    keyed = keyed_ground_truths(_read_dataset(data, duplicate_keys, overridden),
                                source=str(data), domain=domain, verified_eval=verified_eval,
                                duplicate_keys=duplicate_keys, overridden=overridden)
    predicted = read_text_map(predictions, duplicate_keys=duplicate_keys, overridden=overridden)
    if not isinstance(predicted, dict):
        raise ValueError(f"{predictions}: TriviaQA predictions are one JSON object {{key: answer}}; "
                         f"got a JSON {type(predicted).__name__}")
    for key, value in predicted.items():
        if not isinstance(value, str):
            raise ValueError(f"{predictions}: the prediction for {key!r} must be a string; got {value!r:.60}")
    keys = list(keyed)
    paired = [predicted.get(key) for key in keys]
    missing_ids = [key for key, prediction in zip(keys, paired) if prediction is None]
    extra_ids = [key for key in predicted if key not in keyed]
    counts = {"questions": len(keys), "predicted": len(keys) - len(missing_ids), "missing": len(missing_ids),
              "extra": len(extra_ids), "missing_ids": missing_ids, "extra_ids": extra_ids,
              "pred_len": len(predicted)}
    return paired, [keyed[key] for key in keys], keys, counts
