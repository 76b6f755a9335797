"""``handbook serve`` starts gunicorn on a migrated database and answers on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_runs_gunicorn_workers_that_answer(app: Any, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "serve-test"}
    arguments = ["--root", str(tmp_path), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        [sys.executable, "-c", "from cli.main import main; main()", *arguments],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert "登录制度手册门户" in body.decode("utf-8")
    finally:
        server.terminate()
        server.wait(30)
        if server.stderr:
            server.stderr.close()
