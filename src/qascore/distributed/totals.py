"""Mergeable totals: add batches anywhere, merge the totals in any order, compute the figures.

:class:`QATotals` is what a distributed job keeps per worker: exact sums and counts
(:class:`qascore.scoring.results.RunningTotals` with ``exact=True``), so merging in any order
and grouping gives the same bits, within 1e-9 (in practice ~1e-12) of the official scripts'
left-to-right sums. Rows without a prediction (missing) or without a reference (extra) are
counted, and the options decide at :meth:`QATotals.compute` whether that is an error.

What the state keeps:

- By default a few numbers per reported figure (bounded, a few hundred bytes; pickle it or
  send it anywhere): every figure of squad, korquad and mlqa, and squad_v2's figures at its
  ``no_answer_threshold``, with the grounding rate and question types when inputs are given.
- squad_v2 with no-answer scores also reports the best thresholds, which need every row: the
  state then keeps 5 numbers per row (EM, F1, no-answer score, order, gold/prediction flags;
  no text) and :meth:`QATotals.compute` walks them once, as :func:`qascore.compute` does.
- ``drop_duplicate_ids=True`` (rows repeated by retried or padded batches) also keeps every
  row, with its id, and drops the repeats at :meth:`QATotals.compute`.
- Confidence intervals and per-example lists are refused: they need every row in order; run
  :func:`qascore.compute` (or collect :func:`qascore.score_batch`'s rows) for those.

>>> import pyarrow as pa
>>> left, right = QATotals("squad"), QATotals("squad")
>>> left.update(pa.table({"prediction": ["Paris"], "answers": [["Paris"]]}))
>>> right.update(pa.table({"prediction": ["Lyon", None], "answers": [["Rome"], ["Oslo"]]}))
>>> right.missing
1
>>> QATotals("squad", missing="zero").merge(left).merge(right).compute()
Traceback (most recent call last):
...
ValueError: Merged totals must have the same settings; got 'preset:squad|norm:squad|rules:v1.1|missing:zero|extra:error|version:0.1.0' and 'preset:squad|norm:squad|rules:v1.1|missing:error|extra:error|version:0.1.0'.
>>> left.merge(right).compute()
Traceback (most recent call last):
...
ValueError: 1 questions have no prediction (null prediction); predict every question, or pass missing='zero' to score them 0 as the official v1.1 script does.
>>> totals = QATotals("squad", missing="zero")
>>> totals.update(pa.table({"prediction": ["Paris", "Lyon", None], "answers": [["Paris"], ["Rome"], ["Oslo"]]}))
>>> totals.compute()
{'exact_match': 33.333333333333336, 'f1': 33.333333333333336}
"""

from __future__ import annotations

from array import array
from typing import Dict, Optional

import numpy as np
import pyarrow as pa

from qascore.distributed.kernel import as_table, batch_options, column_names, score_table
from qascore.scoring.results import RunningTotals, ScoredExamples, fold, summarize

__all__ = ["QATotals"]


