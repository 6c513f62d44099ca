"""Read the files of ``triviaqa_evaluation.py`` and pair them as it does.

The dataset file is TriviaQA's JSON (``{"Data", "Domain", "VerifiedEval", "Version"}``, keyed
as :mod:`.dataset` describes), the predictions file one JSON object ``{key: answer}``. A key
without a prediction scores 0 (``missing``); a prediction for another key is ignored
(``extra``) but counted in the script's ``pred_len``.

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

from typing import Optional

from qascore.families.triviaqa.dataset import keyed_ground_truths
from qascore.files.readers import check_duplicate_keys, read_json

__all__ = ["read_pairs"]


def read_pairs(data, predictions, *, domain: Optional[str] = None, verified_eval: Optional[bool] = None,
               duplicate_keys: str = "error", overridden: Optional[dict] = None) -> tuple:
    """``(predictions, ground truths, keys, counts)`` in the dataset's key order (None: no prediction).

    ``counts`` adds ``pred_len``, the script's count of every prediction in the file.
    """
    check_duplicate_keys(duplicate_keys)
    overridden = {} if overridden is None else overridden
    keyed = keyed_ground_truths(read_json(data, duplicate_keys=duplicate_keys, overridden=overridden),
                                source=str(data), domain=domain, verified_eval=verified_eval,
                                duplicate_keys=duplicate_keys, overridden=overridden)
    predicted = read_json(predictions, duplicate_keys=duplicate_keys, overridden=overridden)
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
