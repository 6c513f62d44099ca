r"""Light answer extraction for free-form generations (decoder-only models).

A causal LM prompted with ``"... Answer:"`` tends to write the answer on the first line and
sometimes repeats the cue. :func:`extract_answer` keeps the first non-empty line and drops a
leading cue word followed by a colon (``"Answer:"``, ``"answer :"``); it does nothing else, so
scores stay comparable.

>>> extract_answer("Answer: Denver Broncos\nQuestion: who won?")
'Denver Broncos'
"""

import re

DEFAULT_CUES = ("answer",)


def extract_answer(text, *, cues=DEFAULT_CUES):
    r"""Return the first non-empty line of ``text`` without a leading ``<cue>:`` (case-insensitive).

    >>> extract_answer("\n  the 1990s  \nmore")
    'the 1990s'
    >>> extract_answer("ANSWER :  Paris")
    'Paris'
    >>> extract_answer("Final answer: 42", cues=("final answer",))
    '42'
    >>> extract_answer("")
    ''
    """
    if not isinstance(text, str):
        raise TypeError(f"extract_answer expects a string, got {type(text).__name__}")
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    for cue in cues:
        match = re.match(rf"{re.escape(cue)}\s*:\s*", line, flags=re.IGNORECASE)
        if match:
            return line[match.end():].strip()
    return line
