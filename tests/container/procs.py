"""Start a server process, wait for it over HTTP, and always stop it: bounded, no leftovers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def get_json(url: str, timeout: float = 2.0) -> tuple[int, object]:
    """One GET; returns (status, decoded JSON body)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, json.loads(response.read().decode())


def wait_for_json(
    url: str, timeout: float, alive: Callable[[], bool] | None = None
) -> tuple[int, object]:
    """Poll `url` until it answers, `alive()` turns false, or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"server exited before answering {url}")
        try:
            return get_json(url)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            last = exc
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")


@dataclass
class Server:
    """A running server process whose combined output goes to `log`."""

    process: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serve(
    argv: Sequence[str], log: Path, *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Iterator[Server]:
    """Run `argv` in its own process group and end that group on exit, whatever happened."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(argv),
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            # Own session, so that children (runuser forks one) are ended too.
            start_new_session=True,
        )
    try:
        yield Server(process, log)
    finally:
        _stop_group(process)


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    # The group id is the leader's pid (start_new_session); it outlives the
    # leader while children remain, so wait for the whole group to go.
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if process.poll() is not None and _group_gone(process.pid):
                return
            time.sleep(0.1)
    process.wait(timeout=5)
