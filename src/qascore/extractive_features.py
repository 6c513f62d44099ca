"""Re-export of :mod:`qascore.trainer.features`, its home since 0.2 (this path stays for one release)."""

from qascore.trainer.features import LABEL_COLUMNS, prepare_features

__all__ = ["LABEL_COLUMNS", "prepare_features"]
