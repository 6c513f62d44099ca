"""MRQA's JSON Lines data files, gzipped as the shared task ships them (plain text works too).

A file is one JSON object per line: an optional first line with a ``header`` key (skipped,
as the official script skips it), then one context per line whose ``qas`` hold each
question's ``qid`` and ``answers`` (the gold texts). Only those two fields are read, as the
official script reads nothing else. A qid on two lines is an error unless
``duplicate_keys="last"``: then, as the script's dict does, the question keeps its first
place and takes the last answers, and ``overridden[file name]`` counts the replacements.

>>> import gzip, json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "dev.jsonl.gz"
>>> lines = [{"header": {"dataset": "SQuAD"}}, {"context": "...", "qas": [{"qid": "q1", "answers": ["Paris"]}]}]
>>> _ = path.write_bytes(gzip.compress("\\n".join(map(json.dumps, lines)).encode()))
>>> load_answers(path)
(['q1'], [['Paris']])
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import List, Optional, Tuple

from qascore.files.readers import check_duplicate_keys, decode_text, parse_json, read_file_bytes

__all__ = ["load_answers"]

_GZIP_MAGIC = b"\x1f\x8b"


def _text_of(path: Path) -> str:
    raw = read_file_bytes(path)
    if raw.startswith(_GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path}: is not a complete gzip file ({error}); download or compress it again") from None
    return decode_text(raw, path)


def _question(raw, where: str) -> Tuple[str, List[str]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("qid"), str):
        raise ValueError(f"{where}: each question must be an object with a 'qid' string, as in MRQA's files")
    answers = raw.get("answers")
    if not isinstance(answers, list) or not all(isinstance(answer, str) for answer in answers):
        raise ValueError(f"{where} (qid {raw['qid']!r}): 'answers' must be a list of gold answer strings")
    return raw["qid"], answers


def load_answers(path, *, duplicate_keys: str = "error", overridden: Optional[dict] = None):
    """The questions' qids and gold answers, in file order: ``(ids, answers)``."""
    check_duplicate_keys(duplicate_keys)
    path = Path(path)
    answers_of: dict = {}
    replaced = 0
    for number, line in enumerate(_text_of(path).splitlines(), start=1):
        if not line.strip():
            continue
        record = parse_json(line, path, duplicate_keys=duplicate_keys, overridden=overridden, line=number)
        if number == 1 and isinstance(record, dict) and "header" in record:
            continue
        if not isinstance(record, dict) or not isinstance(record.get("qas"), list):
            raise ValueError(f"{path}:{number}: each line must be a context object with a 'qas' list "
                             "(MRQA's JSON Lines layout)")
        for index, raw in enumerate(record["qas"]):
            question_id, answers = _question(raw, f"{path}:{number}: qas[{index}]")
            if question_id in answers_of:
                if duplicate_keys == "error":
                    raise ValueError(f"{path}:{number}: qid {question_id!r} was given before; remove the repeat, or "
                                     "pass --duplicate-keys last (duplicate_keys='last') to keep the last one as "
                                     "the official script does")
                replaced += 1
            answers_of[question_id] = answers
    if replaced and overridden is not None:
        overridden[str(path)] = overridden.get(str(path), 0) + replaced
    return list(answers_of), list(answers_of.values())
