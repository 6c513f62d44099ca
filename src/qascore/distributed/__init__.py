"""Scoring beyond one process: the batch kernel (:func:`score_batch`), mergeable totals
(:class:`QATotals`) and an engine that runs them (:mod:`qascore.distributed.ray`, with
``pip install qascore[ray]``). Needs pyarrow (and pandas for DataFrames).
"""

from qascore.distributed.kernel import score_batch
from qascore.distributed.totals import QATotals

__all__ = ["score_batch", "QATotals"]
