r"""Answer extraction: the answer a chat or reasoning model states inside its output (opt-in).

With ``extract_answers=True`` every interface (``qascore.compute``, ``QAScorer``, the
evaluate module, ``qascore score --extract-answers``, the Trainer adapter's
``extract_answer=True``) scores :func:`extract_answer` of each prediction instead of the raw
text, and reports ``extraction_rate``, the share of outputs in which an answer was found,
and ``extraction_failures``, how many had none. The rules, in order:

1. Reasoning is dropped: every ``<think>...</think>`` block (also ``<thinking>`` and
   ``<reasoning>``, any case); text before a closing tag that was never opened (the chat
   template opened the block in the prompt); and everything from an opening tag that is
   never closed (the output was cut inside its reasoning: no answer).
2. A few-shot continuation is dropped: from the first later line that starts a new
   ``Question:`` or ``Q:`` on.
3. The answer is the content of the last ``\boxed{...}`` (or ``\fbox{...}``), a ``\text{}``
   inside it unwrapped; else the rest of the line after the last "Final answer:",
   "Answer:" or "The answer is" (any case, markdown bold around the cue allowed; the next
   non-empty line if the cue ends its line, or is a line of its own such as
   "## Final Answer"); else the first non-empty line.
4. Markdown bold or italics, quotes, backticks and ``$...$`` around the whole answer are
   removed, and then a trailing period, unless the last word is an abbreviation like
   "U.S." or "D.C.".

An answer is found when step 3 finds a box or a cue with text after it, or when the text
left after steps 1-2 is a single non-empty line; otherwise (nothing left, or several
lines without an answer statement) it is counted as a failure and the first line, or
nothing, is scored.

A bare answer (a single line without surrounding white space that has no reasoning tag,
answer cue or box, is not wrapped in markup or quotes and does not end in a period) is
returned unchanged.

>>> extract_answer("<think>The capital of France... is Paris.</think>\n**Final answer:** Paris.")
Extracted(answer='Paris', found=True)
>>> extract_answer("So we get $\\boxed{42}$.")
Extracted(answer='42', found=True)
>>> extract_answer("<think>Let me recall who won in 2016. It was")
Extracted(answer='', found=False)
>>> extract_answer("Denver Broncos")
Extracted(answer='Denver Broncos', found=True)
"""

from __future__ import annotations

import re
from typing import List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

__all__ = ["Extracted", "extract_answer", "extract_answers", "EXTRACTION_RULES"]

#: Names the rules in the scoring signature; change it whenever a rule changes.
EXTRACTION_RULES = "v1"

_TAG = r"(?:think|thinking|reasoning)"
_CLOSED_BLOCK = re.compile(rf"<({_TAG})>.*?</\1>", re.IGNORECASE | re.DOTALL)
_CLOSING_TAG = re.compile(rf"</{_TAG}>", re.IGNORECASE)
_OPENING_TAG = re.compile(rf"<{_TAG}>", re.IGNORECASE)
_NEW_QUESTION = re.compile(r"^[ \t]*(?:question|q)[ \t]*:", re.IGNORECASE | re.MULTILINE)
_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_TEXT_COMMAND = re.compile(r"^\\(?:text|textbf|mathrm|textit)\{(.*)\}$", re.DOTALL)
_BOLD = r"(?:\*\*|__)?"
_CUE = re.compile(
    r"(?<![\w'])(?P<bold>\*\*|__)?"
    rf"(?:(?:final[ \t]+)?answer[ \t]*{_BOLD}[ \t]*[:\uff1a]"
    r"|(?:the[ \t]+)?(?:final[ \t]+|correct[ \t]+)?answer[ \t]+is(?![\w'\u2019])[ \t]*:?)",
    re.IGNORECASE,
)
_CUE_HEADING = re.compile(r"^[ \t#*_]*(?:final[ \t]+)?answer[ \t*_]*$", re.IGNORECASE | re.MULTILINE)
_WRAPPERS = (("**", "**"), ("__", "__"), ("*", "*"), ("`", "`"), ('"', '"'), ("'", "'"), ("\u201c", "\u201d"),
             ("\u2018", "\u2019"), ("\u00ab", "\u00bb"), ("$", "$"))
_OPENING_CHARACTERS = frozenset(opening[0] for opening, _ in _WRAPPERS)
# What any rule but unwrapping needs to find: a tag, a backslash command, a line break, a cue word.
_NEEDS_RULES = re.compile(r"[<\\\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]|answer", re.IGNORECASE)
_ABBREVIATION = re.compile(r"(?:^|\s)(?:\w\.){2,}$")


class Extracted(NamedTuple):
    """The answer taken from one output, and whether a recognisable answer was found."""

    answer: str
    found: bool


