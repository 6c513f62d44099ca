"""The README's examples run, so it cannot drift from the code; its two set-up commands are the ones CI runs.

Its Python blocks run as doctests; every command of the ```bash blocks of README.md (outside "## Set up")
and examples/README.md runs as written, after the set-up, in a copy of the repository.
"""

import configparser
import doctest
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import REPO_ROOT, SHARED_DATA

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_python_examples_run(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)  # the examples load ./metrics/qa_em_f1
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert len(blocks) >= 10
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README example(s) failed (output above)"


def test_readme_gives_exactly_two_setup_commands_and_ci_runs_the_test_one():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", setup, flags=re.S)
    assert len(commands) == 2
    demo, tests = commands
    assert "qascore" in demo and "demo" in demo
    assert "pytest" in tests and "torch==2.13.0" in tests
    assert tests in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the shell commands


EXAMPLES_README = (REPO_ROOT / "examples" / "README.md").read_text(encoding="utf-8")
VENV_BIN = ".venv/bin/"
# Commands too long for a test: the example's training run takes minutes even with its quick flag
# (--max-steps 200), so for it the test runs the same command with --help appended (argparse prints
# the help and exits 0 before any training) and checks that every option the command uses is one
# the script accepts. examples/README.md gives the measured numbers of a full run.
TOO_LONG = ("examples/seq2seq_squad.py",)
COPY_IGNORE = (".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info", "build", "dist",
               "plots", "staged")


def shell_commands(markdown, *, skip_section=None):
    """Every command (one per line, ``\\`` continuations joined) of the ```bash blocks of ``markdown``."""
    if skip_section is not None:
        before, _, after = markdown.partition(f"\n{skip_section}\n")
        markdown = before + "\n" + (after.split("\n## ", 1)[1] if "\n## " in after else "")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", markdown, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line.strip())
    return commands


README_COMMANDS = shell_commands(README, skip_section="## Set up")
EXAMPLES_COMMANDS = shell_commands(EXAMPLES_README)


def test_readme_shell_blocks_are_found():
    assert len(README_COMMANDS) >= 6 and len(EXAMPLES_COMMANDS) >= 2
    assert "## Set up" in README and not any("pip install" in command for command in README_COMMANDS)


@pytest.mark.parametrize("command", README_COMMANDS + EXAMPLES_COMMANDS)
def test_readme_command_uses_the_set_up_environment(command):
    """The set-up installs into .venv without activating it, so a bare `qascore` or `python` would not be found."""
    words = shlex.split(command, comments=True)
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):  # VAR=value prefixes
        words.pop(0)
    assert words and words[0].startswith(VENV_BIN), f"{command!r} does not run a program of {VENV_BIN}"


@pytest.fixture
def repository_copy(tmp_path):
    """A fresh copy of the repository with ../shared/data beside it, as on a fresh clone."""
    copy = tmp_path / "qascore"
    shutil.copytree(REPO_ROOT, copy, ignore=shutil.ignore_patterns(*COPY_IGNORE), symlinks=True)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(SHARED_DATA.resolve(), target_is_directory=True)
    return copy


@pytest.mark.parametrize("command", README_COMMANDS + EXAMPLES_COMMANDS)
def test_readme_command_runs_as_written(command, repository_copy):
    """Each command, from the root of a copy of the repository, with .venv/bin/ the running interpreter's."""
    too_long = any(script in command for script in TOO_LONG)
    runnable = command.replace(VENV_BIN, os.path.dirname(sys.executable) + "/")
    if too_long:
        runnable = re.sub(r"\s+#.*$", "", runnable) + " --help"
    env = dict(os.environ)
    # The copy's own code, whichever checkout the environment's editable install points at.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repository_copy / "src"), env.get("PYTHONPATH")]))
    done = subprocess.run(runnable, shell=True, executable="/bin/bash", cwd=repository_copy, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{command!r} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{command!r} printed nothing (stderr: {done.stderr})"
    if too_long:
        assert done.stdout.startswith("usage:"), done.stdout
        for option in re.findall(r"(?<!\S)(--[a-z][a-z-]*)", re.sub(r"\s+#.*$", "", command)):
            assert option in done.stdout, f"{command!r}: {option} is not an option of the script"
    for output in re.findall(r"--(?:plots|dry-run)\s+(\S+)", command):
        assert any((repository_copy / output).iterdir()), f"{command!r} wrote nothing to {output}"


# ---------------------------------------------------------------- --plots and matplotlib


def test_demo_install_brings_matplotlib_for_plots():
    """The demo's set-up installs .[evaluate]; `qascore score --plots` in the README needs matplotlib."""
    config = configparser.ConfigParser()
    config.read(REPO_ROOT / "setup.cfg", encoding="utf-8")
    extra = config["options.extras_require"]["evaluate"].split()
    assert any(requirement.startswith("matplotlib") for requirement in extra), extra


def test_plots_without_matplotlib_say_what_to_install(monkeypatch, tmp_path, capsys):
    from qascore.cli import main

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    data = REPO_ROOT / "src" / "qascore" / "data"
    status = main(["score", str(data / "squad-v1.1-dev-sample.json"), str(data / "bert-ensemble-sample-predictions.json"),
                   "--plots", str(tmp_path / "plots"), "--json"])
    assert status == 2
    error = capsys.readouterr().err
    assert "plots need matplotlib" in error and "pip install matplotlib" in error, error
    assert not (tmp_path / "plots").exists() or not any((tmp_path / "plots").iterdir())
