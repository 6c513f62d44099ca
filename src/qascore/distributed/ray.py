"""Scoring a Ray Data dataset: :func:`dataset_totals` (``pip install qascore[ray]``).

Each batch is scored where it lives (``map_batches`` with :class:`qascore.QATotals`, one small
pickled state per batch out) and the driver merges the states as they stream in
(``iter_batches``); no row reaches the driver, only one state (a few hundred bytes) per batch.
Merging there rather than with ``Dataset.aggregate`` is deliberate: Ray's hash aggregation
runs in actors that hold CPUs for the whole job, which on a 2-core machine left one core to
score. For the same reason the run switches off Ray Data's per-operator CPU reservation on
the dataset's context (``op_resource_reservation_enabled``): with it, the reading operator
kept a CPU reserved and the scoring tasks ran one at a time on 2 cores (measured: 2 workers
gave 1.01x the throughput of 1 at 10M rows); blocks are also capped at 16 MiB so the tasks
balance over the workers. The dataset's columns are those of
:func:`qascore.score_batch`.

>>> import ray, pyarrow as pa
>>> _ = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)  # doctest: +SKIP
>>> rows = ray.data.from_arrow(pa.table({"prediction": ["Paris", "Lyon"], "answers": [["Paris"], ["Rome"]]}))  # doctest: +SKIP
>>> dataset_totals(rows, "squad").compute()  # doctest: +SKIP
{'exact_match': 50.0, 'f1': 50.0}
"""

from __future__ import annotations

import pickle
from typing import Dict, Optional

import pyarrow as pa
import ray.data

from qascore.distributed.totals import QATotals

__all__ = ["dataset_totals"]

_STATE = "qascore_totals"  # the column holding each batch's pickled totals
# Blocks of at most this many bytes: many small scoring tasks balance over the workers (Ray's default
# 128 MiB gave a 500,000-row Parquet file one block, and the last big tasks ran alone).
_BLOCK_BYTES = 16 * 1024**2


def dataset_totals(dataset: "ray.data.Dataset", preset: str = "squad", *, drop_duplicate_ids: bool = False,
                   columns: Optional[Dict[str, str]] = None, batch_size: Optional[int] = 65536,
                   **options) -> QATotals:
    """The merged :class:`qascore.QATotals` of every row of ``dataset`` (call ``.compute()`` on it).

    ``preset``, ``drop_duplicate_ids``, ``columns`` and ``options`` are those of
    :class:`qascore.QATotals`; ``batch_size`` rows are scored at a time (bigger batches share
    more normalisation work; each worker holds one batch's text).
    """
    if not isinstance(dataset, ray.data.Dataset):
        raise TypeError(f"dataset must be a ray.data.Dataset (e.g. ray.data.read_parquet(...)); "
                        f"got {type(dataset).__name__}.")
    settings = dict(options, drop_duplicate_ids=drop_duplicate_ids, columns=columns)
    merged = QATotals(preset, **settings)  # checks the options here, on the driver, before any task runs
    dataset.context.op_resource_reservation_enabled = False  # every CPU may score (see the module's docstring)
    dataset.context.target_max_block_size = min(dataset.context.target_max_block_size, _BLOCK_BYTES)
    states = dataset.map_batches(_ScoreBatch(preset, settings), batch_format="pyarrow", batch_size=batch_size)
    for block in states.iter_batches(batch_format="pyarrow", batch_size=None):
        for state in block.column(_STATE).to_pylist():
            merged.merge(pickle.loads(state))
    return merged


class _ScoreBatch:
    """The ``map_batches`` function: one batch in, one row holding its pickled totals out."""

    def __init__(self, preset: str, settings: dict):
        self.preset, self.settings = preset, settings

    def __call__(self, batch: pa.Table) -> pa.Table:
        totals = QATotals(self.preset, **self.settings)
        totals.update(batch)
        return pa.table({_STATE: pa.array([pickle.dumps(totals)], pa.binary())})

