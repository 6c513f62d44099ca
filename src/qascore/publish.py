"""Publish a metric folder (such as ``metrics/qa_em_f1``) as a Hugging Face Space.

``evaluate-cli`` cannot do this any more (it imports ``huggingface_hub.Repository``, removed in
huggingface_hub 1.0), so this module uses today's HTTP API: ``HfApi.create_repo`` with the
gradio SDK, then ``HfApi.upload_folder``. Before uploading, the folder is copied to a staging
directory and the ``qascore`` line of its requirements.txt is pinned to the installed version,
so the Space runs the same scorer that was tested here.

>>> import pathlib, tempfile
>>> source = pathlib.Path(tempfile.mkdtemp())
>>> _ = (source / "README.md").write_text("---\\nsdk: gradio\\napp_file: app.py\\n---\\n")
>>> _ = (source / "app.py").write_text("print('hi')\\n")
>>> _ = (source / "requirements.txt").write_text("gradio\\nqascore>=0.0\\n")
>>> staged = stage_space_folder(source, pathlib.Path(tempfile.mkdtemp()) / "out")
>>> sorted(path.name for path in staged.iterdir())
['README.md', 'app.py', 'requirements.txt']
>>> (staged / "requirements.txt").read_text() == f"gradio\\nqascore=={__version__}\\n"
True
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from qascore._version import __version__

__all__ = ["pin_requirements", "stage_space_folder", "check_repo_id", "push_space"]

_SKIPPED_NAMES = {"__pycache__", ".git", ".ipynb_checkpoints", ".pytest_cache"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
_QASCORE_REQUIREMENT = re.compile(r"^\s*qascore\s*(\[[^\]]*\])?\s*([<>=!~].*)?$", re.IGNORECASE)


def pin_requirements(text: str, *, version: str = __version__) -> str:
    """Pin the ``qascore`` requirement (keeping any extras) to ``version``; add it if absent.

    >>> pin_requirements("gradio>=5\\nqascore[evaluate]>=0.1\\n", version="1.2.3")
    'gradio>=5\\nqascore[evaluate]==1.2.3\\n'
    >>> pin_requirements("gradio\\n", version="1.2.3")
    'gradio\\nqascore==1.2.3\\n'
    """
    lines = text.splitlines()
    pinned, found = [], False
    for line in lines:
        match = _QASCORE_REQUIREMENT.match(line.split("#", 1)[0])
        if match:
            found = True
            line = f"qascore{match.group(1) or ''}=={version}"
        pinned.append(line)
    if not found:
        pinned.append(f"qascore=={version}")
    return "\n".join(pinned) + "\n"


def stage_space_folder(source: str | os.PathLike, destination: str | os.PathLike) -> Path:
    """Write to ``destination`` exactly the files a push of ``source`` uploads, and return it.

    Caches and bytecode are left out; requirements.txt gets the pinned ``qascore`` line.
    ``destination`` must not exist yet or be an empty directory.
    """
    source, destination = Path(source), Path(destination)
    _check_space_folder(source)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ValueError(f"{destination}: already exists and is not an empty directory; choose a new path")
    shutil.copytree(
        source,
        destination,
        dirs_exist_ok=True,
        ignore=lambda _, names: [n for n in names if n in _SKIPPED_NAMES or n.endswith(_SKIPPED_SUFFIXES)],
    )
    requirements = destination / "requirements.txt"
    requirements.write_text(pin_requirements(requirements.read_text(encoding="utf-8")), encoding="utf-8")
    return destination


def _check_space_folder(source: Path) -> None:
    if not source.is_dir():
        raise ValueError(f"{source}: not a directory; give the metric folder, e.g. metrics/qa_em_f1")
    for required in ("README.md", "app.py", "requirements.txt"):
        if not (source / required).is_file():
            raise ValueError(f"{source}: has no {required}; a Space folder needs README.md, app.py and requirements.txt")
    front_matter = (source / "README.md").read_text(encoding="utf-8")
    if not front_matter.startswith("---") or not re.search(r"^sdk:\s*gradio\s*$", front_matter, re.MULTILINE):
        raise ValueError(f"{source}/README.md: must start with Space front matter declaring 'sdk: gradio'")


def check_repo_id(repo_id: str, source: str | os.PathLike | None = None) -> str:
    """Refuse anything but ``USER/NAME``; with a metric folder, NAME must match its script.

    ``evaluate.load("USER/NAME")`` fetches ``NAME.py`` from the Space, so a folder holding
    ``qa_em_f1.py`` must be pushed to a Space called ``qa_em_f1``.

    >>> check_repo_id("qa_em_f1")
    Traceback (most recent call last):
    ...
    ValueError: repo_id must look like USER/NAME (e.g. alice/qa_em_f1), got 'qa_em_f1'
    """
    if not isinstance(repo_id, str) or repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise ValueError(f"repo_id must look like USER/NAME (e.g. alice/qa_em_f1), got {repo_id!r}")
    if source is not None:
        source = Path(source)
        script = source / f"{source.name}.py"
        name = repo_id.split("/")[1]
        if script.is_file() and name != source.name:
            raise ValueError(
                f"evaluate.load('{repo_id}') would look for {name}.py, but the metric script is {script.name}; "
                f"push to a Space named {source.name} (e.g. {repo_id.split('/')[0]}/{source.name})"
            )
    return repo_id


def push_space(
    source: str | os.PathLike,
    *,
    repo_id: str,
    token: str | None = None,
    private: bool | None = None,
    endpoint: str | None = None,
    commit_message: str = "Upload metric Space with qascore",
) -> str:
    """Create (or reuse) the gradio Space ``repo_id`` and upload the staged ``source``; return the commit URL.

    ``token`` and ``endpoint`` default to huggingface_hub's own (``HF_TOKEN``, ``HF_ENDPOINT``).
    """
    try:
        from huggingface_hub import HfApi, get_token
    except ImportError:
        raise ImportError("pushing a Space needs huggingface_hub: pip install 'qascore[space]'") from None

    check_repo_id(repo_id, source)
    if token is None and get_token() is None:
        raise ValueError("no Hugging Face token: run `hf auth login` or set HF_TOKEN, then push again")
    api = HfApi(endpoint=endpoint, token=token)
    with tempfile.TemporaryDirectory(prefix="qascore-space-") as staging:
        folder = stage_space_folder(source, Path(staging) / "space")
        api.create_repo(repo_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True)
        commit = api.upload_folder(
            folder_path=folder, repo_id=repo_id, repo_type="space", commit_message=commit_message
        )
    return commit.commit_url
