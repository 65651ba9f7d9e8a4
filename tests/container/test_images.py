"""Build both Dockerfiles unchanged with podman and run them: the fix serves, the evidence fails."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..components import need
from .base_image import build_stand_in, interpreter_problem
from .podman import Podman, host_lock, missing_tools
from .procs import get_json, port_in_use, wait_for_json

pytestmark = pytest.mark.container

ROOT = Path(__file__).resolve().parents[2]
FIXED = ROOT / "Dockerfile"
BROKEN = ROOT / "incidents" / "evidence" / "voice-service" / "Dockerfile.broken"
PORT = 8003  # fixed by the image's CMD and HEALTHCHECK; host networking shares it
SECRET = "sk-test-container-8e1d4b"
INCIDENT_ERROR = "/usr/local/bin/python: No module named uvicorn"


@pytest.fixture(scope="session")
def podman(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Podman]:
    """Podman with all state in one temp folder, emptied and deleted at the end."""
    problems = []
    if os.geteuid() != 0:
        problems.append("rootful podman needs root")
    if missing := missing_tools():
        problems.append(f"missing {', '.join(missing)} (run .ci/container-setup.sh)")
    need("podman", not problems, "; ".join(problems))
    with host_lock(timeout=1200):
        engine = Podman.create(tmp_path_factory.mktemp("podman"))
        try:
            yield engine
        finally:
            engine.cleanup()


@pytest.fixture(scope="session")
def base_image(podman: Podman, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The python:3.11-slim stand-in, built once per session."""
    problem = interpreter_problem()
    need("podman", problem is None, problem or "")
    return build_stand_in(podman, tmp_path_factory.mktemp("logs") / "base-image.log")


@pytest.fixture(scope="session")
def fixed_image(podman: Podman, base_image: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    tag = "localhost/nexus-pm/voice-service:fixed"
    podman.build(FIXED, ROOT, tag, tmp_path_factory.mktemp("logs") / "fixed.log")
    return tag


@pytest.fixture(scope="session")
def broken_image(podman: Podman, base_image: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    tag = "localhost/nexus-pm/voice-service:broken"
    podman.build(BROKEN, ROOT, tag, tmp_path_factory.mktemp("logs") / "broken.log")
    return tag


def test_stand_in_has_the_official_layout_where_it_matters(podman: Podman, base_image: str) -> None:
    script = (
        "stat -c %a /root; id -u; command -v python; "
        "python -c 'import site, ssl, sqlite3; print(site.getsitepackages()[0])'"
    )
    result = podman("run", "--rm", base_image, "sh", "-c", script)
    # /root mode 0700 is what hides /root/.local from other users.
    assert result.stdout.split() == [
        "700",
        "0",
        "/usr/local/bin/python",
        "/usr/local/lib/python3.11/site-packages",
    ]


def test_fixed_image_serves_health_as_nexus(podman: Podman, fixed_image: str) -> None:
    if port_in_use(PORT):
        pytest.fail(f"port {PORT} is taken on this host; the container shares the host network")
    name = "nexus-pm-voice-fixed"
    podman("run", "--detach", "--name", name, "--network", "host",
           "--env", f"VOICE_STT_API_KEY={SECRET}", fixed_image)  # fmt: skip
    try:

        def running() -> bool:
            state = podman("inspect", "--format", "{{.State.Running}}", name, check=False)
            return state.stdout.strip() == "true"

        status, body = wait_for_json(f"http://127.0.0.1:{PORT}/health", 60, running)
        assert status == 200
        assert body == {
            "status": "healthy",
            "service": "voice-service",
            "version": "1.0.0",
            "features": {"stt": True, "tts": False, "intent": False},
        }
        assert get_json(f"http://127.0.0.1:{PORT}/openapi.json")[0] == 200

        # The serving process, seen from the host: not root.
        pid = podman("inspect", "--format", "{{.State.Pid}}", name).stdout.strip()
        status_lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        uids = next(line for line in status_lines if line.startswith("Uid:")).split()[1:]
        assert uids == ["1000"] * 4
        assert podman("exec", name, "id", "-un").stdout.strip() == "nexus"
        config = json.loads(podman("inspect", "--format", "{{json .Config}}", name).stdout)
        assert config["User"] == "nexus"

        # The image's own HEALTHCHECK, run on demand (no systemd to schedule it).
        check = podman("healthcheck", "run", name, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        # Podman 4.3 prints only a failing status; the recorded one shows the result.
        assert check.stdout.strip() in {"", "healthy"}
        state = json.loads(podman("inspect", "--format", "{{json .State}}", name).stdout)
        health = state.get("Health") or state.get("Healthcheck") or {}
        assert health.get("Status") == "healthy", state

        logs = podman("logs", name)
        output = logs.stdout + logs.stderr
        assert "🎙️ Starting voice-service v1.0.0" in output
        assert "Uvicorn running on http://0.0.0.0:8003" in output
        assert SECRET not in output
    finally:
        podman("rm", "--force", "--time", "5", name, check=False)
    assert not port_in_use(PORT)


def test_broken_image_fails_exactly_as_in_the_incident(podman: Podman, broken_image: str) -> None:
    started = time.monotonic()
    result = podman("run", "--rm", "--network", "host", broken_image, check=False, timeout=120)
    assert result.returncode == 1
    assert result.stdout.strip() + result.stderr.strip() == INCIDENT_ERROR
    assert time.monotonic() - started < 60, "it should exit at once, not hang"


def test_broken_image_works_for_root_only(podman: Podman, broken_image: str) -> None:
    # The packages are in the image: root imports them. It is the mode of /root
    # that hides them from nexus, not a missing or failed install. One idle
    # container and two execs: each `run` would copy the whole image under vfs.
    name = "nexus-pm-voice-broken-probe"
    podman("run", "--detach", "--name", name, broken_image, "sleep", "300")
    try:
        probe = ["python", "-c", "import uvicorn, fastapi; print('ok')"]
        as_root = podman("exec", "--user", "root", name, *probe, check=False)
        assert as_root.stdout.strip() == "ok", as_root.stderr
        as_nexus = podman("exec", name, *probe, check=False)
        assert as_nexus.returncode == 1
        assert "No module named 'uvicorn'" in as_nexus.stderr
        assert podman("exec", name, "id", "-un").stdout.strip() == "nexus"
    finally:
        podman("rm", "--force", "--time", "0", name, check=False)
