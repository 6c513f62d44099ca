"""Describe the machine and library versions a benchmark ran on.

>>> description = describe()
>>> {"cpu", "cores", "memory", "python"} <= set(description)
True
"""

import importlib.metadata
import os
import platform
import re

LIBRARIES = ("qascore", "evaluate", "datasets", "pyarrow", "numpy", "torch", "torchmetrics", "transformers",
             "tokenizers")


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            info = handle.read()
    except OSError:
        return platform.processor() or "unknown"
    name = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    family = re.search(r"^cpu family\s*:\s*(\d+)$", info, re.MULTILINE)
    model = re.search(r"^model\s*:\s*(\d+)$", info, re.MULTILINE)
    text = name.group(1).strip() if name else "unknown"
    if family and model:
        text += f" (family {family.group(1)}, model {model.group(1)})"
    return text


def _memory():
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            kib = int(re.search(r"^MemTotal:\s+(\d+) kB", handle.read(), re.MULTILINE).group(1))
        return f"{kib / 1024 ** 2:.1f} GiB"
    except (OSError, AttributeError):
        return "unknown"


def _version(name):
    if name == "qascore":  # the imported package, which may be a checkout shadowing the installed one
        import qascore

        return qascore.__version__
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def describe():
    """CPU model, usable cores, memory, OS, Python and the versions of the libraries compared."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": f"{usable} usable ({os.cpu_count()} logical)",
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        **{name: _version(name) for name in LIBRARIES},
    }
