"""Score a data file against a predictions file on several processes, each reading its own piece.

This is the ``num_proc > 1`` path of :func:`qascore.files.score.score_files`. The parent
only reads the two files as bytes and cuts them (:mod:`qascore.files.pieces`): the data file
between questions, and the predictions file at the entry of each data piece's first
question, so that a predictions file written in data order (as systems write them) is cut
where the data is. Each forked worker then does everything one process would do, on its
piece: it parses both pieces, checks them with the loaders of :mod:`qascore.files.readers`, pairs them
with :func:`qascore.pairing.pair_by_id` and scores them with
:func:`qascore.scoring.results.score_aligned`.

A question whose prediction lies in another piece comes back unpaired, with the
predictions its piece could not use. The parent pairs those leftovers the same way, scores
the questions they answer, and puts their scores in place; the per-question arrays are
joined in data order, so the totals are added exactly as in one process.

:func:`score_in_pieces` returns None when the files cannot be read this way: a cut that
does not check out, an unusual layout, bad input in a piece, a repeated key (in a piece, or
on the two sides of a cut), or an id in two pieces. The caller then reads the files in one
process, which also reports any error with its place in the whole file, and resolves
repeated keys as its ``duplicate_keys`` says.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import threading
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

from qascore.files.pieces import (
    mapping_cut_at_key,
    mapping_cuts,
    mapping_piece,
    question_at,
    repeated_across_cuts,
    shared_keys,
    squad_cuts,
    squad_piece,
    strip_bom,
)
from qascore.files.readers import predictions_from_mapping, read_file_bytes, references_from_document
from qascore.pairing import pair_by_id
from qascore.records import Examples
from qascore.scoring.results import ScoredExamples, score_aligned

__all__ = ["FileScores", "score_in_pieces"]

# What forked workers read: set by the parent just before the pool starts, inherited by fork.
_shared: Dict[str, object] = {}
# A worker's parsed pieces, kept until its process ends: freeing millions of
# objects one by one would cost the worker about a second for nothing. For the same reason
# a worker's cycle collector stays off (nothing it builds has cycles): switched back on, it
# would scan every object the worker built.
_kept_until_exit: List[object] = []


@dataclasses.dataclass
class FileScores:
    """Per-question scores of a data file in data order, the pairing counts, and (if asked) the paired examples."""

    scored: ScoredExamples
    counts: dict
    examples: Optional[Examples] = None


@dataclasses.dataclass
class _Piece:
    """What a worker sends back about its piece (no text unless the examples are kept)."""

    scored: ScoredExamples
    predicted: int  # questions of the piece paired with a prediction of the piece
    id_hashes: np.ndarray  # sorted, to find an id that two pieces share
    prediction_id_hashes: np.ndarray
    shared_keys: List[tuple]  # the keys of the data piece's containers open at its cuts (json_pieces.shared_keys)
    unpaired: List[tuple]  # (position in the piece, gold record) of questions without a prediction in the piece
    leftovers: Dict[str, str]  # the piece's predictions for ids that are not in its data piece
    examples: Optional[Examples]


def score_in_pieces(data: Path, predictions: Path, *, options, num_proc: int, no_answer: Optional[dict] = None,
                    no_answer_file: Optional[Path] = None, keep_examples: bool = False) -> Optional[FileScores]:
    """Per-question scores of ``data`` against ``predictions``, read and scored in ``num_proc`` pieces.

    Needs the official layouts (a SQuAD-format JSON data file and a ``{id: text}`` JSON
    predictions file) and the ``fork`` start method; returns None when the files cannot be
    read in pieces (see the module docstring), and the caller reads them in one process.
    ``no_answer`` (already loaded) is shared with the workers.
    """
    if num_proc < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    data_raw, predictions_raw = strip_bom(read_file_bytes(data)), strip_bom(read_file_bytes(predictions))
    data_cuts = squad_cuts(data_raw, num_proc)
    prediction_cuts = _prediction_cuts(data_raw, data_cuts, predictions_raw)
    if not data_cuts or prediction_cuts is None:
        return None
    _shared.update(
        data_raw=data_raw, predictions_raw=predictions_raw, options=options, no_answer=no_answer,
        data_bounds=_bounds(data_cuts, len(data_raw)), prediction_bounds=_bounds(prediction_cuts, len(predictions_raw)),
        return_examples=keep_examples or options.return_per_example,
        sources=(str(data), str(predictions), no_answer_file),
    )
    pool = multiprocessing.get_context("fork").Pool(len(data_cuts) + 1)
    try:
        pieces = pool.map(_score_piece, range(len(data_cuts) + 1))
    finally:
        pool.close()  # the workers end on their own; reaping them waits while the kernel frees their memory,
        threading.Thread(target=pool.join, daemon=True).start()  # so a background thread does it
        _shared.clear()
    if any(piece is None for piece in pieces) or _shared_id(pieces) or \
            repeated_across_cuts([piece.shared_keys for piece in pieces]):
        return None
    return _joined(pieces, options=options, no_answer=no_answer, no_answer_file=no_answer_file,
                   keep_examples=keep_examples)


def _prediction_cuts(data_raw: bytes, data_cuts: List[int], predictions_raw: bytes) -> Optional[List[int]]:
    """Cuts of the predictions file at the ids of the data pieces' first questions, else evenly sized ones."""
    cuts: List[int] = []
    for data_cut in data_cuts:
        question = question_at(data_raw, data_cut)
        question_id = None if question is None else question.get("id")
        cut = None if question_id is None else mapping_cut_at_key(predictions_raw, str(question_id),
                                                                   after=cuts[-1] + 1 if cuts else 1)
        if cut is None:
            break
        cuts.append(cut)
    if len(cuts) == len(data_cuts):
        return cuts
    cuts = mapping_cuts(predictions_raw, len(data_cuts) + 1)  # unordered predictions: paired through leftovers
    return cuts if len(cuts) == len(data_cuts) else None


