"""Helpers for the Space and CLI tests: official cases, a loopback Hub, the app as a subprocess, Chromium."""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from conftest import METRIC_DIR as METRIC_FOLDER  # the lead's conftest finds ../shared/data (or QASCORE_SHARED_DATA)
from conftest import REPO_ROOT, SHARED_DATA

_SPACE_SDKS = {"gradio", "docker", "static", "streamlit"}


def expected_cases() -> list[dict]:
    """The 25 cases of ../shared/data/expected.json (figures printed by the official scorers)."""
    return json.loads((SHARED_DATA / "expected.json").read_text())


class LoopbackHub:
    """A stand-in for the parts of the Hugging Face Hub HTTP API that a Space upload uses.

    It listens on 127.0.0.1 only and records every request in ``calls`` as
    ``(method, path, body)``. Implemented endpoints (as called by huggingface_hub 2.4):

    * ``POST /api/validate-yaml``: checks the README front matter parses and, for a Space,
      names a known ``sdk`` (400 with ``errors`` otherwise, like the Hub);
    * ``POST /api/repos/create``: creates a repo; 409 if it exists (``exist_ok=True`` accepts that);
    * ``POST /api/{type}s/{repo}/preupload/{rev}``: answers "regular" for every file, so small
      text files travel inside the commit (no LFS or xet transfer);
    * ``POST /api/{type}s/{repo}/commit/{rev}``: decodes the ndjson commit and stores the files.

    Any other request is recorded and answered 404, so a test can assert that none happened.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, object]] = []
        self.repos: dict[str, dict] = {}  # "spaces/user/name" -> {"sdk", "private", "files": {path: bytes}}
        self.commits: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "LoopbackHub":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()

    def unexpected_calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, body in self.calls if body == "unhandled"]

    # ---------------------------------------------------------------- request handling

    def _handler_class(self):
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                hub._unhandled(self)

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Authorization") != "Bearer hf_loopback_fake_token":
                    hub.calls.append(("POST", path, "unauthorised"))
                    return hub._reply(self, 401, {"error": "Invalid credentials"})
                parts = path.strip("/").split("/")
                if path == "/api/validate-yaml":
                    return hub._validate_yaml(self, json.loads(body))
                if path == "/api/repos/create":
                    return hub._create_repo(self, json.loads(body))
                if len(parts) >= 6 and parts[0] == "api" and parts[4] == "preupload":
                    return hub._preupload(self, "/".join(parts[1:4]), path, json.loads(body))
                if len(parts) >= 6 and parts[0] == "api" and parts[4] == "commit":
                    return hub._commit(self, "/".join(parts[1:4]), path, body)
                hub._unhandled(self)

        return Handler

    def _reply(self, handler, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _unhandled(self, handler) -> None:
        self.calls.append((handler.command, urlsplit(handler.path).path, "unhandled"))
        self._reply(handler, 404, {"error": f"loopback hub does not implement {handler.command} {handler.path}"})

    def _validate_yaml(self, handler, payload: dict) -> None:
        self.calls.append(("POST", "/api/validate-yaml", payload))
        errors = []
        content = payload["content"]
        if not content.startswith("---\n") or "\n---\n" not in content[3:]:
            errors.append({"message": "README.md has no YAML front matter between --- lines"})
        else:
            try:
                metadata = yaml.safe_load(content[4 : content.index("\n---\n", 3)])
            except yaml.YAMLError as error:
                metadata, errors = None, [{"message": f"invalid YAML: {error}"}]
            if not errors and not isinstance(metadata, dict):
                errors.append({"message": "front matter must be a mapping"})
            elif not errors and payload.get("repoType") == "space" and metadata.get("sdk") not in _SPACE_SDKS:
                errors.append({"message": f"sdk must be one of {sorted(_SPACE_SDKS)}"})
        self._reply(handler, 400 if errors else 200, {"errors": errors, "warnings": []})

    def _create_repo(self, handler, payload: dict) -> None:
        self.calls.append(("POST", "/api/repos/create", payload))
        key = f"{payload['type']}s/{payload['organization']}/{payload['name']}"
        if key in self.repos:
            return self._reply(handler, 409, {"error": "You already created this space repo", "url": self._url(key)})
        self.repos[key] = {"sdk": payload.get("sdk"), "visibility": payload.get("visibility"), "files": {}}
        self._reply(handler, 200, {"url": self._url(key), "name": key.split("/", 1)[1]})

    def _preupload(self, handler, key: str, path: str, payload: dict) -> None:
        self.calls.append(("POST", path, payload))
        if key not in self.repos:
            return self._reply(handler, 404, {"error": "Repository not found"})
        files = [
            {"path": item["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": None}
            for item in payload["files"]
        ]
        self._reply(handler, 200, {"files": files, "commitOid": "0" * 40})

    def _commit(self, handler, key: str, path: str, body: bytes) -> None:
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        self.calls.append(("POST", path, lines))
        if key not in self.repos:
            return self._reply(handler, 404, {"error": "Repository not found"})
        header = next(line["value"] for line in lines if line["key"] == "header")
        received = {}
        for line in lines:
            if line["key"] == "file":
                assert line["value"]["encoding"] == "base64"
                received[line["value"]["path"]] = base64.b64decode(line["value"]["content"])
            elif line["key"] != "header":
                received[line["value"]["path"]] = line  # LFS/xet/deletion: recorded as is, not expected here
        self.repos[key]["files"].update(received)
        oid = f"{len(self.commits) + 1:040x}"
        self.commits.append({"repo": key, "summary": header["summary"], "files": received})
        self._reply(handler, 200, {"commitUrl": f"{self._url(key)}/commit/{oid}", "commitOid": oid})

    def _url(self, key: str) -> str:
        return f"{self.endpoint}/{key}"


def case_arguments(case: dict) -> list[str]:
    """``qascore score`` arguments reproducing one expected.json case (the official script's options)."""
    arguments = ["score", str(SHARED_DATA / case["data"]), str(SHARED_DATA / case["predictions"]), "--preset", case["preset"]]
    if "language" in case:
        arguments += ["--language", case["language"]]
    if "no_answer_probability" in case:
        arguments += ["--na-prob-file", str(SHARED_DATA / case["no_answer_probability"])]
    if "no_answer_threshold" in case:
        arguments += ["--na-prob-thresh", repr(case["no_answer_threshold"])]
    return arguments


def case_name(case: dict) -> str:
    name = f"{case['preset']}-{Path(case['predictions']).stem}"
    if "no_answer_threshold" in case:
        name += f"-thresh{case['no_answer_threshold']:g}"
    return name


# ---------------------------------------------------------------- the Space app as a subprocess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_space_app(timeout: float = 90.0):
    """Start metrics/qa_em_f1/app.py on a loopback port (GRADIO_SERVER_NAME/PORT); yield its URL."""
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT / "src"),
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "MPLBACKEND": "Agg",
    }
    # The app's output goes to a file, not a pipe: nobody reads a pipe while the app runs, and an app
    # that has written 64 KiB to a full pipe blocks on its next write, so its requests hang.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=METRIC_FOLDER, env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + timeout
        try:
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"app.py exited with {process.returncode}:\n{log.read()}")
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"app.py did not answer on {url} within {timeout:.0f} s")
                time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

