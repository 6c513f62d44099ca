"""qascore: SQuAD-style exact match and F1, exact to the official scorers.

>>> import qascore
>>> qascore.compute(["Denver Broncos"], [["Denver Broncos", "The Broncos"]])
{'exact_match': 100.0, 'f1': 100.0}
>>> sorted(qascore.PRESETS)
['korquad', 'mlqa', 'squad', 'squad_v2']
"""

__version__ = "0.1.0"

from qascore.evaluation import QAScorer, compute, make_options, score_columns, signature  # noqa: E402
from qascore.presets import PRESETS  # noqa: E402

__all__ = ["__version__", "compute", "signature", "make_options", "score_columns", "QAScorer", "PRESETS"]
