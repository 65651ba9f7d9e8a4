"""The build refuses a site dir it does not own, and says so in one line, changing nothing."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nexus_pm.site import MARKER

from .components import need
from .conftest import PROJECT_PARTS, ROOT, CliInvoke, tree


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexus_pm", "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def box(tmp_path: Path) -> Path:
    """Holds the project and a folder beside it; the whole box is hashed before and after."""
    root = tmp_path / "box"
    project = root / "project"
    project.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("evidence"))
        else:
            shutil.copy2(source, project / part)
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", "utf-8")
    (root / "outside").mkdir()
    (root / "outside" / "keep.txt").write_text("not the site's\n", "utf-8")
    return root


def assert_refused(box: Path, *args: str, says: str) -> None:
    before = tree(box)
    result = run_build(box / "project", *args)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [says], result.stderr
    assert tree(box) == before


@pytest.mark.parametrize("points_to", ["incidents", "../outside"])
def test_a_site_symlink_is_refused(box: Path, points_to: str) -> None:
    (box / "project" / "site").symlink_to(points_to)
    assert_refused(box, says="site: is a symlink; refusing to replace what it points to")


@pytest.mark.parametrize(
    ("site_dir", "says"),
    [
        ("incidents", "incidents: is the incidents folder; refusing to replace it"),
        (".", ".: is the project folder; refusing to replace it"),
        ("..", "..: contains the project folder; refusing to replace it"),
        ("mkdocs.yml", "mkdocs.yml: is the MkDocs configuration; refusing to replace it"),
        ("docs", "docs: is the docs folder; refusing to replace it"),
        ("docs/site", "docs/site: is inside the docs folder; refusing to build there"),
        (".git", ".git: is the git folder; refusing to replace it"),
        ("templates", "templates: is the templates folder; refusing to replace it"),
    ],
)
def test_a_site_dir_the_project_needs_is_refused(box: Path, site_dir: str, says: str) -> None:
    assert_refused(box, "--site-dir", site_dir, says=says)


def test_a_site_dir_below_a_symlink_into_docs_is_refused(box: Path) -> None:
    (box / "project" / "out").symlink_to("docs")
    assert_refused(
        box,
        "--site-dir",
        "out/site",
        says="out/site: is inside the docs folder; refusing to build there",
    )


def test_a_file_is_refused(box: Path) -> None:
    (box / "project" / "notes.txt").write_text("mine\n", "utf-8")
    assert_refused(
        box, "--site-dir", "notes.txt", says="notes.txt: is not a folder; refusing to replace it"
    )


FOREIGN = (
    f"holds files nexus-pm did not build (no {MARKER}); refusing to replace it;"
    " if an older nexus-pm built it, delete it once"
)


def test_a_folder_of_other_files_is_refused(box: Path) -> None:
    assert_refused(box, "--site-dir", "../outside", says=f"../outside: {FOREIGN}")


def test_a_site_without_the_marker_is_refused_until_deleted(box: Path) -> None:
    # A site built before the marker existed looks like any other folder of files.
    project = box / "project"
    assert run_build(project).returncode == 0
    (project / "site" / MARKER).unlink()
    assert_refused(box, says=f"site: {FOREIGN}")
    shutil.rmtree(project / "site")
    assert run_build(project).returncode == 0


def test_an_empty_folder_and_a_previous_site_are_replaced(box: Path) -> None:
    project = box / "project"
    (project / "site").mkdir()
    first = run_build(project)
    assert first.returncode == 0, first.stderr
    assert (project / "site" / MARKER).is_file()
    (project / "site" / "stale.html").write_text("from the last build", "utf-8")
    second = run_build(project)
    assert second.returncode == 0, second.stderr
    assert not (project / "site" / "stale.html").exists()
    assert (project / "site" / "index.html").is_file()


def test_a_too_long_name_is_one_line(box: Path) -> None:
    name = "a" * 300
    before = tree(box)
    result = run_build(box / "project", "--site-dir", name)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{name}: File name too long; build failed, the previous site is unchanged"
    ]
    assert tree(box) == before


def test_a_symlink_loop_in_the_path_is_one_line(box: Path) -> None:
    (box / "project" / "loop").symlink_to("loop")
    before = tree(box)
    result = run_build(box / "project", "--site-dir", "loop/site")
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("loop: ") and line.endswith("the previous site is unchanged")
    assert tree(box) == before


def read_only(folder: Path) -> OSError:
    return OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))


@pytest.mark.parametrize("site_dir", ["site", "public/site"])
def test_a_read_only_folder_is_one_line(
    project: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch, site_dir: str
) -> None:
    # Root ignores permission bits, so the read-only mount is simulated.
    real_mkdir = os.mkdir

    def mkdir(path: str | os.PathLike[str], mode: int = 0o777) -> None:
        if Path(path).is_relative_to(project):
            raise read_only(Path(path))
        real_mkdir(path, mode)

    monkeypatch.setattr(os, "mkdir", mkdir)
    result = cli_invoke("build", "--site-dir", site_dir, exit_code=1)
    shown = site_dir.split("/")[0]
    assert result.stderr.splitlines() == [
        f"{shown}: Read-only file system; build failed, the previous site is unchanged"
    ]
    assert not (project / shown).exists()


def test_a_read_only_swap_is_one_line_and_keeps_the_site(
    project: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_invoke("build")
    before = tree(project / "site")

    def rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise read_only(Path(src))

    monkeypatch.setattr(os, "rename", rename)
    result = cli_invoke("build", exit_code=1)
    assert result.stderr.splitlines()[-1] == (
        "site: Read-only file system; build failed, the previous site is unchanged"
    )
    assert tree(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def bind_read_only(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script, str(folder), *command],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_real_read_only_mount_is_one_line(box: Path) -> None:
    project = box / "project"
    # Mount namespaces are what root has in CI; a laptop may lack them.
    available = (
        shutil.which("unshare") is not None and not bind_read_only(project, "true").returncode
    )
    need("root", available, "cannot make a read-only mount here (no unshare or no mount namespace)")
    before = tree(box)
    for site_dir, shown in (("site", "site"), ("public/site", "public")):
        build = (sys.executable, "-m", "nexus_pm", "build", "--site-dir", site_dir)
        result = bind_read_only(project, *build)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"{shown}: Read-only file system; build failed, the previous site is unchanged"
        ]
    assert tree(box) == before
