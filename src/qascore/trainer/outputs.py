"""Turn what ``transformers.Trainer`` hands to ``compute_metrics`` into token-id rows and text.

Trainer gives predictions and labels in many shapes: numpy arrays after a normal evaluation, torch
tensors on the device (bf16 too) in ``batch_eval_metrics`` mode, tuples (a seq2seq model run without
``generate`` returns ``(logits, encoder states)``), lists of per-batch arrays when
``eval_do_concat_batches=False``, logits ``N x L x V`` instead of ids, and rows padded with the pad id
within a batch and with ``-100`` across batches and processes. This module reduces all of that to one
form: a list of 1-D integer arrays, one per example, with no padding left.

>>> import numpy as np
>>> rows = token_rows(np.array([[5, 6, 0, -100], [7, 0, 0, 0]]), pad_token_id=0)
>>> [row.tolist() for row in rows]
[[5, 6], [7]]
>>> logits = np.zeros((1, 2, 4)); logits[0, 0, 3] = logits[0, 1, 2] = 1.0
>>> [row.tolist() for row in token_rows((logits, np.zeros((1, 5))), pad_token_id=0)]
[[3, 2]]
"""

import numbers

import numpy as np

IGNORE_INDEX = -100
"""The value Trainer and the data collators use for "no token here" in labels and when padding."""