def _bounds(cuts: List[int], length: int) -> List[tuple]:
    edges = [0, *cuts, length]
    return list(zip(edges, edges[1:]))


def _score_piece(index: int) -> Optional[_Piece]:
    """Worker: parse, check, pair and score piece ``index`` of both files; None if anything is off."""
    data_source, predictions_source, no_answer_file = _shared["sources"]
    gc.disable()
    start, stop = _shared["data_bounds"][index]
    document = squad_piece(_shared["data_raw"], start, stop)
    mapping = mapping_piece(_shared["predictions_raw"], *_shared["prediction_bounds"][index])
    if document is None or mapping is None:
        return None
    keys = shared_keys(document, starts_inside=start > 0, ends_inside=stop < len(_shared["data_raw"]))
    _kept_until_exit.extend((document, mapping))
    try:
        references = references_from_document(document, source=data_source)
        predicted = predictions_from_mapping(mapping, source=predictions_source)
        examples, counts = pair_by_id(references, predicted, _shared["no_answer"], no_answer_file=no_answer_file)
        scored = score_aligned(dataclasses.replace(examples, ids=None), _shared["options"])
    except (TypeError, ValueError):
        return None  # the caller reads the files in one process, which reports it with its place
    _kept_until_exit.extend((references, examples))
    unpaired = [] if not counts["missing"] else [
        (position, references[position]) for position, text in enumerate(examples.predictions) if text is None
    ]
    return _Piece(
        scored=scored, predicted=counts["predicted"], unpaired=unpaired,
        id_hashes=_sorted_hashes(examples.ids), prediction_id_hashes=_sorted_hashes(predicted), shared_keys=keys,
        leftovers={question_id: predicted[question_id] for question_id in counts["extra_ids"]},
        examples=examples if _shared["return_examples"] else None,
    )


def _sorted_hashes(ids) -> np.ndarray:
    return np.sort(np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids)))


def _shared_id(pieces: List[_Piece]) -> bool:
    """Whether two pieces may share a gold id or a prediction id (equal hashes; one file read decides)."""
    for name in ("id_hashes", "prediction_id_hashes"):
        hashes = np.sort(np.concatenate([getattr(piece, name) for piece in pieces]), kind="stable")
        if np.any(hashes[1:] == hashes[:-1]):
            return True
    return False


def _joined(pieces: List[_Piece], *, options, no_answer: Optional[dict], no_answer_file,
            keep_examples: bool) -> Optional[FileScores]:
    """The pieces' scores in data order, with the questions answered in another piece paired and scored."""
    scored = ScoredExamples.empty()
    late_positions, late_records = [], []
    for piece in pieces:
        late_positions += [len(scored) + position for position, _ in piece.unpaired]
        late_records += [record for _, record in piece.unpaired]
        scored.extend(piece.scored)
    leftovers = {question_id: text for piece in pieces for question_id, text in piece.leftovers.items()}
    try:
        late, late_counts = pair_by_id(late_records, leftovers, no_answer, no_answer_file=no_answer_file)
        late_scored = score_aligned(dataclasses.replace(late, ids=None), options)
    except (TypeError, ValueError):
        return None
    _put(scored, late_positions, late_scored)
    counts = dict(late_counts, questions=len(scored), predicted=sum(piece.predicted for piece in pieces)
                  + late_counts["predicted"])
    examples = None
    if pieces[0].examples is not None:
        examples = _joined_examples([piece.examples for piece in pieces])
        for late_index, position in enumerate(late_positions):
            examples.predictions[position] = late.predictions[late_index]
            if examples.no_answer_probabilities is not None:
                examples.no_answer_probabilities[position] = late.no_answer_probabilities[late_index]
                examples.no_answer_order[position] = late.no_answer_order[late_index]
        scored.ids = examples.ids if options.return_per_example else None
    return FileScores(scored=scored, counts=counts, examples=examples if keep_examples else None)


def _put(scored: ScoredExamples, positions: List[int], late: ScoredExamples) -> None:
    """Write the scores of the late-paired questions over their unpaired ones."""
    for field in dataclasses.fields(ScoredExamples):
        values, late_values = getattr(scored, field.name), getattr(late, field.name)
        if values is None or late_values is None:
            continue
        for position, value in zip(positions, late_values):
            values[position] = value


def _joined_examples(parts: List[Examples]) -> Examples:
    with_scores = parts[0].no_answer_probabilities is not None
    joined = Examples(predictions=[], references=[], ids=[], no_answer_probabilities=[] if with_scores else None,
                      no_answer_order=[] if with_scores else None)
    for part in parts:
        for field in dataclasses.fields(Examples):
            if getattr(joined, field.name) is not None:
                getattr(joined, field.name).extend(getattr(part, field.name))
    return joined
