"""The batch kernel and the mergeable totals give the official figures, whatever the merge order."""

import math
import pickle
import random
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from helpers_distributed import case_table
from hypothesis import given, settings
from hypothesis import strategies as st

import qascore
from qascore.scoring.results import RunningTotals, exact_sum

from conftest import assert_matches, case_options, official_cases, prediction_records, reference_records

CASES, CASE_IDS = official_cases()


def totals_of(table, preset, parts, seed, **options):
    """``table`` cut at random places into ``parts`` totals, merged in a random order and grouping."""
    rng = random.Random(seed)
    bounds = [0, *sorted(rng.sample(range(1, len(table)), parts - 1)), len(table)]
    states = []
    for start, stop in zip(bounds, bounds[1:]):
        state = qascore.QATotals(preset, **options)
        state.update(table.slice(start, stop - start))
        states.append(pickle.loads(pickle.dumps(state)))  # as a worker would send it
    while len(states) > 1:  # merge two random states until one is left: any order, any grouping
        left = states.pop(rng.randrange(len(states)))
        right = states.pop(rng.randrange(len(states)))
        states.append(left.merge(right))
    return states[0]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_merged_totals_give_the_official_figures_in_any_order(case):
    table = case_table(case)
    options = case_options(case)
    merged = [totals_of(table, case["preset"], parts, seed, **options).compute()
              for parts, seed in ((2, 0), (7, 1), (7, 2))]
    whole = qascore.QATotals(case["preset"], **options)
    whole.update(table)
    assert merged[0] == merged[1] == merged[2] == whole.compute()  # the same bits, however merged
    assert_matches(merged[0], case["expected"])
    direct = qascore.compute(prediction_records(case), reference_records(case["data"]), preset=case["preset"],
                             **options)
    assert list(merged[0]) == list(direct)  # the same keys in the same order
    assert_matches(merged[0], direct)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e300, 1e300) | st.floats(0, 1), max_size=60), st.randoms())
def test_exact_sum_is_the_exact_sum_in_any_order(values, rng):
    expected = sum(map(Fraction, values), Fraction(0))
    rng.shuffle(values)
    cut = rng.randint(0, len(values))
    left, right = RunningTotals(exact=True), RunningTotals(exact=True)
    left.add("x", values[:cut])
    right.add("x", values[cut:])
    assert exact_sum(np.array(values, dtype=np.float64)) == expected
    assert left.merge(right)._sums["x"] == expected


def test_left_to_right_totals_refuse_to_merge():
    with pytest.raises(ValueError, match="Only exact totals can be merged"):
        RunningTotals().merge(RunningTotals())


def table(predictions, answers, **more):
    return pa.table({"prediction": pa.array(predictions, pa.string()),
                     "answers": pa.array(answers, pa.list_(pa.string())), **more})


def test_missing_and_extra_rows_are_counted_and_refused_at_compute_only():
    rows = table(["Paris", None, "Oslo"], [["Paris"], ["Rome"], None])
    totals = qascore.QATotals("squad")
    totals.update(rows)  # no error inside a worker
    assert (totals.rows, totals.missing, totals.extra) == (3, 1, 1)
    with pytest.raises(ValueError, match="1 questions have no prediction"):
        totals.compute()
    lenient = qascore.QATotals("squad", missing="zero", extra="ignore")
    lenient.update(rows)
    assert lenient.compute() == qascore.compute(
        [{"id": "a", "prediction_text": "Paris"}, {"id": "c", "prediction_text": "Oslo"}],
        [{"id": "a", "answers": ["Paris"]}, {"id": "b", "answers": ["Rome"]}], missing="zero", extra="ignore")
    strict_extra = qascore.QATotals("squad", missing="zero")
    strict_extra.update(rows)
    with pytest.raises(ValueError, match="1 predictions have no reference"):
        strict_extra.compute()


def test_duplicate_ids_from_retried_batches_are_dropped_when_asked():
    case = CASES[14]  # squad_v2 with no-answer scores: best thresholds too
    rows = case_table(case)
    retried = pa.concat_tables([rows, rows.slice(100, 500), rows.slice(0, 3)])
    options = case_options(case)
    deduplicated = totals_of(retried, "squad_v2", 4, 0, drop_duplicate_ids=True, **options)
    assert deduplicated.duplicates == 503
    assert deduplicated.compute() == totals_of(rows, "squad_v2", 3, 1, **options).compute()
    assert_matches(deduplicated.compute(), case["expected"])
    counted_twice = totals_of(retried, "squad_v2", 4, 0, **options).compute()
    assert counted_twice["total"] == len(rows) + 503 - deduplicated.extra