def to_numpy(array):
    """Return ``array`` as a numpy array; torch tensors may live on any device and be bf16/fp16.

    >>> to_numpy([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if hasattr(array, "detach") and hasattr(array, "cpu"):  # a torch tensor, without importing torch
        array = array.detach()
        if array.is_floating_point():
            array = array.float()  # numpy has no bfloat16
        return array.cpu().numpy()
    return np.asarray(array)


def split_batches(value):
    """Return the list of per-batch values in ``value``.

    ``eval_do_concat_batches=False`` makes Trainer pass a list with one entry per evaluation batch;
    otherwise everything arrives as one batch. A plain list of token rows is one batch too.

    >>> len(split_batches([np.zeros((2, 3)), np.zeros((1, 4))]))
    2
    >>> len(split_batches([[1, 2], [3]]))
    1
    """
    if isinstance(value, list) and value and _is_batch(value[0]):
        return value
    return [value]


def _is_batch(item):
    if isinstance(item, tuple):
        return True
    return hasattr(item, "shape") and len(item.shape) >= 2


def first_output(value):
    """Return the first array of a (possibly nested) tuple of model outputs.

    Seq2seq models evaluated without ``generate`` return ``(logits, encoder_last_hidden_state, ...)``;
    the logits come first.

    >>> first_output((np.zeros((1, 2, 3)), np.ones((1, 4, 8)))).shape
    (1, 2, 3)
    """
    while isinstance(value, (tuple, list)) and value and not np.isscalar(value[0]) and _is_batch(value[0]):
        value = value[0]
    return value


def is_logits(array):
    """True when ``array`` holds scores over a vocabulary (floating point, at least 3-D) rather than ids."""
    if hasattr(array, "is_floating_point"):
        return array.is_floating_point() and array.dim() >= 3
    if isinstance(array, list):
        return False  # Python lists here are token rows
    array = np.asarray(array)
    return np.issubdtype(array.dtype, np.floating) and array.ndim >= 3


def logits_to_ids(logits, labels=None, *, shift=False):
    """Greedy token ids from logits, masked to the positions that carry a label.

    Works on torch tensors (staying on their device) and numpy arrays alike. ``labels`` with the same
    ``N x L`` shape mask positions whose label is ``-100`` to ``-100``, so only the answer positions of
    teacher-forced predictions survive. ``shift=True`` is for decoder-only models, whose logits at
    position ``t`` predict the token at ``t + 1``.

    >>> logits = np.eye(4)[[[1, 2, 3]]]          # 1 x 3 x 4, argmax 1, 2, 3
    >>> logits_to_ids(logits, np.array([[-100, 5, 5]])).tolist()
    [[-100, 2, 3]]
    >>> logits_to_ids(logits, np.array([[-100, 5, 5]]), shift=True).tolist()
    [[-100, 1, 2]]
    """
    ids = logits.argmax(-1)
    if shift:
        ids = _shift_right(ids)
    if labels is not None and tuple(labels.shape) == tuple(ids.shape):
        ids = ids * (labels != IGNORE_INDEX) + IGNORE_INDEX * (labels == IGNORE_INDEX)
    return ids


def _shift_right(ids):
    if hasattr(ids, "roll"):  # torch
        shifted = ids.roll(1, dims=-1)
    else:
        shifted = np.roll(ids, 1, axis=-1)
    shifted[..., 0] = IGNORE_INDEX
    return shifted


def token_rows(value, *, pad_token_id, labels=None, shift_logits=False, vocab_size=None, name="token ids",
               first_row=0):
    """Return one 1-D int64 array per example, with ``-100`` and ``pad_token_id`` removed.

    ``value`` is anything Trainer may pass as predictions, labels or inputs (see the module docstring).
    Logits are reduced with :func:`logits_to_ids`, masked with ``labels`` when given (rows from
    ``token_rows`` cannot be used for that; pass the raw label array). Every id is checked with
    :func:`check_token_ids` (``vocab_size``, ``name`` and ``first_row`` are for that check): a tokenizer
    would silently skip ids past its vocabulary and overflow on negative ones.

    >>> [r.tolist() for r in token_rows([[4, 0, -100], [5]], pad_token_id=0)]
    [[4], [5]]
    """
    value_batches = split_batches(value)
    label_batches = split_batches(labels) if labels is not None else [None] * len(value_batches)
    if len(label_batches) != len(value_batches):
        raise ValueError(
            f"predictions come in {len(value_batches)} batches but labels in {len(label_batches)}; "
            "pass both exactly as Trainer gives them"
        )
    rows = []
    for batch, batch_labels in zip(value_batches, label_batches):
        batch = first_output(batch)
        if is_logits(batch):
            label_array = None if batch_labels is None else to_numpy(first_output(batch_labels))
            batch = logits_to_ids(to_numpy(batch), label_array, shift=shift_logits)
        if isinstance(batch, list):  # Python lists, possibly ragged: one array per row
            arrays = [np.asarray(row)[None, :] for row in batch]
        else:
            arrays = [_id_matrix(to_numpy(batch))]
        for array in arrays:
            array = check_token_ids(
                array, pad_token_id=pad_token_id, vocab_size=vocab_size, name=name, first_row=first_row + len(rows)
            )
            rows.extend(row[(row != IGNORE_INDEX) & (row != pad_token_id)] for row in array)
    return rows


def _id_matrix(array):
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(
            f"expected token ids shaped (examples, tokens) or logits (examples, tokens, vocabulary), "
            f"got an array of shape {array.shape}"
        )
    return array


def check_token_ids(array, *, pad_token_id, vocab_size=None, name="token ids", first_row=0):
    """Return the 2-D ``array`` of token ids as int64, or raise naming the first bad row and position.

    Ids must be integers in ``0 .. vocab_size - 1`` (any int64 when ``vocab_size`` is ``None``), or
    ``-100`` / ``pad_token_id`` (padding). Rows are numbered from ``first_row``, so an error in a later
    ``batch_eval_metrics`` step names the row of the whole evaluation.

    >>> check_token_ids(np.array([[5, -100, 0]]), pad_token_id=0, vocab_size=8).tolist()
    [[5, -100, 0]]
    >>> check_token_ids(np.array([[5, 9]]), pad_token_id=0, vocab_size=8, name="predictions", first_row=3)
    Traceback (most recent call last):
    ...
    ValueError: predictions row 3, position 1 holds the token id 9, outside the tokenizer's vocabulary
    (ids 0 to 7); ...
    """
    if array.dtype == object:
        array = np.asarray(array.tolist())  # numpy finds the elements' type; ints past int64 stay objects
    integer_objects = array.dtype == object and all(isinstance(value, numbers.Integral) for value in array.flat)
    if array.dtype.kind not in "iuf" and not integer_objects:
        raise TypeError(
            f"{name} must be integer token ids shaped (examples, tokens) or float logits shaped (examples, "
            f"tokens, vocabulary); got an array of dtype {array.dtype}, so pass the model's output ids (strings "
            "are scored with qascore.compute)"
        )
    if array.dtype.kind == "f":
        fractional = np.mod(array, 1) != 0  # NaN and infinities too
        if fractional.any():
            row, position = np.argwhere(fractional)[0]
            raise TypeError(
                f"{name} row {first_row + row}, position {position} holds {array[row, position]}, which is "
                "fractional, not an integer token id; pass logits as (examples, tokens, vocabulary) or use "
                "preprocess_logits"
            )
    limit = vocab_size if vocab_size is not None else 2**63
    bad = ((array < 0) | (array >= limit)) & (array != IGNORE_INDEX) & (array != pad_token_id)
    if bad.any():
        row, position = np.argwhere(bad)[0]
        value = array[row, position]
        value = int(value) if array.dtype.kind in "iuO" else value
        vocabulary = "the tokenizer's vocabulary" if vocab_size is not None else "the int64 range"
        raise ValueError(
            f"{name} row {first_row + row}, position {position} holds the token id {value}, outside "
            f"{vocabulary} (ids 0 to {limit - 1}); check that the model's vocabulary size matches "
            "len(tokenizer) and pad with -100 or the pad id"
        )
    return array.astype(np.int64)


def strip_prompt(row, prompt):
    """Remove the echoed ``prompt`` from the front of a decoder-only generation ``row``.

    Rows that do not start with the prompt (teacher-forced predictions, say) come back unchanged.

    >>> strip_prompt(np.array([1, 2, 3, 9]), np.array([1, 2, 3])).tolist()
    [9]
    >>> strip_prompt(np.array([4, 9]), np.array([1, 2])).tolist()
    [4, 9]
    """
    if len(prompt) and len(row) >= len(prompt) and np.array_equal(row[: len(prompt)], prompt):
        return row[len(prompt):]
    return row


def unpack_eval_prediction(eval_pred):
    """Return ``(predictions, label_ids, inputs)`` from an ``EvalPrediction`` or a plain tuple.

    Attributes are read, never unpacked: ``EvalPrediction`` grows to three or four elements once
    ``include_for_metrics`` is set, which breaks ``preds, labels = eval_pred``.

    >>> unpack_eval_prediction(([[1]], [[2]]))
    ([[1]], [[2]], None)
    """
    if hasattr(eval_pred, "predictions") and hasattr(eval_pred, "label_ids"):
        return eval_pred.predictions, eval_pred.label_ids, getattr(eval_pred, "inputs", None)
    if isinstance(eval_pred, (tuple, list)) and len(eval_pred) in (2, 3):
        return eval_pred[0], eval_pred[1], (eval_pred[2] if len(eval_pred) == 3 else None)
    raise TypeError(
        "compute_metrics expects a transformers EvalPrediction (or a (predictions, label_ids[, inputs]) tuple); "
        f"got {type(eval_pred).__name__}"
    )
