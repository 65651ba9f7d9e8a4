#!/usr/bin/env python3
"""Developer tasks that need nothing but Python 3.11: `python3 tasks.py site|test|serve|check|lint`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"

TASKS: dict[str, list[list[str]]] = {
    "site": [["nexus-pm", "build"]],
    "test": [["python", "-m", "pytest"]],
    "serve": [["nexus-pm", "serve"]],
    "check": [["nexus-pm", "validate"], ["nexus-pm", "check"]],
    "lint": [
        ["ruff", "check", "nexus_pm", "tests", "bench"],
        ["ruff", "format", "--check", "nexus_pm", "tests", "bench"],
        ["mypy"],
        ["lint-imports", "--no-cache"],
    ],
}


# What each task needs installed: the site only the core dependencies; tests and lint
# their tools too (test, lint and browser tooling come with `tasks.py test`).
EXTRAS = {"site": "", "serve": "", "check": "", "test": "test,dev", "lint": "test,dev"}


def _outer_pip() -> bool:
    """Whether the pip that runs this script can install into another environment (22.3+)."""
    try:
        import pip
    except ImportError:
        return False
    major, minor = (int(part) for part in pip.__version__.split(".")[:2])
    return (major, minor) >= (22, 3)


def installer() -> list[str]:
    """uv where it is present (much faster), else pip.

    pip installs without compiling bytecode (Python compiles each module on first use)
    and, where it can, from outside the venv, which then needs no pip of its own: a
    third less on disk and time.
    """
    uv = shutil.which("uv")
    if uv:
        return [uv, "pip", "install", "--python", str(PYTHON)]
    quiet = ["--disable-pip-version-check", "--progress-bar=on", "--no-compile"]
    if _outer_pip() and not (BIN / "pip").exists():
        return [sys.executable, "-m", "pip", "--python", str(PYTHON), "install", *quiet]
    return [str(PYTHON), "-m", "pip", "install", *quiet]


def ensure_env(extras: str) -> None:
    """Create .venv and install the project with `extras`, again whenever pyproject.toml changes."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    wanted = {e for e in extras.split(",") if e}
    have = STAMP.read_text().split() if STAMP.exists() and PYTHON.exists() else []
    if have[:1] == [digest] and wanted <= set(have[1:]):
        return
    if not PYTHON.exists():
        print("creating .venv", file=sys.stderr, flush=True)
        venv.create(VENV, with_pip=shutil.which("uv") is None and not _outer_pip())
    what = f"{ROOT}[{','.join(sorted(wanted))}]" if wanted else str(ROOT)
    print(
        f"installing nexus-pm{' with ' + extras if extras else ''} into .venv",
        file=sys.stderr,
        flush=True,
    )
    subprocess.run([*installer(), "-e", what], check=True)
    installed = wanted | (set(have[1:]) if have[:1] == [digest] else set())
    STAMP.write_text(" ".join([digest, *sorted(installed)]) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in TASKS:
        print(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [extra args]", file=sys.stderr)
        return 2
    ensure_env(EXTRAS[argv[0]])
    steps = TASKS[argv[0]]
    for number, step in enumerate(steps):
        # Extra arguments go to the last step, e.g. `tasks.py test -k loader`.
        extra = argv[1:] if number == len(steps) - 1 else []
        command = [str(BIN / step[0]), *step[1:], *extra]
        code = subprocess.run(command, cwd=ROOT, check=False).returncode
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
