"""`nexus-pm serve` rebuilds when a record changes, and previews drafts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .conftest import SEED


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and needle in page:
            return True
        time.sleep(0.3)
    return False


def stop(server: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """End a preview server: asked first, killed if it does not go."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def test_serve_picks_up_an_edited_record(project: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "nexus_pm", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        # MkDocs serves under site_url's path; a bare one keeps URLs simple.
        env={**os.environ, "SITE_URL": f"http://127.0.0.1:{port}/"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/incidents/inc-0001/"
    try:
        assert wait_for(url, "No module named uvicorn", 60), "the server never served the page"
        record = project / "incidents" / SEED.name
        text = record.read_text(encoding="utf-8")
        record.write_text(
            text.replace('title: "Voice service down:', 'title: "Voice service edited live:'),
            encoding="utf-8",
        )
        assert wait_for(url, "Voice service edited live", 60), "the edit was not picked up"
        # A preview shows drafts too, which a published build leaves out, under a banner.
        subprocess.run(
            [sys.executable, "-m", "nexus_pm", "new", "Draft in preview", "--severity", "SEV3",
             "--service", "svc", "--date", "2026-01-02", "--no-input"],
            cwd=project, check=True, capture_output=True,
        )  # fmt: skip
        draft = f"http://127.0.0.1:{port}/incidents/inc-0002/"
        assert wait_for(draft, "This postmortem is a draft", 60), "the draft was not shown"
    finally:
        stop(server)
