"""The README's examples run, so it cannot drift from the code; its two set-up commands are the ones CI runs."""

import doctest
import re

from conftest import REPO_ROOT

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
