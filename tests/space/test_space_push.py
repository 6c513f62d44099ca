"""``qascore space push`` against a loopback stand-in for the Hugging Face Hub HTTP API.

The real ``huggingface_hub`` client (HfApi.create_repo + upload_folder) talks to
``helpers_space.LoopbackHub`` through HF_ENDPOINT with a fake HF_TOKEN; the stand-in records
every request and the files it receives. No request leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import qascore
from qascore.cli import main
from qascore.publish import stage_space_folder

from helpers_space import METRIC_FOLDER, REPO_ROOT, LoopbackHub

pytest.importorskip("huggingface_hub")

FAKE_TOKEN = "hf_loopback_fake_token"


def folder_files(folder) -> dict:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def push(arguments, *, endpoint, token, home) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("HF_", "HUGGING_FACE"))
    }
    environment.update(
        PYTHONPATH=str(REPO_ROOT / "src"),
        HF_ENDPOINT=endpoint,
        HF_HOME=str(home),  # no stored token from this machine
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
    )
    if token:
        environment["HF_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "qascore", "space", "push", *arguments],
        capture_output=True, text=True, env=environment, timeout=120, cwd=REPO_ROOT,
    )


def test_dry_run_writes_the_folder_with_the_pinned_requirement(tmp_path, capsys):
    out = tmp_path / "space"
    assert main(["space", "push", str(METRIC_FOLDER), "--repo-id", "alice/qa_em_f1", "--dry-run", str(out)]) == 0
    staged = folder_files(out)
    source = {name: data for name, data in folder_files(METRIC_FOLDER).items() if "__pycache__" not in name}
    assert set(staged) == set(source) >= {"README.md", "app.py", "qa_em_f1.py", "requirements.txt"}
    for name in source:
        if name != "requirements.txt":
            assert staged[name] == source[name], name
    assert f"qascore=={qascore.__version__}" in staged["requirements.txt"].decode().splitlines()
    printed = capsys.readouterr().out
    assert str(out) in printed and "requirements.txt" in printed


def test_push_creates_a_gradio_space_and_uploads_exactly_the_dry_run_folder(tmp_path):
    dry_run = stage_space_folder(METRIC_FOLDER, tmp_path / "dry-run")
    with LoopbackHub() as hub:
        first = push([str(METRIC_FOLDER), "--repo-id", "alice/qa_em_f1"], endpoint=hub.endpoint, token=FAKE_TOKEN, home=tmp_path)
        assert first.returncode == 0, first.stderr
        second = push([str(METRIC_FOLDER), "--repo-id", "alice/qa_em_f1"], endpoint=hub.endpoint, token=FAKE_TOKEN, home=tmp_path)
        assert second.returncode == 0, second.stderr  # the Space exists: create_repo(exist_ok=True) accepts the 409

    assert hub.unexpected_calls() == []
    creations = [body for method, path, body in hub.calls if path == "/api/repos/create"]
    assert creations == [{"name": "qa_em_f1", "organization": "alice", "type": "space", "sdk": "gradio"}] * 2
    paths = [path for _, path, _ in hub.calls]
    assert paths == [
        "/api/repos/create", "/api/validate-yaml", "/api/spaces/alice/qa_em_f1/preupload/main", "/api/spaces/alice/qa_em_f1/commit/main",
    ] * 2
    assert hub.repos["spaces/alice/qa_em_f1"]["sdk"] == "gradio"
    assert hub.repos["spaces/alice/qa_em_f1"]["files"] == folder_files(dry_run)
    assert [commit["summary"] for commit in hub.commits] == ["Upload metric Space with qascore"] * 2
    assert "pushed" in first.stdout and "/spaces/alice/qa_em_f1/commit/" in first.stdout


def test_push_without_a_token_or_with_a_bad_repo_id_fails_clearly(tmp_path):
    with LoopbackHub() as hub:
        no_token = push([str(METRIC_FOLDER), "--repo-id", "alice/qa_em_f1"], endpoint=hub.endpoint, token=None, home=tmp_path)
        bad_id = push([str(METRIC_FOLDER), "--repo-id", "qa_em_f1"], endpoint=hub.endpoint, token=FAKE_TOKEN, home=tmp_path)
    assert no_token.returncode == 2 and "no Hugging Face token" in no_token.stderr
    assert bad_id.returncode == 2 and "USER/NAME" in bad_id.stderr
    assert hub.calls == []


def test_the_space_name_must_match_the_metric_script(tmp_path, capsys):
    status = main(["space", "push", str(METRIC_FOLDER), "--repo-id", "alice/squad_scores", "--dry-run", str(tmp_path / "out")])
    assert status == 2 and not (tmp_path / "out").exists()
    assert "would look for squad_scores.py, but the metric script is qa_em_f1.py" in capsys.readouterr().err


def test_a_folder_that_is_not_a_space_is_refused(tmp_path):
    (tmp_path / "README.md").write_text("# no front matter\n")
    (tmp_path / "app.py").write_text("")
    (tmp_path / "requirements.txt").write_text("")
    with pytest.raises(ValueError, match="front matter declaring 'sdk: gradio'"):
        stage_space_folder(tmp_path, tmp_path / "out")
    with pytest.raises(ValueError, match="has no README.md"):
        stage_space_folder(METRIC_FOLDER.parent, tmp_path / "out2")
