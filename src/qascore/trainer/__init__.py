"""``compute_metrics`` for ``transformers.Trainer``: the generative adapter
(:class:`QAComputeMetrics`, :mod:`~qascore.trainer.generative`) and the start/end-logit adapter
(:class:`ExtractiveQAComputeMetrics`, :mod:`~qascore.trainer.extractive`). They only reshape the
model's outputs (:mod:`~qascore.trainer.outputs`, :mod:`~qascore.trainer.spans`) and hand strings
to the scorer (:mod:`~qascore.trainer.backend`).
"""

from qascore.trainer.extractive import ExtractiveQAComputeMetrics
from qascore.trainer.generative import QAComputeMetrics

__all__ = ["QAComputeMetrics", "ExtractiveQAComputeMetrics"]