def test_different_rows_under_one_id_are_refused():
    rows = table(["Paris", "Rome"], [["Paris"], ["Paris"]], id=["q1", "q1"])
    totals = qascore.QATotals("squad", drop_duplicate_ids=True)
    totals.update(rows)
    with pytest.raises(ValueError, match="Id 'q1' comes more than once with different rows"):
        totals.compute()


def test_pandas_frames_squad_answer_structs_and_renamed_columns():
    frame = pd.DataFrame({"pred": ["Denver Broncos", "the cat", ""],
                          "gold": [{"text": ["Denver Broncos"], "answer_start": [0]},
                                   {"text": ["a cat"], "answer_start": [3]}, {"text": [], "answer_start": []}],
                          "question": ["Who won?", "What sat?", "Where?"]})
    scores = qascore.score_batch(frame, "squad_v2", columns={"prediction": "pred", "answers": "gold", "input": "question"})
    assert isinstance(scores, pd.DataFrame)
    assert scores["f1"].tolist() == [1.0, 1.0, 1.0] and scores["has_answer"].tolist() == [True, True, False]
    totals = qascore.QATotals("squad_v2", columns={"prediction": "pred", "answers": "gold", "input": "question"})
    totals.update_scores(scores)
    expected = qascore.compute(frame["pred"].tolist(), [row["text"] for row in frame["gold"]],
                               inputs=frame["question"].tolist(), preset="squad_v2")
    assert [key for key in totals.compute()] == list(expected)
    assert_matches(totals.compute(), {key: value for key, value in expected.items() if not math.isnan(value)})


def test_abstentions_and_korean_normalisation_match_compute():
    predictions, answers = ["No answer.", "Paris", "서울특별시"], [[], ["Paris"], ["서울"]]
    for preset, options in (("squad_v2", {"map_abstentions": True}), ("korquad", {})):
        rows = table(predictions, answers) if preset == "squad_v2" else table(predictions[1:], answers[1:])
        totals = qascore.QATotals(preset, **options)
        totals.update(rows)
        plain = [predictions, answers] if preset == "squad_v2" else [predictions[1:], answers[1:]]
        assert_matches(totals.compute(), qascore.compute(*plain, preset=preset, **options))


@pytest.mark.parametrize("batch, error, message", [
    ({"prediction": ["a"]}, TypeError, "must be a pyarrow Table or RecordBatch or a pandas DataFrame"),
    (pa.table({"prediction": ["a"]}), ValueError, "no 'answers' column"),
    (pa.table({"prediction": [1], "answers": [["a"]]}), TypeError, "Column 'prediction' must hold strings"),
    (pa.table({"prediction": ["a"], "answers": ["a"]}), TypeError, "as a list of strings"),
    (pa.table({"prediction": ["a"], "answers": [["a", None]]}), ValueError, "null gold answer"),
    (pa.table({"prediction": ["a"], "answers": [[]]}), ValueError, "has no unanswerable questions"),
    (pa.table({"prediction": ["a"], "answers": [["a"]], "no_answer_probability": [0.5]}), ValueError,
     "has no unanswerable questions"),
])
def test_bad_batches_are_refused_where_they_enter(batch, error, message):
    with pytest.raises(error, match=message):
        qascore.QATotals("squad").update(batch)


def test_bad_settings_are_refused_when_the_totals_are_made():
    with pytest.raises(ValueError, match="cannot give confidence intervals"):
        qascore.QATotals("squad", confidence_level=0.95)
    with pytest.raises(ValueError, match="'prediction_text' is not one of them"):
        qascore.QATotals("squad", columns={"prediction_text": "text"})
    with pytest.raises(ValueError, match="same settings"):
        qascore.QATotals("squad").merge(qascore.QATotals("korquad"))
    totals = qascore.QATotals("squad_v2")
    totals.update(table(["a"], [["a"]], no_answer_probability=[0.1]))
    with pytest.raises(ValueError, match="'no_answer_probability' was given with some batches but not others"):
        totals.update(table(["a"], [["a"]]))


@pytest.mark.parametrize("preset", [name for name, preset in qascore.PRESETS.items() if preset.family is not None])
def test_family_presets_are_refused_with_what_to_use(preset):
    with pytest.raises(ValueError, match=f"preset '{preset}' has rules of its own: score it with qascore.compute"):
        qascore.QATotals(preset)
    with pytest.raises(ValueError, match="has rules of its own"):
        qascore.score_batch(pa.table({"prediction": ["Paris"], "answers": [["Paris"]]}), preset)


@pytest.mark.parametrize("options", [{"lenient": True}, {"extract_answers": True}])
def test_lenient_and_extraction_keys_are_refused(options):
    with pytest.raises(ValueError, match="not computed by the batch kernel and QATotals"):
        qascore.QATotals("squad", **options)
