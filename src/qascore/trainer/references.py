"""Gold answers given to the Trainer adapter, in evaluation order, as lists of strings.

Labels hold one tokenised answer, but official SQuAD scoring takes the best match over all gold
answers. The adapter therefore accepts the gold answers separately, in every shape
:func:`qascore.records.answers_of` reads (answer strings, lists of answers, a ``datasets``
``answers`` column ``{"text": [...], "answer_start": [...]}``, SQuAD JSON answer lists) or as
SQuAD records (``{"id", "answers": ...}``).

>>> gold_answers([["Denver Broncos", "Broncos"], "Paris", {"text": ["1990"], "answer_start": [3]}])
([['Denver Broncos', 'Broncos'], ['Paris'], ['1990']], None)
>>> gold_answers([{"id": "q1", "answers": {"text": ["Paris"], "answer_start": [0]}}])
([['Paris']], ['q1'])
"""

from qascore.records import answers_of


def gold_answers(references):
    """Return ``(answer_lists, ids)``; ``ids`` is ``None`` unless the references are SQuAD records."""
    if isinstance(references, (str, bytes, dict)) or not hasattr(references, "__iter__"):
        raise TypeError(
            "references must be a sequence with one entry per evaluation example (answer strings, "
            f"answer lists, answers dicts or SQuAD records), got {type(references).__name__}"
        )
    answer_lists, ids = [], []
    for position, reference in enumerate(references):
        where = f"reference {position}"
        if isinstance(reference, dict) and "answers" in reference:
            if "id" not in reference:
                raise ValueError(f"reference {position} is a SQuAD record without an 'id': {reference!r}")
            ids.append(str(reference["id"]))
            reference, where = reference["answers"], f"reference {position}['answers']"
        answer_lists.append(answers_of(reference, where))
    if ids and len(ids) != len(answer_lists):
        raise ValueError("references mix SQuAD records with plain answers; use one shape for all of them")
    return answer_lists, (ids or None)