class QATotals:
    """Mergeable, picklable totals of :func:`qascore.score_batch` rows (see the module docstring).

    ``update(batch)`` scores a batch (the columns of :func:`qascore.score_batch`),
    ``update_scores(scores)`` adds rows :func:`qascore.score_batch` already scored,
    ``merge(other)`` adds another worker's totals and ``compute()`` gives the results dict of
    :func:`qascore.compute` (same keys; figures equal to 1e-9). ``rows``, ``missing``,
    ``extra`` and ``duplicates`` count what was seen.

    >>> import pickle, pyarrow as pa
    >>> totals = QATotals("squad_v2", no_answer_threshold=0.5)
    >>> totals.update(pa.table({"prediction": ["", "Paris"], "answers": [[], ["Paris"]]}))
    >>> pickle.loads(pickle.dumps(totals)).compute()["exact"]
    100.0
    """

    def __init__(self, preset: str = "squad", *, drop_duplicate_ids: bool = False,
                 columns: Optional[Dict[str, str]] = None, **options):
        self.options = batch_options(preset, options)
        if self.options.confidence_level is not None or self.options.return_per_example:
            raise ValueError("QATotals cannot give confidence intervals or per-example lists: they need every row "
                             "in order. Score those with qascore.compute, or collect qascore.score_batch's rows.")
        if not isinstance(drop_duplicate_ids, bool):
            raise TypeError(f"drop_duplicate_ids must be True or False; got {drop_duplicate_ids!r}.")
        self.drop_duplicate_ids = drop_duplicate_ids
        self.names = column_names(columns)
        self.rows = self.missing = self.extra = 0
        self._totals = RunningTotals(exact=True)
        self._kept: Optional[Dict[str, list]] = None  # per-row columns, when the figures need every row
        self._inputs: Optional[Dict[str, bool]] = None  # which optional columns the rows carried

    @property
    def duplicates(self) -> int:
        """Rows whose id came earlier (with ``drop_duplicate_ids=True``; they are dropped at compute)."""
        if self._kept is None or not self.drop_duplicate_ids:
            return 0
        ids = np.concatenate(self._kept["id"]) if self._kept["id"] else np.array([], dtype=object)
        return len(ids) - len(np.unique(ids))

    def update(self, batch) -> None:
        """Score ``batch`` (a pyarrow Table/RecordBatch or pandas DataFrame) and add its rows."""
        self.update_scores(score_table(as_table(batch), self.options, self.names))

    def update_scores(self, scores) -> None:
        """Add rows of :func:`qascore.score_batch` (scored with the same preset and options)."""
        scores = as_table(scores)
        for name in ("exact", "f1", "has_answer", "answered", "has_reference"):
            if name not in scores.column_names:
                raise ValueError(f"Scores have no {name!r} column; give the rows qascore.score_batch returns.")
        carried = {name: name in scores.column_names for name in ("id", "order", "no_answer_probability", "input")}
        carried["input"] = "question_type" in scores.column_names
        if self.drop_duplicate_ids and not carried["id"]:
            raise ValueError("drop_duplicate_ids=True needs an 'id' column in every batch.")
        if carried["no_answer_probability"] and not self.options.preset.unanswerable:
            raise ValueError(f"No-answer probabilities were given but preset {self.options.preset.name!r} has no "
                             "unanswerable questions; use preset 'squad_v2'.")
        self._check_same_columns(carried)
        if not len(scores):
            return
        has_reference = scores.column("has_reference").to_numpy(zero_copy_only=False)
        answered = scores.column("answered").to_numpy()
        self.rows += len(scores)
        self.extra += int(np.count_nonzero(~has_reference))
        self.missing += int(np.count_nonzero(has_reference & (answered < 0)))
        kept = scores.filter(pa.array(has_reference))
        if self._keeps_rows():
            self._keep(kept)
        else:
            fold(self._totals, _scored(kept), self.options)

    def merge(self, other: "QATotals") -> "QATotals":
        """Add ``other``'s rows into these totals (same preset and options); returns ``self``."""
        if not isinstance(other, QATotals):
            raise TypeError(f"Can only merge QATotals with QATotals; got {type(other).__name__}.")
        if (self.options.signature(), self.drop_duplicate_ids) != (other.options.signature(), other.drop_duplicate_ids):
            raise ValueError(f"Merged totals must have the same settings; got {self.options.signature()!r} and "
                             f"{other.options.signature()!r}.")
        if other._inputs is not None:
            self._check_same_columns(other._inputs)
        self.rows += other.rows
        self.missing += other.missing
        self.extra += other.extra
        self._totals.merge(other._totals)
        if other._kept is not None:
            for name, chunks in other._kept.items():
                self._kept[name].extend(chunks)
        return self

    def compute(self) -> Dict[str, object]:
        """The results of everything added and merged, as :func:`qascore.compute` gives them.

        ValueError if rows were missing (``missing="error"``) or extra (``extra="error"``).
        """
        if self.missing and self.options.missing == "error":
            raise ValueError(f"{self.missing} questions have no prediction (null prediction); predict every question, "
                             "or pass missing='zero' to score them 0 as the official v1.1 script does.")
        if self.extra and self.options.extra == "error":
            raise ValueError(f"{self.extra} predictions have no reference (null answers); pass extra='ignore' to "
                             "leave them out, as the official scripts do.")
        scored = ScoredExamples.empty() if self._kept is None else self._kept_rows()
        return summarize(scored, self.options, self._totals.copy())

    def _keeps_rows(self) -> bool:
        return self.drop_duplicate_ids or (self.options.preset.unanswerable and self._inputs["no_answer_probability"])

    def _check_same_columns(self, carried: Dict[str, bool]) -> None:
        if self._inputs is None:
            self._inputs = carried
            if self._keeps_rows():
                self._kept = {name: [] for name in _KEPT}
            return
        for name, given in carried.items():
            if given != self._inputs[name]:
                raise ValueError(f"Column {name!r} was given with some batches but not others; give it with every batch.")

    def _keep(self, scores: pa.Table) -> None:
        for name in _KEPT:
            if name in scores.column_names:
                self._kept[name].append(scores.column(name).to_numpy(zero_copy_only=False))

    def _kept_rows(self) -> ScoredExamples:
        """Every kept row in one canonical order (by ``order``, else ``id``), repeats dropped."""
        columns = {name: np.concatenate(chunks) for name, chunks in self._kept.items() if chunks}
        if not columns:
            return ScoredExamples.empty()
        count = len(columns["exact"])
        if "order" in columns:
            canonical = np.argsort(columns["order"], kind="stable")
        elif "id" in columns:
            canonical = np.argsort(columns["id"].astype(str), kind="stable")
        else:
            canonical = np.arange(count)
        columns = {name: values[canonical] for name, values in columns.items()}
        if self.drop_duplicate_ids:
            columns = _without_repeats(columns)
        return _scored_from_arrays(columns)


