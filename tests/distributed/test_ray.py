"""Scoring on a real local Ray cluster (two worker processes, no mocks) gives qascore.compute's figures."""

import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from helpers_distributed import case_table

import qascore

from conftest import assert_matches, case_options, official_cases, prediction_records, reference_records

ray = pytest.importorskip("ray", reason="the Ray test needs pip install qascore[ray]")
from qascore.distributed.ray import dataset_totals  # noqa: E402

CASES, CASE_IDS = official_cases()


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=200 * 2**20)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    yield
    ray.shutdown()


def test_import_qascore_loads_no_engine():
    code = "import sys, qascore; qascore.compute(['a'], [['a']]); print([m for m in ('ray', 'pyarrow', 'pandas') if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


@pytest.mark.parametrize("index", [0, 14], ids=[CASE_IDS[0], CASE_IDS[14]])
def test_parquet_scored_on_two_workers_equals_compute(cluster, tmp_path, index):
    case = CASES[index]
    rows = case_table(case)
    part = -(-len(rows) // 4)
    for index in range(4):
        pq.write_table(rows.slice(index * part, part), tmp_path / f"rows-{index}.parquet", row_group_size=1000)
    dataset = ray.data.read_parquet(str(tmp_path)).repartition(4)  # Ray reads small files in one task
    totals = dataset_totals(dataset, case["preset"], batch_size=1500, **case_options(case))

    direct = qascore.compute(prediction_records(case), reference_records(case["data"]), preset=case["preset"],
                             **case_options(case))
    results = totals.compute()
    assert list(results) == list(direct)
    assert_matches(results, direct)
    assert_matches(results, case["expected"])
    assert totals.rows == len(rows)

    def pid_after_a_pause(batch):  # nested, so Ray ships it by value (workers cannot import this test file)
        import time

        time.sleep(0.3)  # long enough that both workers take batches
        return {"pid": [os.getpid()] * len(batch["id"])}

    # the batches really ran in two worker processes, neither of them the driver
    pids = {pid for block in dataset.map_batches(pid_after_a_pause, batch_size=1500).iter_batches(batch_format="pyarrow")
            for pid in block.column("pid").to_pylist()}
    assert len(pids) >= 2 and os.getpid() not in pids


def test_bad_options_are_refused_on_the_driver(cluster):
    with pytest.raises(ValueError, match="Unknown preset"):
        dataset_totals(ray.data.range(3), "squad3")
    with pytest.raises(TypeError, match="must be a ray.data.Dataset"):
        dataset_totals([{"prediction": "a"}], "squad")

