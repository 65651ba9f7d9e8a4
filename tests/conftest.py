"""Shared fixtures: the repo's own files, throwaway project copies, and a CLI runner."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from nexus_pm.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "incidents" / "2025-11-09-voice-service-no-module-named-uvicorn.yaml"
# The seed as it was written in format 1, before `nexus-pm migrate` turned it into SEED.
FORMAT1_SEED = ROOT / "tests" / "fixtures" / "format1" / SEED.name
PROJECT_PARTS = ("mkdocs.yml", "docs", "templates", "incidents", "schemas")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the site's sources in tmp_path, made the working directory."""
    root = copy_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def copy_project(root: Path) -> Path:
    """Copy the site's sources (without the evidence folder) into a new folder `root`."""
    root.mkdir()
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, root / part, ignore=shutil.ignore_patterns("evidence"))
        else:
            shutil.copy2(src, root / part)
    return root


def tree(folder: Path) -> dict[str, str]:
    """Every path below `folder` with a digest of its contents, or where it points (not followed)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[key] = "dir"
        else:
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


CliInvoke = Callable[..., Result]


@pytest.fixture
def cli_invoke() -> CliInvoke:
    """Run the CLI in-process and assert its exit code."""
    runner = CliRunner()

    def invoke(*args: str, exit_code: int = 0, input: str | None = None) -> Result:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == exit_code, (result.exit_code, result.output)
        assert "Traceback" not in result.output
        return result

    return invoke


@pytest.fixture(params=["fast", "careful"])
def yaml_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with records read the fast way where it may, then with the careful loader
    alone: both must give the same records and the same messages."""
    monkeypatch.setenv("NEXUS_PM_FAST_YAML", "1" if request.param == "fast" else "0")
    return str(request.param)
