"""The Space's README (front matter and metric card) and requirements.txt cannot drift from the code.

Every ```python block of the card runs here. After a line that starts with ``print(``, the
comment line that follows is the exact output expected. Two substitutions point the examples
at this checkout instead of the Hub: ``evaluate.load("USER/qa_em_f1"`` loads the metric
folder, and ``Client("USER/qa_em_f1")`` connects to app.py started on a loopback port.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex

import pytest
import yaml

import qascore
from qascore.cli import build_parser

from helpers_space import METRIC_FOLDER, expected_cases, load_space_app_module, running_space_app

CARD = (METRIC_FOLDER / "README.md").read_text(encoding="utf-8")
FRONT_MATTER = yaml.safe_load(CARD.split("---\n")[1])
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", CARD, flags=re.DOTALL)
PYTHON_BLOCKS = [code for language, code in BLOCKS if language == "python"]


def expected_output(code: str) -> str:
    lines = code.splitlines()
    wanted = []
    for line, following in zip(lines, lines[1:]):
        if line.startswith("print(") and following.startswith("# "):
            wanted.append(following[2:])
    return "\n".join(wanted) + "\n"


def test_front_matter_declares_a_gradio_metric_space():
    gradio = pytest.importorskip("gradio")
    assert FRONT_MATTER["sdk"] == "gradio"
    assert FRONT_MATTER["sdk_version"] == gradio.__version__  # the gradio the tests run with
    assert (METRIC_FOLDER / FRONT_MATTER["app_file"]).is_file()
    assert {"evaluate", "metric"} <= set(FRONT_MATTER["tags"])
    for key in ("title", "emoji", "colorFrom", "colorTo", "description"):
        assert FRONT_MATTER[key], key


def test_requirements_pin_the_released_qascore():
    lines = (METRIC_FOLDER / "requirements.txt").read_text().splitlines()
    assert f"qascore=={qascore.__version__}" in lines
    assert not any(line.startswith("gradio") for line in lines)  # the Space SDK brings gradio (sdk_version)


def test_card_has_its_sections_and_cites_every_official_scorer():
    for section in ("Metric Description", "How to Use", "Inputs", "Output Values", "Limitations and Bias", "Citation"):
        assert f"## {section}" in CARD or f"### {section}" in CARD, section
    for key in ("rajpurkar-etal-2016-squad", "rajpurkar-etal-2018-know", "lim2019korquad1", "lewis-etal-2020-mlqa"):
        assert f"{{{key}," in CARD
    for preset in qascore.PRESETS.values():
        scripts = [word for word in preset.scorer.split() if word.endswith(".py")] or ["has_answer"]  # DPR's rule
        assert f"`{preset.name}`" in CARD, preset.name
        for script in scripts:
            assert f"`{script}`" in CARD, preset.name


def test_quoted_leaderboard_figures_are_the_official_ones():
    cases = {case["predictions"].rsplit("/", 1)[-1]: case["expected"] for case in expected_cases() if "no_answer_threshold" not in case}
    v11, v20 = cases["bert-ensemble_google.json"], cases["bert-single_google.json"]
    assert f"{v11['exact_match']:.1f} EM and {v11['f1']:.1f} F1 on SQuAD v1.1 dev" in " ".join(CARD.split())
    assert f"{v20['exact']:.1f} EM and {v20['f1']:.1f} F1 on SQuAD v2.0 dev" in " ".join(CARD.split())


def test_stated_request_limits_are_the_apps():
    app = load_space_app_module()
    text = " ".join(CARD.split())
    assert f"capped at {app.MAX_CHARACTERS:,} characters per text field, {app.MAX_EXAMPLES:,} questions" in text
    assert f"and {app.MAX_FILE_SIZE.upper().replace('MB', ' MB')} per file" in text


def test_command_line_examples_parse():
    commands = [line for language, code in BLOCKS if language == "bash" for line in code.splitlines() if line.startswith("qascore ")]
    assert len(commands) >= 3
    for command in commands:
        build_parser().parse_args(shlex.split(command)[1:])


@pytest.fixture(scope="module")
def space_url():
    with running_space_app() as url:
        yield url


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_python_example_prints_what_the_card_says(index, request):
    code = PYTHON_BLOCKS[index]
    wanted = expected_output(code)
    assert wanted.strip(), "every example shows its output in a comment after print(...)"
    code = code.replace('evaluate.load("USER/qa_em_f1"', f'evaluate.load("{METRIC_FOLDER}"')
    if 'Client("USER/qa_em_f1")' in code:
        code = code.replace('Client("USER/qa_em_f1")', f'Client("{request.getfixturevalue("space_url")}", verbose=False)')
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"README.md python block {index}", "exec"), {"__name__": "card_example"})
    assert printed.getvalue() == wanted


def test_documented_api_endpoints_and_parameters_are_the_apps(space_url):
    """Every `/name(parameters)` the card quotes is an endpoint of the running app with those
    parameter names, and every named endpoint of the app is quoted."""
    import json
    import urllib.parse
    import urllib.request

    documented = {
        name: [parameter.strip() for parameter in parameters.split(",")]
        for name, parameters in re.findall(r"`(/\w+)\(([^)`]*)\)`", CARD)
    }
    with urllib.request.urlopen(urllib.parse.urljoin(space_url, "gradio_api/info?all_endpoints=True"), timeout=30) as response:
        endpoints = json.load(response)["named_endpoints"]
    served = {name: [parameter["parameter_name"] for parameter in endpoint["parameters"]] for name, endpoint in endpoints.items()}
    assert documented == served
    assert documented["/compute"] == ["predictions", "references", "preset", "language"]