def load_space_app_module():
    """Import metrics/qa_em_f1/app.py as a module (builds the Blocks, does not launch)."""
    spec = importlib.util.spec_from_file_location("qa_em_f1_space_app", METRIC_FOLDER / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- headless Chromium over the DevTools pipe


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1280,1400",
    "--remote-debugging-pipe",
]


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class ChromiumPage:
    """Drive one page of headless Chromium with the DevTools protocol over ``--remote-debugging-pipe``.

    Chromium reads JSON commands from file descriptor 3 and writes replies and events to
    descriptor 4, each message ended by a NUL byte, so no websocket library is needed.
    """

    def __init__(self, binary: str, user_data_dir: str):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire_descriptors():  # runs in the child: the protocol expects fds 3 and 4
            os.dup2(to_browser_read, 100)  # park both ends first, in case either is 3 or 4
            os.dup2(from_browser_write, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)

        self._process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            pass_fds=(3, 4),  # keep the descriptors wired above open across exec
            preexec_fn=wire_descriptors,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.session = None
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(target for target in targets if target["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method: str, timeout: float = 30.0, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session is not None and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], 0.5)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0):
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"waited {timeout:.0f} s for: {expression}")

    def click(self, selector: str) -> None:
        """A real mouse click (press and release) at the centre of the element."""
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
            " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

    def replace_text(self, selector: str, text: str) -> None:
        """Focus a text field, select its content and type ``text`` over it."""
        self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.focus(); e.select(); }})()")
        self.send("Input.insertText", text=text)

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
