"""qascore: question-answering metrics exact to the official scorers (SQuAD-style exact match
and F1, open-domain accuracy, DROP, HotpotQA, CoQA, CJK reading comprehension).

>>> import qascore
>>> qascore.compute(["Denver Broncos"], [["Denver Broncos", "The Broncos"]])
{'exact_match': 100.0, 'f1': 100.0}
>>> sorted(qascore.PRESETS)  # doctest: +NORMALIZE_WHITESPACE
['cmrc2018', 'coqa', 'curated_trec', 'curated_trec_search', 'drcd', 'drop', 'efficientqa', 'hotpotqa',
 'jsquad', 'korquad', 'mlqa', 'mrqa', 'nq_open', 'squad', 'squad_v2', 'triviaqa']
"""

from qascore._version import __version__
from qascore.api import QAScorer, compute, score_columns, signature
from qascore.options import OPTION_NAMES, check_option_names, make_options
from qascore.presets import PRESETS

__all__ = [
    "__version__",
    "compute",
    "signature",
    "make_options",
    "check_option_names",
    "OPTION_NAMES",
    "score_columns",
    "QAScorer",
    "PRESETS",
    "QAComputeMetrics",
    "ExtractiveQAComputeMetrics",
    "score_batch",
    "QATotals",
]

# The Trainer adapters and the batch kernel (pyarrow) are imported on first use, so ``import qascore`` stays light.
_LAZY = {
    "QAComputeMetrics": "qascore.trainer",
    "ExtractiveQAComputeMetrics": "qascore.trainer",
    "score_batch": "qascore.distributed",
    "QATotals": "qascore.distributed",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qascore' has no attribute {name!r}")
