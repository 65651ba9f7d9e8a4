#!/usr/bin/env python3
"""Developer tasks that need nothing but Python 3.11: `python3 tasks.py site|test|serve|check|lint`."""

from __future__ import annotations

import hashlib
import os
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


def ensure_env() -> None:
    """Create .venv and install the project into it, again whenever pyproject.toml changes."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv", file=sys.stderr)
        venv.create(VENV, with_pip=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test,dev]"], check=True)
    STAMP.write_text(wanted + "\n")


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in TASKS:
        print(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}} [extra args]", file=sys.stderr)
        return 2
    ensure_env()
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
