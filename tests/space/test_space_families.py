"""The Space with the presets of qascore.families: the upload tab reads each benchmark's own files and
gives its official script's figures (../shared/data/expected_opendomain.json and expected_rc.json),
and /compute equals qascore.compute on plain lists."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

import qascore

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/space: the app tests' helpers
from helpers_space import SHARED_DATA, running_space_app  # noqa: E402
from test_space_app import OUTPUTS, read_downloads  # noqa: E402

gradio_client = pytest.importorskip("gradio_client")

FAMILY_PRESETS = sorted(name for name, preset in qascore.PRESETS.items() if preset.family is not None)
#: Options the Space's upload tab has no control for, with their defaults.
UNSUPPORTED_OPTIONS = {"answer_field": "answer", "skip_no_answer": False}


def first_case(preset: str) -> dict:
    """The preset's first official case that needs no option the upload tab lacks."""
    for name in ("expected_opendomain.json", "expected_rc.json"):
        for case in json.loads((SHARED_DATA / name).read_text()):
            if case["preset"] == preset and all(case.get(option, default) == default
                                                  for option, default in UNSUPPORTED_OPTIONS.items()):
                return case
    raise AssertionError(f"no official case for {preset}")


def assert_figures_equal(got: dict, expected: dict) -> None:
    assert set(expected) <= set(got)
    for key, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert got[key] is None or math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(value, rel=0, abs=1e-9), key


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with running_space_app() as url:
        yield gradio_client.Client(url, verbose=False, download_files=str(tmp_path_factory.mktemp("downloads")))


@pytest.mark.parametrize("preset", FAMILY_PRESETS)
def test_upload_tab_gives_the_official_figures(client, preset):
    case = first_case(preset)
    files = [gradio_client.handle_file(str(SHARED_DATA / case[name])) for name in ("data", "predictions")]
    # keep_last: repeated ids keep the last value, as the official scripts' dicts do
    outputs = dict(zip(OUTPUTS, client.predict(*files, None, preset, "en", True, api_name="/score_uploaded")))
    summary, rows = read_downloads(client, outputs)
    assert_figures_equal(summary["results"], case["expected"])
    assert summary["signature"].startswith(f"preset:{preset}|")
    assert len(rows) == summary["counts"]["questions"]


@pytest.mark.parametrize("preset", [name for name in FAMILY_PRESETS if name not in ("drop", "hotpotqa", "coqa")])
def test_compute_endpoint_equals_qascore_compute(client, preset):
    predictions = ["Denver Broncos", "Santa Clara", "1990s"]
    references = [["Denver Broncos", "The Broncos"], ["Santa Clara, California"], ["1990"]]
    got = client.predict(json.dumps(predictions), json.dumps(references), preset, "", api_name="/compute")
    assert got == qascore.compute(predictions, references, preset=preset)