# The per-row columns kept when the figures need every row (no text, except ids to drop repeats).
_KEPT = ("id", "order", "exact", "f1", "has_answer", "answered", "no_answer_probability", "question_type", "grounded")


def _without_repeats(columns: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """The first row of each id; a ValueError when two rows of one id scored differently."""
    ids = columns["id"].astype(str)
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    for name, values in columns.items():
        if name not in ("id", "order"):
            differ = values != values[first][inverse]
            if differ.any():
                id_ = str(ids[np.flatnonzero(differ)[0]])
                raise ValueError(f"Id {id_!r} comes more than once with different rows ({name} differs); "
                                 "drop_duplicate_ids drops repeats of one row, not different questions under one id.")
    keep = np.sort(first)
    return {name: values[keep] for name, values in columns.items()}


def _scored(scores: pa.Table) -> ScoredExamples:
    """A table of scored rows (all with a reference) as :class:`ScoredExamples`."""
    return _scored_from_arrays({name: scores.column(name).to_numpy(zero_copy_only=False)
                                for name in _KEPT if name in scores.column_names and name not in ("id", "order")})


def _scored_from_arrays(columns: Dict[str, np.ndarray]) -> ScoredExamples:
    scored = ScoredExamples(
        exact=array("d", columns["exact"].astype(np.float64).tobytes()),
        f1=array("d", columns["f1"].astype(np.float64).tobytes()),
        has_answer=array("b", columns["has_answer"].astype(np.int8).tobytes()),
        answered=array("b", columns["answered"].astype(np.int8).tobytes()),
    )
    if "no_answer_probability" in columns:
        scores = columns["no_answer_probability"].astype(np.float64)
        scored.no_answer_scores = array("d", np.where(np.isnan(scores), -np.inf, scores).tobytes())
    if "question_type" in columns:
        scored.question_types = array("b", columns["question_type"].astype(np.int8).tobytes())
        scored.grounded = array("b", columns["grounded"].astype(np.int8).tobytes())
    return scored
