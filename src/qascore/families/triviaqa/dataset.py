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

import operator
import warnings
from itertools import chain, islice, repeat
from typing import Dict, List, Optional, Sequence, Tuple

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


def ground_truths_of(answers: Sequence, wheres: Sequence[str]) -> List[List[str]]:
    """Each answer's ``NormalizedAliases`` plus normalised ``HumanAnswers`` (the script's
    ``get_ground_truths``); all human answers are normalised in one batch."""
    parts = [_aliases_and_humans(answer, where) for answer, where in zip(answers, wheres)]
    humans = iter(normalize_all(list(chain.from_iterable(human for _, human in parts))))
    return [aliases + list(islice(humans, len(human))) for aliases, human in parts]


def _aliases_and_humans(answer, where: str) -> Tuple[List[str], List[str]]:
    aliases = _field(answer, "NormalizedAliases", list, where)
    humans = answer.get("HumanAnswers", [])
    for name, values in (("NormalizedAliases", aliases), ("HumanAnswers", humans)):
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise ValueError(f"{where}: {name!r} must be a list of strings; got {values!r:.60}")
    if not aliases and not humans:
        raise ValueError(f"{where} has no ground truth (NormalizedAliases and HumanAnswers are empty); "
                         "the official script fails on such a question")
    return aliases, humans


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
    if file_domain == "Wikipedia" and not file_verified:
        keyed = _keyed_wikipedia_fast(data)
        if keyed is not None and (len(keyed) == len(data) or duplicate_keys == "last"):
            if len(keyed) < len(data):
                overridden[source] = overridden.get(source, 0) + len(data) - len(keyed)
            return keyed
    kept = []  # (where, keys, answer) of each question that counts
    for index, datum in enumerate(data):
        where = f"{source}: Data[{index}]"
        if file_verified and not _field(datum, "QuestionPartOfVerifiedEval", bool, where):
            continue
        question_id = _field(datum, "QuestionId", str, where)
        keys = [question_id] if file_domain == "Wikipedia" else _document_keys(datum, question_id, file_verified,
                                                                               where)
        kept.append((where, keys, _field(datum, "Answer", dict, where)))
    truths = ground_truths_of([answer for _, _, answer in kept], [f"{where}.Answer" for where, _, _ in kept])
    keyed: Dict[str, List[str]] = {}
    for (where, keys, _), truths_of in zip(kept, truths):
        for key in keys:
            if key in keyed:
                if duplicate_keys == "error":
                    raise ValueError(f"{where}: key {key!r} is given twice; {_KEEP_LAST}")
                overridden[source] = overridden.get(source, 0) + 1
            keyed[key] = truths_of
    return keyed


def _keyed_wikipedia_fast(data: list) -> Optional[Dict[str, List[str]]]:
    """The Wikipedia, not verified, case in C-level passes when every question is well formed
    (else None: the checked loop names what is wrong)."""
    if set(map(type, data)) - {dict} or not all(map(operator.contains, data, repeat("QuestionId"))) or not all(
            map(operator.contains, data, repeat("Answer"))):
        return None
    question_ids = list(map(operator.itemgetter("QuestionId"), data))
    answers = list(map(operator.itemgetter("Answer"), data))
    if set(map(type, question_ids)) - {str} or set(map(type, answers)) - {dict} or not all(
            map(operator.contains, answers, repeat("NormalizedAliases"))):
        return None
    aliases = list(map(operator.itemgetter("NormalizedAliases"), answers))
    humans = [answer.get("HumanAnswers", []) for answer in answers]
    if (set(map(type, aliases)) - {list} or set(map(type, humans)) - {list}
            or set(map(type, chain.from_iterable(aliases))) - {str} or set(map(type, chain.from_iterable(humans))) - {str}
            or not all(map(operator.or_, map(bool, aliases), map(bool, humans)))):
        return None
    normal = iter(normalize_all(list(chain.from_iterable(humans))))
    return dict(zip(question_ids, [alias + list(islice(normal, len(human))) if human else alias
                                   for alias, human in zip(aliases, humans)]))


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