def _drop_reasoning(text: str) -> str:
    text = _CLOSED_BLOCK.sub("", text)
    closings = list(_CLOSING_TAG.finditer(text))
    if closings:
        text = text[closings[-1].end():]
    opening = _OPENING_TAG.search(text)
    return text if opening is None else text[:opening.start()]


def _drop_continuation(text: str) -> str:
    first_line = re.search(r"\S", text)
    if first_line is None:
        return ""
    line_end = text.find("\n", first_line.start())
    if line_end == -1:
        return text
    later = _NEW_QUESTION.search(text, line_end + 1)
    return text if later is None else text[:later.start()]


def _boxed(text: str) -> Optional[str]:
    """The content of the last ``\\boxed{...}`` (braces balanced), or None."""
    boxes = list(_BOX.finditer(text))
    if not boxes:
        return None
    start = boxes[-1].end()
    depth = 1
    for position in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            content = text[start:position].strip()
            text_command = _TEXT_COMMAND.match(content)
            return text_command.group(1) if text_command else content
    return None  # never closed


def _after_last_cue(text: str) -> Optional[str]:
    """The rest of the line after the last answer cue (or the next non-empty line), or None."""
    cues = list(_CUE.finditer(text))
    headings = list(_CUE_HEADING.finditer(text))
    if headings and (not cues or headings[-1].start() > cues[-1].start()):  # "## Final answer" on its own line
        return next((line.strip() for line in text[headings[-1].end():].split("\n") if line.strip()), "")
    if not cues:
        return None
    cue = cues[-1]
    lines = text[cue.end():].split("\n")
    bold = cue.group("bold")
    opened_bold = bool(bold) and cue.group(0).count(bold) == 1  # "**Answer:** X" or "**The answer is X**"
    rest = lines[0].strip()
    if opened_bold and rest.startswith(bold):
        rest, opened_bold = rest[len(bold):].strip(), False
    if not rest:
        rest = next((line.strip() for line in lines[1:] if line.strip()), "")
    if opened_bold and rest.endswith(bold):
        rest = rest[:-len(bold)]
    return rest


def _unwrap(answer: str) -> str:
    """Markup, quotes and a trailing period removed from around the answer, as often as they occur."""
    answer = answer.strip()
    while True:
        if answer.endswith(".") and not _ABBREVIATION.search(answer):
            answer = answer[:-1].rstrip()
            continue
        if answer[:1] not in _OPENING_CHARACTERS:
            return answer
        wrapper = next(((opening, closing) for opening, closing in _WRAPPERS if answer.startswith(opening)
                        and answer.endswith(closing) and len(answer) > len(opening) + len(closing)), None)
        if wrapper is None:
            return answer
        answer = answer[len(wrapper[0]):-len(wrapper[1])].strip()


def extract_answer(text: str) -> Extracted:
    r"""The answer stated in one generated output, by the rules of this module's docstring.

    >>> extract_answer("Answer: Denver Broncos\nQuestion: who won Super Bowl 51?\nAnswer: Patriots")
    Extracted(answer='Denver Broncos', found=True)
    >>> extract_answer("It was played in Santa Clara.\n\nThe answer is **Levi's Stadium**.")
    Extracted(answer="Levi's Stadium", found=True)
    >>> extract_answer("Thinking about it...</think>\n\nWashington, D.C.")
    Extracted(answer='Washington, D.C.', found=True)
    >>> extract_answer("Paris is the capital.\nIt is also the largest city.")
    Extracted(answer='Paris is the capital', found=False)
    """
    if not isinstance(text, str):
        raise TypeError(f"extract_answer expects a string, got {type(text).__name__}")
    if _NEEDS_RULES.search(text) is None:  # one line without tag, box or cue: only unwrapping applies
        answer = _unwrap(text)
        return Extracted(answer, bool(answer))
    text = _drop_continuation(_drop_reasoning(text))
    stated = _boxed(text)
    if stated is None:
        stated = _after_last_cue(text)
    if stated is not None:
        answer = _unwrap(stated)
        return Extracted(answer, bool(answer))
    lines = [line for line in text.splitlines() if line.strip()]
    answer = _unwrap(lines[0]) if lines else ""
    return Extracted(answer, len(lines) == 1 and bool(answer))


def extract_answers(texts: Sequence[Optional[str]]) -> Tuple[List[Optional[str]], np.ndarray]:
    """:func:`extract_answer` of each text (None, a missing prediction, stays None), and the
    found flags (1 found, 0 not found, -1 no prediction) as an int8 array.

    >>> answers, found = extract_answers(["The answer is 7.", None, ""])
    >>> answers, found.tolist()
    (['7', None, ''], [1, -1, 0])
    """
    answers: List[Optional[str]] = []
    found = np.empty(len(texts), dtype=np.int8)
    for index, text in enumerate(texts):
        if text is None:
            answers.append(None)
            found[index] = -1
            continue
        extracted = extract_answer(text)
        answers.append(extracted.answer)
        found[index] = extracted.found
    return answers, found
