"""Tokenise SQuAD-style examples into extractive features that Trainer evaluates *and* scores.

Two Trainer behaviours break the usual recipe, and the features made here avoid both:

- QA models' ``label_names`` are ``start_positions``/``end_positions``; evaluation features without
  them have no labels, and Trainer then never calls ``compute_metrics``. Here every feature gets
  its positions (the ``cls_index`` when the answer is not inside the window or there is none), so
  evaluation also reports a real loss.
- ``remove_unused_columns`` drops ``offset_mapping`` and ``example_id`` before the collator. The
  adapter (:meth:`qascore.trainer.QAComputeMetrics.for_extractive`) takes them from the same
  features object you pass as ``eval_dataset``, so nothing is lost.

Offsets outside the context are ``None``, which the span search reads as "not answerable here".

Usage (tests/trainer/test_trainer_extractive.py runs it with a real Trainer)::

    features = datasets.Dataset.from_dict(prepare_features(tokenizer, examples, max_length=384, stride=128))
"""

LABEL_COLUMNS = ("start_positions", "end_positions")


def prepare_features(tokenizer, examples, *, max_length=384, stride=128):
    """Return a dict of columns, one row per feature (several per long example).

    ``examples`` are SQuAD records ``{"id", "question", "context", "answers": {"text", "answer_start"}}``
    (a list or a ``datasets.Dataset``). Columns: the tokenizer's model inputs, ``start_positions``,
    ``end_positions``, ``example_id`` and ``offset_mapping``. Needs a fast tokenizer (offsets).
    """
    records = list(examples)
    if stride >= max_length:
        raise ValueError(f"stride ({stride}) must be smaller than max_length ({max_length})")
    encoded = tokenizer(
        [record["question"].lstrip() for record in records],
        [record["context"] for record in records],
        truncation="only_second",
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="max_length",
    )
    features = {name: [] for name in (*encoded.keys(), *LABEL_COLUMNS, "example_id")}
    features.pop("overflow_to_sample_mapping")
    for feature, example_index in enumerate(encoded["overflow_to_sample_mapping"]):
        record = records[example_index]
        sequence_ids = encoded.sequence_ids(feature)
        offsets = [
            tuple(offset) if sequence_id == 1 else None
            for offset, sequence_id in zip(encoded["offset_mapping"][feature], sequence_ids)
        ]
        input_ids = encoded["input_ids"][feature]
        cls_index = input_ids.index(tokenizer.cls_token_id) if tokenizer.cls_token_id in input_ids else 0
        start, end = _token_span(record, offsets, cls_index)
        for name in encoded.keys():
            if name not in ("overflow_to_sample_mapping", "offset_mapping"):
                features[name].append(encoded[name][feature])
        features["offset_mapping"].append(offsets)
        features["start_positions"].append(start)
        features["end_positions"].append(end)
        features["example_id"].append(str(record["id"]))
    return features


def _token_span(record, offsets, cls_index):
    """Token positions of the first gold answer in this window, or ``(cls_index, cls_index)``."""
    answers = record["answers"]
    if not answers["text"]:
        return cls_index, cls_index
    start_char = answers["answer_start"][0]
    end_char = start_char + len(answers["text"][0])
    inside = [index for index, offset in enumerate(offsets) if offset is not None]
    if not inside or offsets[inside[0]][0] > start_char or offsets[inside[-1]][1] < end_char:
        return cls_index, cls_index
    start = next(index for index in inside if offsets[index][1] > start_char)
    end = next(index for index in reversed(inside) if offsets[index][0] < end_char)
    return start, end
