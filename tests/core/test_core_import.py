"""``import qascore`` stays light: no torch, transformers, evaluate or datasets until asked for."""

import subprocess
import sys

HEAVY = ("torch", "transformers", "evaluate", "datasets", "gradio", "matplotlib")


def _loaded_after(statement):
    code = f"import sys\n{statement}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_import_qascore_loads_nothing_heavy():
    assert _loaded_after("import qascore; qascore.compute(['a'], [['a']])") == ""


def test_adapters_are_exported_lazily():
    assert _loaded_after("import qascore; qascore.QAComputeMetrics; qascore.ExtractiveQAComputeMetrics") == ""
