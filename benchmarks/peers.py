"""The scorers compared by the benchmark, each fed its own native input format.

A peer has two steps: ``prepare(pairs)`` builds that scorer's inputs (and loads its
module) outside the timed region, and ``score(state)`` is the timed call, returning
``{"exact_match": float, "f1": float}`` in percent.

Peers:

- ``qascore``: ``qascore.compute(predictions: list[str], references: list[list[str]])``.
- ``qascore-records``: the same function fed SQuAD records matched by id.
- ``qascore-parallel``: ``qascore.compute(..., num_proc=<usable cores>)`` on plain lists.
- ``qa_em_f1``: ``evaluate.load("<repo>/metrics/qa_em_f1", "squad").compute(predictions=, references=)``
  (the module scores a single-process, single-call compute directly, without Arrow).
- ``qa_em_f1-arrow``: the same module fed with ``add_batch`` in batches of 1,000, then ``compute()``:
  evaluate's full pipeline (rows encoded, written to an Arrow cache file, read back).
- ``evaluate-squad``: evaluate's squad module, rebuilt offline (see ``evaluate_squad.py``).
- ``torchmetrics``: ``torchmetrics.functional.text.squad`` (float32 sums, as published).
- ``official``: the official v1.1 algorithm (``official_v11.py``) on its own inputs
  (a SQuAD ``data`` list and an id -> text dict, as the script reads them from JSON).

File peers (``inputs="files"``) get the official script's two files (``data.cached_files``)
and time everything from opening them to the scores:

- ``official-files``: the official script end to end (``json.load`` both files, then score).
- ``qascore-files``: ``qascore.files.score.score_files``, what ``qascore score`` runs (one process).
"""

import dataclasses
import os
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parents[1]
QA_EM_F1_PATH = REPO_ROOT / "metrics" / "qa_em_f1"
ADD_BATCH_SIZE = 1_000  # an evaluation-loop-sized batch for the add_batch peer


@dataclasses.dataclass(frozen=True)
class Peer:
    """A scorer under test: a label for reports, its input preparation and its timed call."""

    name: str
    label: str
    prepare: Callable
    score: Callable
    inputs: str = "pairs"  # "pairs" (prepare gets data.Pairs) or "files" (prepare gets the two file paths)


def _floats(result):
    return {"exact_match": float(result["exact_match"]), "f1": float(result["f1"])}


def _prepare_qascore(pairs):
    import qascore

    return qascore, pairs.predictions, pairs.references


def _score_qascore(state):
    qascore, predictions, references = state
    return _floats(qascore.compute(predictions, references))


def _prepare_qascore_records(pairs):
    import qascore

    return (qascore, *pairs.squad_records())


def _usable_cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _prepare_qascore_parallel(pairs):
    import qascore

    return qascore, pairs.predictions, pairs.references


def _score_qascore_parallel(state):
    qascore, predictions, references = state
    return _floats(qascore.compute(predictions, references, num_proc=_usable_cores()))


def _prepare_qa_em_f1(pairs):
    import evaluate

    return evaluate.load(str(QA_EM_F1_PATH), "squad"), pairs.predictions, pairs.references


def _score_evaluate_module(state):
    module, predictions, references = state
    return _floats(module.compute(predictions=predictions, references=references))


def _score_evaluate_module_batched(state):
    module, predictions, references = state
    for start in range(0, len(predictions), ADD_BATCH_SIZE):
        module.add_batch(predictions=predictions[start:start + ADD_BATCH_SIZE],
                         references=references[start:start + ADD_BATCH_SIZE])
    return _floats(module.compute())


def _prepare_evaluate_squad(pairs):
    from evaluate_squad import EvaluateSquadRebuild

    return (EvaluateSquadRebuild(), *pairs.squad_records())


def _prepare_torchmetrics(pairs):
    from torchmetrics.functional.text import squad

    return (squad, *pairs.squad_records())


def _score_torchmetrics(state):
    squad, predictions, references = state
    return _floats({key: value.item() for key, value in squad(predictions, references).items()})


def _prepare_official(pairs):
    import official_v11

    return (official_v11, *pairs.official_inputs())


def _score_official(state):
    official_v11, dataset, predictions = state
    return _floats(official_v11.compute_score(dataset, predictions))


def _prepare_official_files(files):
    import official_v11

    return official_v11, files


def _score_official_files(state):
    official_v11, files = state
    return _floats(official_v11.score_files(*files))


def _prepare_qascore_files(files):
    from qascore.files.score import score_files

    return score_files, files


def _score_qascore_files(state):
    score_files, files = state
    return _floats(score_files(*files)["results"])


PEERS = {
    peer.name: peer
    for peer in (
        Peer("qascore", "qascore.compute (lists)", _prepare_qascore, _score_qascore),
        Peer("qascore-records", "qascore.compute (SQuAD records)", _prepare_qascore_records, _score_qascore),
        Peer("qascore-parallel", "qascore.compute (num_proc=cores)", _prepare_qascore_parallel,
             _score_qascore_parallel),
        Peer("qa_em_f1", "qa_em_f1 via evaluate.load().compute", _prepare_qa_em_f1, _score_evaluate_module),
        Peer("qa_em_f1-arrow", "qa_em_f1 add_batch + compute (Arrow)", _prepare_qa_em_f1,
             _score_evaluate_module_batched),
        Peer("evaluate-squad", "evaluate squad (offline rebuild)", _prepare_evaluate_squad, _score_evaluate_module),
        Peer("torchmetrics", "torchmetrics SQuAD (functional)", _prepare_torchmetrics, _score_torchmetrics),
        Peer("official", "official v1.1 algorithm", _prepare_official, _score_official),
        Peer("official-files", "official v1.1 script, files end to end", _prepare_official_files, _score_official_files,
             inputs="files"),
        Peer("qascore-files", "qascore score (score_files), files end to end", _prepare_qascore_files,
             _score_qascore_files, inputs="files"),
    )
}
