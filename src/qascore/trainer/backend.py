"""The scorer behind the Trainer adapters: qascore's own :class:`~qascore.QAScorer` or an evaluate module.

Both take the same decoded strings batch by batch and give the same numbers; the adapters never
score anything themselves.

>>> backend = MetricBackend(None, preset="squad", options={})
>>> backend.add_batch(predictions=["Paris"], references=[["Paris", "the city of Paris"]])
>>> backend.compute()
{'exact_match': 100.0, 'f1': 100.0}
"""

import numbers

from qascore.api import QAScorer
from qascore.options import make_options
from qascore.per_example import per_example_rows, write_rows
from qascore.trainer.distributed import rank

_RESERVED_OPTIONS = {
    "return_per_example": "use per_example_file= to get per-example scores",
    "preset": "pass preset= as its own keyword",
}


class MetricBackend:
    """Accumulate string batches in ``metric`` and score them.

    ``metric`` is ``None`` (qascore's own scorer), a path or name for ``evaluate.load`` (loaded with the
    preset as config name, kept in memory), or an already loaded evaluate module. ``options`` are the
    scoring options of :func:`qascore.compute` (checked here, where they enter). ``per_example=True``
    makes :meth:`compute` add the ``per_example`` score lists.
    """

    def __init__(self, metric, *, preset, options, per_example=False):
        for name, advice in _RESERVED_OPTIONS.items():
            if name in options:
                raise TypeError(f"{name}= is not a metric option of the Trainer adapter; {advice}")
        if isinstance(metric, str):
            import evaluate

            metric = evaluate.load(metric, preset or "squad", keep_in_memory=True)
        elif metric is not None and not (hasattr(metric, "add_batch") and hasattr(metric, "compute")):
            raise TypeError(
                "metric must be None (qascore's scorer), a path for evaluate.load such as "
                f"'./metrics/qa_em_f1', or a loaded evaluate module; got {type(metric).__name__}"
            )
        if metric is not None and not isinstance(metric, str):
            loaded_preset = "squad" if metric.config_name == "default" else metric.config_name
            if preset is not None and preset != loaded_preset:
                raise ValueError(
                    f"preset={preset!r} but the evaluate module was loaded with config {metric.config_name!r}; "
                    f"load it as evaluate.load(path, {preset!r}) or leave preset= out"
                )
            preset = loaded_preset
        preset = preset or "squad"
        self.options = {**options, "return_per_example": per_example}
        self.checked = make_options(preset, **self.options)  # raises on bad options, before any evaluation
        self.module = metric
        self.scorer = QAScorer.from_options(self.checked) if metric is None else None
        self.pending = False

    @property
    def preset(self):
        """The qascore preset (also the evaluate config name) the numbers follow."""
        return self.checked.preset

    def add_batch(self, *, predictions, references, inputs=None, no_answer_probabilities=None):
        """Store one batch of decoded predictions with their gold answers."""
        extra = {}
        if inputs is not None:
            extra["inputs"] = inputs
        if no_answer_probabilities is not None:
            extra["no_answer_probabilities"] = no_answer_probabilities
        target = self.scorer if self.module is None else self.module
        target.add_batch(predictions=predictions, references=references, **extra)
        self.pending = True

    def compute(self):
        """Score every stored batch and start afresh."""
        self.pending = False
        if self.module is None:
            return self.scorer.compute()
        return self.module.compute(**self.options)

    def reset(self):
        """Forget stored batches (an evaluate module is emptied by computing and discarding)."""
        if self.pending:
            if self.module is None:
                self.scorer.reset()
            else:
                self.module.compute(**self.options)
        self.pending = False


def flat_floats(results):
    """Trainer-ready metrics: every number as a Python float, ``per_example`` left out.

    NaN, qascore's value for a figure with nothing to average, is a number and is kept, so the
    Trainer logs the same keys at every evaluation (None would be dropped here).

    >>> flat_floats({"exact": 50.0, "total": 2, "per_example": {"f1": [1.0, 0.0]}})
    {'exact': 50.0, 'total': 2.0}
    >>> flat_floats({"grounding_rate": float("nan"), "count_why": 0, "missing": None})
    {'grounding_rate': nan, 'count_why': 0.0}
    """
    return {
        key: float(value)
        for key, value in results.items()
        if isinstance(value, numbers.Number) and not isinstance(value, bool)
    }


def write_per_example_file(path, *, ids, predictions, references, results):
    """Write :mod:`qascore.per_example`'s rows for ``results`` to ``path`` (on process 0 only)."""
    if rank() != 0:
        return
    with open(path, "w", encoding="utf-8") as handle:
        write_rows(handle, per_example_rows(results, ids=ids, predictions=predictions, references=references))
