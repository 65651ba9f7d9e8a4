"""A failed or interrupted build leaves the last good site byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nexus_pm import site as site_module

from .conftest import PROJECT_PARTS, ROOT, SEED

UNCHANGED = "build failed; the previous site is unchanged"


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexus_pm", "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file's hash, and its inode and mtime: rewritten with equal bytes still counts."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        found[path.relative_to(folder).as_posix()] = (digest, info.st_ino, info.st_mtime_ns)
    return found


def strays(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with a good site, built once; tests work on copies of it."""
    project = tmp_path_factory.mktemp("built") / "project"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        if part == "incidents" or not source.exists():
            continue
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, project / part)
    (project / "incidents").mkdir()
    shutil.copy2(SEED, project / "incidents" / SEED.name)
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def assert_failed_and_untouched(
    result: subprocess.CompletedProcess[str], before: dict[str, tuple[str, int, int]], site: Path
) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert snapshot(site) == before
    assert strays(site.parent) == []


def test_invalid_record_leaves_the_site_untouched(project: Path) -> None:
    before = snapshot(project / "site")
    text = SEED.read_text(encoding="utf-8").replace("severity: SEV2", "severity: SEV9")
    (project / "incidents" / SEED.name).write_text(text, encoding="utf-8")
    line = text.splitlines().index("severity: SEV9") + 1
    result = build(project)
    assert_failed_and_untouched(result, before, project / "site")
    lines = result.stderr.splitlines()
    assert (
        f"incidents/{SEED.name}:{line}: severity: 'SEV9' is not on the severity scale "
        "(SEV1, SEV2, SEV3, SEV4)"
    ) in result.stderr
    assert UNCHANGED in lines
    assert lines[-1] == "1 problem in 1 file"


def test_broken_yaml_leaves_the_site_untouched(project: Path) -> None:
    before = snapshot(project / "site")
    (project / "incidents" / "new.yaml").write_text("id: [INC-0002\n", encoding="utf-8")
    result = build(project)
    assert_failed_and_untouched(result, before, project / "site")
    assert "incidents/new.yaml:2: yaml: " in result.stderr


def test_strict_mkdocs_failure_leaves_the_site_untouched(project: Path) -> None:
    # Records are fine; the build itself fails (a broken link is fatal in strict mode).
    before = snapshot(project / "site")
    (project / "docs" / "writing.md").write_text("# Writing\n\n[gone](missing.md)\n", "utf-8")
    result = build(project)
    assert_failed_and_untouched(result, before, project / "site")
    assert "missing.md" in result.stderr
    assert "build failed: Aborted with 1 warnings in strict mode!" in result.stderr


def test_broken_template_leaves_the_site_untouched(project: Path) -> None:
    before = snapshot(project / "site")
    # An override of the packaged template, broken.
    template = project / "templates" / "index.md.j2"
    packaged = ROOT / "nexus_pm" / "templates" / "index.md.j2"
    template.write_text(packaged.read_text("utf-8") + "\n{% if %}\n", "utf-8")
    line = template.read_text("utf-8").splitlines().index("{% if %}") + 1
    result = build(project)
    assert_failed_and_untouched(result, before, project / "site")
    assert f"templates/index.md.j2:{line}: template: " in result.stderr
    assert UNCHANGED in result.stderr


def test_a_good_build_replaces_the_whole_site(project: Path) -> None:
    site = project / "site"
    (site / "stale.html").write_text("left from an old build", "utf-8")
    text = SEED.read_text(encoding="utf-8").replace("id: INC-0001", "id: INC-0002")
    (project / "incidents" / "second.yaml").write_text(text, encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert not (site / "stale.html").exists()
    assert (site / "incidents" / "inc-0002" / "index.html").is_file()
    assert strays(project) == []


def test_site_dir_option_is_honoured_and_atomic(project: Path) -> None:
    result = build(project, "--site-dir", "public/site")
    assert result.returncode == 0, result.stderr
    assert (project / "public" / "site" / "index.html").is_file()
    assert strays(project / "public") == []


def start_build(project: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "nexus_pm", "build"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_staging(project: Path, proc: subprocess.Popen[str]) -> None:
    """Until the build is writing into its staging folder."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        staging = [p for p in project.glob(".site-new-*") if any(p.iterdir())]
        if staging:
            return
        time.sleep(0.01)
    pytest.fail("the build never started writing its staging folder")


def test_interrupted_build_leaves_the_site_untouched(project: Path) -> None:
    before = snapshot(project / "site")
    proc = start_build(project)
    wait_for_staging(project, proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert snapshot(project / "site") == before
    assert strays(project) == [], stderr


def test_killed_build_leaves_the_site_and_the_next_build_clears_up(project: Path) -> None:
    before = snapshot(project / "site")
    proc = start_build(project)
    wait_for_staging(project, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert snapshot(project / "site") == before
    # Nothing can clean up after SIGKILL, so the next build does.
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert strays(project) == []


def test_a_failed_swap_puts_the_old_site_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("old", "utf-8")
    new = tmp_path / ".site-new-x"
    new.mkdir()
    (new / "index.html").write_text("new", "utf-8")
    real_rename = os.rename

    def rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(src) == new:
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr(site_module.os, "rename", rename)
    with pytest.raises(OSError):
        site_module._swap(new, target)
    assert (target / "index.html").read_text("utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-new-x", "site"]


def test_the_plugin_size_cap_applies_to_builds(project: Path) -> None:
    before = snapshot(project / "site")
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "      templates_dir: templates\n" in text
    config.write_text(
        text.replace(
            "      templates_dir: templates\n",
            "      templates_dir: templates\n      max_bytes: 1000\n",
        ),
        "utf-8",
    )
    size = (project / "incidents" / SEED.name).stat().st_size
    result = build(project)
    assert_failed_and_untouched(result, before, project / "site")
    assert f"incidents/{SEED.name}:1: file: is {size} bytes, over the 1000-byte size cap" in (
        result.stderr
    )


def set_aside(project: Path) -> None:
    """What a build killed between the two renames of its swap leaves: the site moved aside."""
    aside = project / ".site-old-k1lled00"
    aside.mkdir()
    os.rename(project / "site", aside / "site")


def test_a_site_set_aside_by_a_killed_build_survives_a_failed_build(project: Path) -> None:
    before = snapshot(project / "site")
    set_aside(project)
    (project / "incidents" / "new.yaml").write_text("id: [INC-0002\n", encoding="utf-8")
    result = build(project)
    assert_failed_and_untouched(result, before, project / "site")
    assert "put back the site an interrupted build had moved aside" in result.stderr
    assert UNCHANGED in result.stderr.splitlines()


def test_a_site_set_aside_by_a_killed_build_is_put_back_then_replaced(project: Path) -> None:
    set_aside(project)
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert "put back the site an interrupted build had moved aside" in result.stderr
    assert (project / "site" / "index.html").is_file()
    assert strays(project) == []
