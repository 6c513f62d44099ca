"""Re-export of :mod:`qascore.scoring.no_answer`, its home since 0.2 (this path stays for one release)."""

from qascore.scoring.no_answer import (
                                       DEFAULT_ABSTENTIONS,
                                       abstention_form,
                                       answered_codes,
                                       apply_threshold,
                                       best_threshold,
                                       map_abstentions,
)

__all__ = ["apply_threshold", "best_threshold", "answered_codes", "DEFAULT_ABSTENTIONS", "abstention_form",
           "map_abstentions"]
