"""From start/end logits of tokenised features back to one answer string per example.

Extractive QA models score every token as the start and the end of the answer. A long context is
cut into several overlapping features (the stride window), so an example's answer is the best span
over all of its features. For each feature the ``n_best`` highest start and end logits are paired;
spans that leave the context (offset ``None``), run backwards or exceed ``max_answer_length`` tokens
are skipped; a span scores ``start_logit + end_logit``. With unanswerable questions (SQuAD v2.0) the
null score is ``start_logit[cls] + end_logit[cls]``, the lowest over the example's features, and the
example gets ``""`` when it beats the best span by more than ``null_threshold``. This is the
post-processing of transformers' ``utils_qa.py`` example, written as a streaming accumulator.

>>> import numpy as np
>>> picker = SpanPicker(contexts=["Denver Broncos won"], feature_examples=[0],
...                     feature_offsets=[[None, (0, 6), (7, 14), (15, 18), None]])
>>> start, end = np.array([0., 5., 1., 0., 0.]), np.array([0., 1., 5., 0., 0.])
>>> picker.add([start], [end])
>>> picker.finish()
(['Denver Broncos'], None)
"""

import math

import numpy as np


def feature_spans(start_logits, end_logits, offsets, *, n_best, max_answer_length):
    """Candidate spans of one feature as ``(score, start_char, end_char)``, in utils_qa's search order.

    >>> feature_spans(np.array([1., 9., 2.]), np.array([1., 2., 9.]), [None, (0, 3), (4, 8)],
    ...               n_best=2, max_answer_length=5)
    [(18.0, 0, 8), (11.0, 0, 3)]
    """
    length = len(offsets)
    start_logits = np.asarray(start_logits, dtype=np.float64)[:length]
    end_logits = np.asarray(end_logits, dtype=np.float64)[:length]
    best_starts = np.argsort(start_logits, kind="stable")[::-1][:n_best]
    best_ends = np.argsort(end_logits, kind="stable")[::-1][:n_best]
    spans = []
    for start in best_starts:
        for end in best_ends:
            if offsets[start] is None or offsets[end] is None:
                continue
            if end < start or end - start + 1 > max_answer_length:
                continue
            spans.append((float(start_logits[start] + end_logits[end]), offsets[start][0], offsets[end][1]))
    spans.sort(key=lambda span: span[0], reverse=True)  # stable: ties keep search order
    return spans[:n_best]


def logit_rows(rows, name):
    """Return ``rows`` as a 2-D float64 array, one row of token logits per feature, or raise naming ``name``.

    >>> logit_rows([[0, 1.5]], "start_rows").dtype
    dtype('float64')
    >>> logit_rows(np.zeros((2, 3, 1)), "start_rows")
    Traceback (most recent call last):
    ...
    ValueError: start_rows must be shaped (features, tokens), one row of token logits per feature; got shape (2, 3, 1)
    """
    try:
        array = np.asarray(rows)
    except ValueError:  # rows of different lengths
        raise ValueError(f"{name} must be shaped (features, tokens); got rows of different lengths") from None
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be numbers shaped (features, tokens); got an array of dtype {array.dtype}, "
            "pass the model's start/end logits"
        )
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be shaped (features, tokens), one row of token logits per feature; got shape {array.shape}"
        )
    return array.astype(np.float64, copy=False)


def check_logits(rows, lengths, *, name, first_row):
    """Raise unless each row of ``rows`` covers its feature's ``lengths`` tokens with finite logits.

    Positions past a feature's length are padding (Trainer pads with ``-100``) and are not checked.
    Rows are numbered from ``first_row``, the feature position of the first one.
    """
    if not len(rows):
        return
    narrow = np.flatnonzero(lengths > rows.shape[1])
    if narrow.size:
        row = narrow[0]
        raise ValueError(
            f"{name}, row {first_row + row}, has {rows.shape[1]} token positions but its feature has "
            f"{lengths[row]} (the length of its offset_mapping); pass logits over every token of the features given"
        )
    width = lengths.max()
    bad = ~np.isfinite(rows[:, :width]) & (np.arange(width) < lengths[:, None])
    if bad.any():
        row, position = np.argwhere(bad)[0]
        raise ValueError(
            f"{name}, row {first_row + row}, holds {rows[row, position]} at token position {position}; logits "
            "must be finite, so check the model's outputs for NaN or overflow (under fp16, say)"
        )


