"""CoQA's inputs, checked where they enter.

A prediction is the turn's answer (a string), or None when the turn has no prediction. A
reference is ``{"answers": [gold, ...], "source"?: str, "id"?: story id, "turn_id"?: ...}``:
the turn's answer first, then its additional answers, and its story's ``source`` (one of
mctest, gutenberg, race, cnn, wikipedia, reddit, science); or just the list of gold answers.
Without sources only the overall figures are reported.

>>> reference_parts({"answers": ["yes", "yes"], "source": "race", "id": "s1", "turn_id": 2}, 0)
(['yes', 'yes'], 'race', 's1:2')
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from qascore.families import is_string_list
from qascore.families.coqa.rules import IN_DOMAIN, OUT_DOMAIN

__all__ = ["reference_parts", "check_prediction", "SOURCES"]

SOURCES = IN_DOMAIN + OUT_DOMAIN


def reference_parts(reference, index: int) -> Tuple[List[str], Optional[str], Optional[str]]:
    """``(gold answers, source, "story id:turn id")``; source and id None when not given."""
    if isinstance(reference, dict):
        golds, source = reference.get("answers"), reference.get("source")
        story, turn = reference.get("id"), reference.get("turn_id")
        if source is not None and source not in SOURCES:
            raise ValueError(f"references[{index}]['source'] is {source!r}; evaluate-v1.0.py knows the sources "
                             f"{', '.join(SOURCES)}.")
        turn_id = None if story is None or turn is None else f"{story}:{turn}"
    else:
        golds, source, turn_id = reference, None, None
    if not is_string_list(golds) or not golds:
        raise TypeError(f"references[{index}] must be {{'answers': [gold, ...], 'source': ...}} or a non-empty list "
                        f"of gold answer strings; got {reference!r:.80}.")
    return list(golds), source, turn_id


def check_prediction(prediction, index: int) -> Optional[str]:
    """A turn's predicted answer (None: no prediction)."""
    if prediction is not None and not isinstance(prediction, str):
        raise TypeError(f"predictions[{index}] must be the answer string; got {prediction!r:.60}.")
    return prediction
