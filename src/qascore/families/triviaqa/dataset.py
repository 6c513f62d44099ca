"""A TriviaQA dataset JSON as ``triviaqa_evaluation.py`` reads it, checked: keys and ground truths.

The script keys ground truths by ``QuestionId`` (Domain ``Wikipedia``) or by
``QuestionId--Filename`` for each of a question's EntityPages and SearchResults (Web). With
``VerifiedEval`` true it keeps the questions whose ``QuestionPartOfVerifiedEval`` is true and,
for Web, their documents whose ``DocPartOfVerifiedEval`` is true (a question left without one is
an error, as the script's assertion is). A key given twice is an error unless
``duplicate_keys="last"`` (the script's dicts keep the last).

>>> data = {"Domain": "Web", "VerifiedEval": False, "Version": 1.0, "Data": [{"QuestionId": "q1",
...         "Answer": {"NormalizedAliases": ["paris"], "HumanAnswers": ["Paris!"]},
...         "EntityPages": [{"Filename": "Paris.txt"}], "SearchResults": [{"Filename": "1.txt"}]}]}
>>> keyed_ground_truths(data)
{'q1--Paris.txt': ['paris', 'paris'], 'q1--1.txt': ['paris', 'paris']}
"""

from __future__ import annotations

import warnings
from typing import Dict, List, Optional

from qascore.families.triviaqa.rules import normalize_all

__all__ = ["DOMAINS", "keyed_ground_truths", "ground_truths_of"]

DOMAINS = ("Wikipedia", "Web")
_KEEP_LAST = "remove the repeat, or pass duplicate_keys='last' (--duplicate-keys last) to keep the last, as the script does"


def _field(mapping, name: str, kind, where: str):
    if not isinstance(mapping, dict) or name not in mapping:
        raise ValueError(f"{where} needs {name!r} (the official script reads it)")
    value = mapping[name]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{where}: {name!r} must be {getattr(kind, '__name__', kind)}; got {value!r:.60}")
    return value


def ground_truths_of(answer, where: str) -> List[str]:
    """``NormalizedAliases`` plus normalised ``HumanAnswers`` (the script's ``get_ground_truths``)."""
    aliases = _field(answer, "NormalizedAliases", list, where)
    humans = answer.get("HumanAnswers", [])
    for name, values in (("NormalizedAliases", aliases), ("HumanAnswers", humans)):
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise ValueError(f"{where}: {name!r} must be a list of strings; got {values!r:.60}")
    if not aliases and not humans:
        raise ValueError(f"{where} has no ground truth (NormalizedAliases and HumanAnswers are empty); "
                         "the official script fails on such a question")
    return aliases + normalize_all(humans)


def keyed_ground_truths(dataset, *, source: str = "the dataset", domain: Optional[str] = None,
                        verified_eval: Optional[bool] = None, duplicate_keys: str = "error",
                        overridden: Optional[dict] = None) -> Dict[str, List[str]]:
    """``{key: ground truths}`` in the script's order; ``domain``/``verified_eval``, when given,
    must be the dataset's own ``Domain``/``VerifiedEval`` (the script takes them from the file)."""
    if not isinstance(dataset, dict):
        raise ValueError(f"{source}: a TriviaQA dataset is a JSON object with 'Data', 'Domain', 'VerifiedEval' "
                         f"and 'Version'; got {type(dataset).__name__}")
    data = _field(dataset, "Data", list, source)
    file_domain = _field(dataset, "Domain", str, source)
    file_verified = _field(dataset, "VerifiedEval", bool, source)
    if file_domain not in DOMAINS:
        raise ValueError(f"{source}: Domain must be one of {', '.join(DOMAINS)}; got {file_domain!r}")
    for name, given, own in (("domain", domain, file_domain), ("verified_eval", verified_eval, file_verified)):
        if given is not None and given != own:
            raise ValueError(f"{source} has {'Domain' if name == 'domain' else 'VerifiedEval'} {own!r}, "
                             f"not {name}={given!r}; the official script scores a file as it says")
    if dataset.get("Version") != 1.0:
        warnings.warn(f"{source}: the script expects Version 1.0, got {dataset.get('Version')!r}", stacklevel=2)
    keyed: Dict[str, List[str]] = {}
    for index, datum in enumerate(data):
        where = f"{source}: Data[{index}]"
        if file_verified and not _field(datum, "QuestionPartOfVerifiedEval", bool, where):
            continue
        question_id = _field(datum, "QuestionId", str, where)
        truths = ground_truths_of(_field(datum, "Answer", dict, where), f"{where}.Answer")
        keys = [question_id] if file_domain == "Wikipedia" else _document_keys(datum, question_id, file_verified,
                                                                               where)
        for key in keys:
            if key in keyed:
                if duplicate_keys == "error":
                    raise ValueError(f"{where}: key {key!r} is given twice; {_KEEP_LAST}")
                overridden[source] = overridden.get(source, 0) + 1
            keyed[key] = truths
    return keyed


def _document_keys(datum: dict, question_id: str, verified: bool, where: str) -> List[str]:
    """``QuestionId--Filename`` of each (verified) EntityPage and SearchResult."""
    keys = []
    for kind in ("EntityPages", "SearchResults"):
        pages = datum.get(kind, [])
        if not isinstance(pages, list):
            raise ValueError(f"{where}: {kind!r} must be a list of documents; got {pages!r:.60}")
        for number, page in enumerate(pages):
            place = f"{where}.{kind}[{number}]"
            if verified and not _field(page, "DocPartOfVerifiedEval", bool, place):
                continue
            keys.append(f"{question_id}--{_field(page, 'Filename', str, place)}")
    if verified and not keys:
        raise ValueError(f"{where}: question {question_id!r} is part of the verified evaluation but none of its "
                         "documents is (the official script's assertion fails)")
    return keys