class SpanPicker:
    """Accumulate feature logits in feature order; :meth:`finish` gives one answer per example.

    Args:
        contexts: the context of each example.
        feature_examples: for each feature, the position of its example in ``contexts``.
        feature_offsets: for each feature, the ``(start_char, end_char)`` of each token in the context,
            ``None`` for tokens outside it (question, special tokens, padding).
        n_best: how many top start and end positions to pair per feature.
        max_answer_length: the longest answer, in tokens.
        with_no_answer: allow ``""`` (SQuAD v2.0) and report no-answer probabilities.
        null_threshold: answer ``""`` when null score - best span score exceeds this.
        cls_index: the token whose start/end logits score "no answer".
    """

    def __init__(
        self,
        *,
        contexts,
        feature_examples,
        feature_offsets,
        n_best=20,
        max_answer_length=30,
        with_no_answer=False,
        null_threshold=0.0,
        cls_index=0,
    ):
        if len(feature_examples) != len(feature_offsets):
            raise ValueError(
                f"{len(feature_examples)} feature example ids but {len(feature_offsets)} offset mappings"
            )
        for name, value in (("n_best", n_best), ("max_answer_length", max_answer_length)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}")
        self.contexts = list(contexts)
        self.feature_examples = list(feature_examples)
        self.feature_offsets = list(feature_offsets)
        self.feature_lengths = np.array([len(offsets) for offsets in self.feature_offsets], dtype=np.int64)
        self.n_best = n_best
        self.max_answer_length = max_answer_length
        self.with_no_answer = with_no_answer
        self.null_threshold = float(null_threshold)
        self.cls_index = cls_index
        self.reset()

    def reset(self):
        """Forget the features added so far."""
        self.features_seen = 0
        self.best = [None] * len(self.contexts)  # (score, start_char, end_char) per example
        self.null = [math.inf] * len(self.contexts)

    def add(self, start_rows, end_rows, *, names=("start_rows", "end_rows")):
        """Add the logits of the next features (rows may carry ``-100`` padding past the offsets).

        Each row must be finite over its feature's offsets (:func:`check_logits`); errors call the two
        arguments by ``names``, so an adapter can name what its user passed.
        """
        start_rows, end_rows = logit_rows(start_rows, names[0]), logit_rows(end_rows, names[1])
        if len(start_rows) != len(end_rows):
            raise ValueError(
                f"{names[0]} has {len(start_rows)} rows but {names[1]} has {len(end_rows)}; give one row per feature"
            )
        if self.features_seen + len(start_rows) > len(self.feature_offsets):
            raise ValueError(
                f"got logits for {self.features_seen + len(start_rows)} features but features= has "
                f"{len(self.feature_offsets)}; pass the same tokenised features that are evaluated"
            )
        lengths = self.feature_lengths[self.features_seen : self.features_seen + len(start_rows)]
        for name, rows in zip(names, (start_rows, end_rows)):
            check_logits(rows, lengths, name=name, first_row=self.features_seen)
        for start_logits, end_logits in zip(start_rows, end_rows):
            position = self.features_seen
            example = self.feature_examples[position]
            spans = feature_spans(
                start_logits,
                end_logits,
                self.feature_offsets[position],
                n_best=self.n_best,
                max_answer_length=self.max_answer_length,
            )
            if spans and (self.best[example] is None or spans[0][0] > self.best[example][0]):
                self.best[example] = spans[0]
            null_score = float(start_logits[self.cls_index]) + float(end_logits[self.cls_index])
            self.null[example] = min(self.null[example], null_score)
            self.features_seen += 1

    def finish(self):
        """Return ``(answers, no_answer_probabilities)`` for every example and reset.

        ``no_answer_probabilities`` (only ``with_no_answer``) is the sigmoid of null score minus best
        span score, so the official v2.0 threshold search has a real score to sweep.
        """
        if self.features_seen != len(self.feature_offsets):
            seen = self.features_seen
            self.reset()
            raise ValueError(
                f"features= has {len(self.feature_offsets)} features but logits came for {seen}; "
                "evaluate exactly the features given to the adapter"
            )
        answers, probabilities = [], []
        for example, context in enumerate(self.contexts):
            best = self.best[example]
            text = "" if best is None else context[best[1] : best[2]]
            if self.with_no_answer:
                best_score = -math.inf if best is None else best[0]
                margin = self.null[example] - best_score
                if margin > self.null_threshold:
                    text = ""
                probabilities.append(_sigmoid(margin))
            answers.append(text)
        self.reset()
        return answers, (probabilities if self.with_no_answer else None)


def _sigmoid(value):
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value)) if value != math.inf else 1.0
    return math.exp(value) / (1.0 + math.exp(value)) if value != -math.inf else 0.0
