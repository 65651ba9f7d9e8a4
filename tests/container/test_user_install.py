"""The 2025-11-09 failure and its fix, reproduced in seconds without containers (needs root)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..components import need
from .procs import free_port, serve, wait_for_json

ROOT = Path(__file__).resolve().parents[2]
SERVICE_DIR = ROOT / "services" / "voice-service"
REQUIREMENTS = SERVICE_DIR / "requirements.txt"
# Debian's interpreter, not whatever `python3` is first on PATH: that one may
# live under /root (as pyenv's does), where the unprivileged user cannot run it.
SYSTEM_PYTHON = Path("/usr/bin/python3")
USER = "nobody"
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"


def _system_python_ready() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    probe = [str(SYSTEM_PYTHON), "-c", "import pip, venv, ensurepip"]
    return subprocess.run(probe, capture_output=True, timeout=60).returncode == 0


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "must run as root to install as one user and run as another"
    if shutil.which("runuser") is None:
        return "runuser (util-linux) not found"
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return f"no user {USER!r}"
    if not _system_python_ready():
        return f"{SYSTEM_PYTHON} with pip and venv (python3-pip, python3-venv) not found"
    return None


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    """A 0755 folder under the temp dir, holding a copy of the app and a 0700 stand-in /root."""
    problem = _missing()
    need("root", problem is None, problem or "")
    # Not pytest's tmp_path: its parents are mode 0700, so `nobody` could not
    # reach the app, and the fix case would fail for an unrelated reason.
    work = Path(tempfile.mkdtemp(prefix="nexus-pm-user-install-"))
    try:
        work.chmod(0o755)
        shutil.copytree(SERVICE_DIR / "app", work / "app")
        (work / "roothome").mkdir(mode=0o700)
        (work / "roothome").chmod(0o700)
        as_user(["test", "-r", str(work / "app" / "main.py")], check=True)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def wheelhouse(workspace: Path) -> Path:
    """The pinned requirements downloaded once, so both installs below are offline and fast."""
    target = workspace / "wheelhouse"
    pip(["download", "--quiet", "--dest", str(target), "-r", str(REQUIREMENTS)])
    return target


@pytest.fixture(scope="module")
def user_base(workspace: Path, wheelhouse: Path) -> Path:
    """`pip install --user` as root into the stand-in root home, as the broken builder did."""
    base = workspace / "roothome" / ".local"
    pip(
        [
            "install",
            "--user",
            "--no-index",
            "--find-links",
            str(wheelhouse),
            "-r",
            str(REQUIREMENTS),
        ],
        PYTHONUSERBASE=str(base),
        # Debian marks its Python as externally managed (PEP 668); the official
        # python image does not, so this only restores the image's behaviour.
        PIP_BREAK_SYSTEM_PACKAGES="1",
    )
    assert list(base.glob("lib/python3*/site-packages/uvicorn/__init__.py"))
    return base


def pip(args: list[str], **extra_env: str) -> None:
    # The machine's pip configuration (index, CA bundle) applies as for any pip.
    env = {**os.environ, "PIP_ROOT_USER_ACTION": "ignore", **extra_env}
    command = [str(SYSTEM_PYTHON), "-m", "pip", *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def as_user(
    command: list[str], *, check: bool = False, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `command` as the unprivileged user with nothing but `env` in its environment."""
    variables = [f"{key}={value}" for key, value in {"PATH": BASE_PATH, **env}.items()]
    argv = ["runuser", "-u", USER, "--", "env", "-i", *variables, *command]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=check)


def test_system_python_has_no_uvicorn_of_its_own(workspace: Path) -> None:
    # Otherwise the failure below could not happen and the fix would prove nothing.
    result = as_user([str(SYSTEM_PYTHON), "-c", "import uvicorn"])
    assert result.returncode != 0, "uvicorn is installed system-wide; the repro is meaningless"


def test_user_install_by_root_is_invisible_to_another_user(
    workspace: Path, user_base: Path
) -> None:
    port = str(free_port())
    uvicorn = ["-m", "uvicorn", "app.main:app", "--app-dir", str(workspace), "--port", port]
    # The broken image's environment: PATH and PYTHONUSERBASE point into /root.
    env = {"PATH": f"{user_base}/bin:{BASE_PATH}", "PYTHONUSERBASE": str(user_base)}
    result = as_user([str(SYSTEM_PYTHON), *uvicorn], **env)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{SYSTEM_PYTHON}: No module named uvicorn"
    # The direct command fails too, earlier: the script's folder cannot be searched.
    direct = as_user(["uvicorn", "--version"], **env)
    assert direct.returncode == 126
    assert "Permission denied" in direct.stderr


def test_the_cause_is_the_root_home_mode(workspace: Path, user_base: Path) -> None:
    probe = [str(SYSTEM_PYTHON), "-c", "import uvicorn; print(uvicorn.__version__)"]
    # Root itself can import what it installed...
    as_root = subprocess.run(
        ["env", "-i", f"PATH={BASE_PATH}", f"PYTHONUSERBASE={user_base}", *probe],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert as_root.returncode == 0, as_root.stderr
    # ...and so can the other user once the home is searchable: nothing else differs.
    home = user_base.parent
    try:
        home.chmod(0o755)
        opened = as_user(probe, PYTHONUSERBASE=str(user_base))
    finally:
        home.chmod(0o700)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == as_root.stdout.strip()


def test_install_readable_by_everyone_serves_health_as_another_user(
    workspace: Path, wheelhouse: Path
) -> None:
    # The fix's analogue of /usr/local: an environment outside any home, mode 0755.
    venv = workspace / "venv"
    subprocess.run(
        [str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    pip(
        [
            *("--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-index"),
            *("--find-links", str(wheelhouse), "-r", str(REQUIREMENTS)),
        ]
    )
    port = free_port()
    command = [str(venv / "bin" / "uvicorn"), "app.main:app", "--app-dir", str(workspace)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    variables = [f"PATH={venv}/bin:{BASE_PATH}"]
    argv = ["runuser", "-u", USER, "--", "env", "-i", *variables, *command]
    with serve(argv, workspace / "fix.log") as server:
        status, body = wait_for_json(f"http://127.0.0.1:{port}/health", 30, server.alive)
        uids = serving_uids(server.process.pid)
        output = server.output()
    assert status == 200
    assert body == {
        "status": "healthy",
        "service": "voice-service",
        "version": "1.0.0",
        "features": {"stt": False, "tts": False, "intent": False},
    }
    assert "🎙️ Starting voice-service v1.0.0" in output
    assert uids == {pwd.getpwnam(USER).pw_uid}


def serving_uids(group: int) -> set[int]:
    """Real uids of the processes in process group `group`, less its leader (runuser)."""
    uids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == group:
            continue
        try:
            if os.getpgid(int(entry.name)) != group:
                continue
            status = (entry / "status").read_text()
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
        uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
        uids.add(int(uid_line.split()[1]))
    return uids
