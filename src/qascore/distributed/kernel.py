"""The batch kernel: from a table of predictions and gold answers to per-row scores.

:func:`score_batch` takes a ``pyarrow.Table`` / ``RecordBatch`` or a pandas ``DataFrame`` with
one row per question and gives one row of scores per question, the numbers
:func:`qascore.compute` adds up. It is what an engine runs on each batch (Ray Data's
``map_batches``, Spark's ``mapInArrow``), and what :class:`qascore.QATotals` adds up.

Input columns (rename them with ``columns={"prediction": "pred_text", ...}``):

- ``prediction`` (string): the predicted answer; null = no prediction for the question
  (scored 0 under ``missing="zero"``, counted as missing by :class:`qascore.QATotals`);
- ``answers``: the gold answers, a list of strings or SQuAD's ``{"text": [...], "answer_start": [...]}``;
  null = a prediction for a question without reference (counted as extra);
- optional ``id`` (string; needed to drop duplicate rows), ``no_answer_probability`` (float,
  squad_v2), ``input`` (the question or prompt: grounding and question types) and ``order``
  (integer: the prediction's place in the predictions file; tied no-answer scores are walked
  in that order, as the official v2.0 script walks them).

Output columns: ``exact`` and ``f1`` (0 to 1, before any no-answer threshold; null on extra
rows), ``has_answer`` (the question has a gold answer), ``answered`` (1 non-empty, 0 empty,
-1 no prediction), ``has_reference``, and, when given, ``id``, ``order``,
``no_answer_probability``, ``question_type`` and ``grounded`` (codes of
:mod:`qascore.scoring.question_types`).

>>> import pyarrow as pa
>>> batch = pa.table({"prediction": ["Denver Broncos", "the cat", None],
...                   "answers": [["Denver Broncos", "Broncos"], ["a cat"], ["Paris"]]})
>>> scores = score_batch(batch)
>>> scores.column("f1").to_pylist(), scores.column("answered").to_pylist()
([1.0, 1.0, 0.0], [1, 1, -1])
"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qascore.options import Options, check_option_names, make_options
from qascore.pairing import Examples
from qascore.presets import PRESETS
from qascore.scoring.results import score_aligned

__all__ = ["INPUT_COLUMNS", "score_batch", "score_table", "as_table", "column_names"]

#: The input columns the kernel reads; the first two are required.
INPUT_COLUMNS = ("prediction", "answers", "id", "no_answer_probability", "input", "order")


def column_names(columns: Optional[Dict[str, str]]) -> Dict[str, str]:
    """The kernel's column names with the user's renames (``{kernel name: batch's name}``) applied."""
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(INPUT_COLUMNS))
    if unknown:
        raise ValueError(f"columns= renames the kernel's input columns {', '.join(INPUT_COLUMNS)}; "
                         f"{unknown[0]!r} is not one of them.")
    if not all(isinstance(name, str) for name in columns.values()):
        raise TypeError("columns= maps kernel column names to the batch's column names, both strings.")
    return {name: columns.get(name, name) for name in INPUT_COLUMNS}


def as_table(batch) -> pa.Table:
    """A ``pyarrow.Table`` of ``batch`` (a Table, a RecordBatch or a pandas DataFrame)."""
    if isinstance(batch, pa.Table):
        return batch
    if isinstance(batch, pa.RecordBatch):
        return pa.Table.from_batches([batch])
    if type(batch).__name__ == "DataFrame" and type(batch).__module__.startswith("pandas"):
        return pa.Table.from_pandas(batch, preserve_index=False)
    raise TypeError(f"A batch must be a pyarrow Table or RecordBatch or a pandas DataFrame; got {type(batch).__name__}.")


def batch_options(preset: str, options: dict) -> Options:
    """The checked options of :func:`score_batch` and :class:`qascore.QATotals`: the SQuAD-style
    presets, without the opt-in lenient and extraction keys (a ValueError says what to use instead).

    >>> batch_options("drop", {})
    Traceback (most recent call last):
    ...
    ValueError: The batch kernel and QATotals score the SQuAD-style presets (squad, squad_v2, korquad, mlqa); preset 'drop' has rules of its own: score it with qascore.compute.
    """
    checked = make_options(preset, **check_option_names(options))
    if checked.preset.family is not None:
        squad_style = ", ".join(name for name, known in PRESETS.items() if known.family is None)
        raise ValueError(f"The batch kernel and QATotals score the SQuAD-style presets ({squad_style}); preset "
                         f"{checked.preset.name!r} has rules of its own: score it with qascore.compute.")
    if checked.adds_answer_keys:
        raise ValueError("lenient= and extract_answers= are not computed by the batch kernel and QATotals; "
                         "score with qascore.compute, or extract the answers before the batches are made.")
    return checked


def score_batch(batch, preset: str = "squad", *, columns: Optional[Dict[str, str]] = None, **options):
    """Per-row scores of ``batch`` under ``preset`` and ``options`` (those of :func:`qascore.compute`).

    Returns a pyarrow Table for pyarrow input and a pandas DataFrame for a DataFrame.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"prediction": ["", "Paris"], "answers": [[], ["Paris"]],
    ...                       "no_answer_probability": [0.9, 0.1]})
    >>> score_batch(frame, "squad_v2")[["exact", "f1", "has_answer"]]
       exact   f1  has_answer
    0    1.0  1.0       False
    1    1.0  1.0        True
    """
    scores = score_table(as_table(batch), batch_options(preset, options), column_names(columns))
    return scores if isinstance(batch, (pa.Table, pa.RecordBatch)) else scores.to_pandas()


def score_table(table: pa.Table, options: Options, names: Dict[str, str]) -> pa.Table:
    """:func:`score_batch` on a checked table, checked options and :func:`column_names`."""
    for name in ("prediction", "answers"):
        if names[name] not in table.column_names:
            raise ValueError(f"The batch has no {names[name]!r} column (columns: {', '.join(table.column_names)}); "
                             f"give it, or name yours with columns={{{name!r}: 'your_column'}}.")
    given = {name: table.column(names[name]) for name in INPUT_COLUMNS if names[name] in table.column_names}
    predictions = _strings(given["prediction"], names["prediction"])
    answers = _answer_lists(given["answers"], names["answers"])
    has_reference = np.fromiter((value is not None for value in answers), dtype=bool, count=len(answers))
    rows = np.flatnonzero(has_reference)
    no_answer = _optional_floats(given.get("no_answer_probability"), names["no_answer_probability"])
    inputs = None if "input" not in given else _strings(given["input"], names["input"])
    scored = score_aligned(Examples(
        predictions=[predictions[row] for row in rows],
        references=[answers[row] for row in rows],
        no_answer_probabilities=None if no_answer is None else [no_answer[row] for row in rows],
        inputs=None if inputs is None else [inputs[row] for row in rows],
    ), options)
    output = {}
    if "id" in given:
        output["id"] = _check_type(given["id"], names["id"], pa.types.is_string, pa.types.is_large_string, "strings")
    if "order" in given:
        output["order"] = _check_type(given["order"], names["order"], pa.types.is_integer, None, "integers")
    output["exact"] = _spread(scored.exact, rows, has_reference, np.float64)
    output["f1"] = _spread(scored.f1, rows, has_reference, np.float64)
    output["has_answer"] = _spread(scored.has_answer, rows, has_reference, np.bool_)
    answered = np.fromiter((-1 if text is None else bool(text) for text in predictions), np.int8, len(predictions))
    answered[rows] = np.frombuffer(scored.answered, dtype=np.int8)  # abstentions mapped to "" count as empty
    output["answered"] = pa.array(answered)
    output["has_reference"] = pa.array(has_reference)
    if no_answer is not None:
        output["no_answer_probability"] = pa.array(no_answer, pa.float64())
    if inputs is not None:
        output["question_type"] = _spread(scored.question_types, rows, has_reference, np.int8)
        output["grounded"] = _spread(scored.grounded, rows, has_reference, np.int8)
    return pa.table(output)


def _spread(values, rows: np.ndarray, has_reference: np.ndarray, dtype) -> pa.Array:
    """The scored rows' ``values`` at their places, null on the rows without a reference."""
    full = np.zeros(len(has_reference), dtype=dtype)
    full[rows] = np.frombuffer(values, dtype=np.int8 if dtype == np.bool_ else dtype) if len(rows) else []
    return pa.array(full, mask=~has_reference)


def _check_type(column, name: str, test, other_test, what: str):
    if not (test(column.type) or (other_test is not None and other_test(column.type)) or pa.types.is_null(column.type)):
        raise TypeError(f"Column {name!r} must hold {what}; it holds {column.type}.")
    return column


def _strings(column, name: str) -> list:
    """A string column as a list (None where null)."""
    return _check_type(column, name, pa.types.is_string, pa.types.is_large_string, "strings").to_pylist()


def _optional_floats(column, name: str) -> Optional[list]:
    """The no-answer scores as floats (None where null), or None when the column is absent."""
    if column is None:
        return None
    if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        raise TypeError(f"Column {name!r} must hold numbers (no-answer probabilities or scores); "
                        f"it holds {column.type}.")
    column = pc.cast(column, pa.float64())
    if pc.any(pc.is_nan(column)).as_py():
        raise ValueError(f"Column {name!r} holds NaN; give a real number (a probability or a logit-like score).")
    return column.to_pylist()


def _answer_lists(column, name: str) -> list:
    """The gold answers of each row as a list of strings (None where null)."""
    kind = column.type
    if pa.types.is_struct(kind):
        if kind.get_field_index("text") < 0:
            raise TypeError(f"Column {name!r} is a struct without a 'text' field; give SQuAD's "
                            "{'text': [...], 'answer_start': [...]} or a list of strings.")
        null = column.is_null()
        column = pc.if_else(null, pa.scalar(None, kind.field("text").type), pc.struct_field(column, "text"))
        kind = column.type
    if not ((pa.types.is_list(kind) or pa.types.is_large_list(kind))
            and (pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
                 or pa.types.is_null(kind.value_type))):
        raise TypeError(f"Column {name!r} must hold the gold answers as a list of strings (or SQuAD's "
                        f"{{'text': [...], 'answer_start': [...]}}); it holds {kind}.")
    if pc.list_flatten(column).null_count:
        raise ValueError(f"Column {name!r} holds a null gold answer inside a list; give strings (\"\" for an empty one).")
    return column.to_pylist()
