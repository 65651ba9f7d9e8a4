"""The built wheel carries its templates: `init`, `new`, `validate`, `build`, `check` and
`serve` work from it alone, in a knowledge base that `nexus-pm init` made outside the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_serve import free_port, stop, wait_for


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy of the sources, so the build leaves no build/ or egg-info in the repo, and
    # no isolation, so it needs no network: this venv already has setuptools.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "nexus_pm", src / "nexus_pm", ignore=shutil.ignore_patterns("__pycache__")
    )
    out = tmp_path_factory.mktemp("dist")
    done = run(
        sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, src, cwd=src
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("nexus_pm-*.whl")
    return found


def test_the_wheel_holds_the_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "nexus_pm/templates/incident.md.j2" in names
    assert "nexus_pm/templates/incident.yaml.j2" in names
    # Templates include others (the incident page its sections, lists their table).
    packaged = ROOT / "nexus_pm" / "templates"
    assert {f"nexus_pm/templates/{p.name}" for p in packaged.glob("*.j2")} <= set(names)
    assert "nexus_pm/templates/init/mkdocs.yml.j2" in names
    assert "nexus_pm/templates/init/example.yaml.j2" in names


def _pip() -> list[str]:
    """A pip to install with: the test environment's own, or, since `tasks.py` installs into
    `.venv` from outside it and leaves none there, the base interpreter's."""
    for python in (sys.executable, getattr(sys, "_base_executable", "")):
        if python and run(python, "-c", "import pip", cwd=ROOT).returncode == 0:
            return [python, "-m", "pip"]
    raise AssertionError(f"no pip beside {sys.executable} or its base interpreter")


@pytest.fixture
def installed(wheel: Path, tmp_path: Path) -> Path:
    """A fresh venv with the wheel installed (no editable finder); its bin folder."""
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path).returncode == 0
    python = venv / "bin" / "python"
    purelib = run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
    )
    # The dependencies come from this test's own environment, so nothing is downloaded;
    # a plain path in a .pth file adds no editable finder, so nexus_pm is the wheel's.
    Path(purelib.stdout.strip(), "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    pip = [*_pip(), "--python", python, "install", "--no-deps", "--no-index"]
    done = run(*pip, wheel, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    work = tmp_path / "work"
    work.mkdir()
    where = run(python, "-c", "import nexus_pm; print(nexus_pm.__file__)", cwd=work)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    return venv / "bin"


def test_new_and_validate_run_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    nexus = installed / "nexus-pm"
    work = tmp_path / "empty"
    work.mkdir()
    made = run(
        nexus, "new", "Disk full", "--severity", "SEV2", "--service", "api", "--no-input", cwd=work
    )
    assert made.returncode == 0, made.stderr
    path = made.stdout.strip()
    assert path.startswith("incidents/") and path.endswith("-disk-full.yaml"), made.stdout
    assert (work / path).is_file()
    assert "\nformat: 2\n" in (work / path).read_text(encoding="utf-8")
    checked = run(nexus, "validate", cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_knowledge_base_made_by_init_builds_from_the_installed_wheel(
    installed: Path, tmp_path: Path
) -> None:
    nexus = installed / "nexus-pm"
    made = run(nexus, "init", "postmortems", "--no-input", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    kb = tmp_path / "postmortems"
    assert "created mkdocs.yml" in made.stdout.replace("postmortems/", "")
    # Run again inside it, it creates nothing.
    again = run(nexus, "init", "--no-input", cwd=kb)
    assert again.returncode == 0 and "created" not in again.stdout, again.stdout
    filed = run(
        nexus,
        *("new", "Checkout returns 502", "--severity", "SEV2", "--service", "checkout"),
        *("--status", "in-review", "--summary", "The load balancer lost its backends."),
        "--no-input",
        cwd=kb,
    )
    assert filed.returncode == 0, filed.stderr
    assert filed.stdout.strip().endswith("-checkout-returns-502.yaml")
    checked = run(nexus, "validate", cwd=kb)
    assert (checked.returncode, checked.stdout) == (0, "2 records valid\n"), checked.stderr
    built = run(nexus, "build", cwd=kb)
    assert built.returncode == 0, built.stderr
    # The new record is published; the example is a draft and is not.
    page = (kb / "site" / "incidents" / "inc-0002" / "index.html").read_text(encoding="utf-8")
    assert "Checkout returns 502" in page
    assert not (kb / "site" / "incidents" / "inc-0001").exists()
    assert (kb / "site" / "reference" / "schema" / "index.html").is_file()
    assert (kb / "site" / "services" / "checkout" / "index.html").is_file()
    rules = run(nexus, "check", cwd=kb)
    assert (rules.returncode, rules.stderr.strip()) == (0, "no findings in 0 files"), rules.stdout
    # A preview from the same install shows the example draft, under its banner.
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    server = subprocess.Popen(
        [str(nexus), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=kb,
        env={**env, "SITE_URL": f"http://127.0.0.1:{port}/"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        draft = f"http://127.0.0.1:{port}/incidents/inc-0001/"
        assert wait_for(draft, "This postmortem is a draft", 120), "serve never showed the draft"
    finally:
        stop(server)
