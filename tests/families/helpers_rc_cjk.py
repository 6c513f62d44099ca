"""What the rc_cjk family tests share: the cases of ../shared/data/expected_rc.json for the
cmrc2018, drcd, jsquad and mrqa presets, and their data paired as plain lists."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

from conftest import SHARED_DATA, load_json

PRESETS = ("cmrc2018", "drcd", "jsquad", "mrqa")


def rc_cases():
    """The official figures' cases of these presets, with readable test ids."""
    cases = [case for case in load_json("expected_rc.json") if case["preset"] in PRESETS]
    ids = [f"{case['preset']}-{Path(case['predictions']).stem}" + ("-skip" if case.get("skip_no_answer") else "")
           for case in cases]
    return cases, ids


@functools.lru_cache(maxsize=None)
def gold(data: str) -> tuple:
    """``(ids, answer lists)`` of a data file in file order (SQuAD layout, or MRQA's gzipped JSON Lines)."""
    if data.endswith(".jsonl.gz"):
        answers = {}
        with gzip.open(SHARED_DATA / data, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                record = json.loads(line)
                if number == 0 and "header" in record:
                    continue
                answers.update((qa["qid"], qa["answers"]) for qa in record["qas"])
        return tuple(answers), tuple(answers.values())
    questions = [qa for article in load_json(data)["data"] for paragraph in article["paragraphs"]
                 for qa in paragraph["qas"]]
    return tuple(qa["id"] for qa in questions), tuple([a["text"] for a in qa["answers"]] for qa in questions)


def case_lists(case) -> tuple:
    """The case as plain lists in data order (None: no prediction) and its compute() options."""
    ids, answers = gold(case["data"])
    predicted = load_json(case["predictions"])
    options = {"missing": "zero"}
    if case.get("skip_no_answer"):
        options["skip_no_answer"] = True
    return [predicted.get(question_id) for question_id in ids], [list(a) for a in answers], options
