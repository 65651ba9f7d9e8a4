"""File-system and usage errors through the real CLI: one line, a non-zero exit, nothing touched."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nexus_pm.edge import Group

from .components import need
from .conftest import copy_project, tree
from .test_bad_inputs import Run, assert_contained, run_cli

# --date keeps `new` from noting that it dated the record today: the error is the only line.
NEW = ["new", "Disk trouble", "--severity", "SEV3", "--service", "storage", "--date", "2025-11-10"]
NEW += ["--no-input"]
LONG = "a" * 300  # over NAME_MAX (255) for one path component
FULL = os.strerror(errno.ENOSPC)
READ_ONLY = os.strerror(errno.EROFS)
DENIED = os.strerror(errno.EACCES)
TOO_LONG = os.strerror(errno.ENAMETOOLONG)

# Python run in the child before the CLI: the system calls fail as on a full,
# read-only or unreadable disk, for machines where the real thing needs root.
INJECT_FULL = """
import errno, os
def fsync(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
os.fsync = fsync
"""
INJECT_READ_ONLY = """
import errno, os
_open, _mkdir = os.open, os.mkdir
def refuse(path):
    raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
def open_(path, flags, mode=0o777, *, dir_fd=None):
    if flags & os.O_CREAT:
        refuse(path)
    return _open(path, flags, mode, dir_fd=dir_fd)
def mkdir(path, mode=0o777, *, dir_fd=None):
    refuse(path)
os.open, os.mkdir = open_, mkdir
"""
INJECT_UNREADABLE = """
import errno, os
_listdir, _scandir = os.listdir, os.scandir
TARGET = os.path.abspath("incidents")
def guard(path):
    if os.path.abspath(path) == TARGET:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
def listdir(path="."):
    guard(path)
    return _listdir(path)
def scandir(path="."):
    guard(path)
    return _scandir(path)
os.listdir, os.scandir = listdir, scandir
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the project's sources, with one record."""
    return copy_project(tmp_path / "repo")


def refused(
    repo: Path, args: list[str], line: str, code: int = 1, prelude: str = "", count: bool = False
) -> Run:
    """Run the CLI; it must print exactly `line` (and a problem count), exit `code` and change nothing."""
    before = tree(repo)
    run = run_cli(args, repo, prelude)
    assert_contained(run)
    expected = [line, "1 problem in 1 file"] if count else [line]
    assert run.stderr.splitlines() == expected, run.stderr
    assert (run.code, run.stdout) == (code, "")
    assert tree(repo) == before, "the failed command changed files"
    return run


def mount(*args: str) -> None:
    """Mount as root, or skip (fail where CI requires root) with mount's own reason."""
    problem = None
    if os.geteuid() != 0:
        problem = "mounting a small or read-only file system needs root"
    else:
        done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
        if done.returncode:
            problem = f"mount {' '.join(args)}: {done.stderr.strip() or done.returncode}"
    need("root", problem is None, problem or "")


@contextmanager
def mounted(target: Path, *options: str) -> Iterator[None]:
    mount(*options, str(target))
    try:
        yield
    finally:
        subprocess.run(["umount", "--lazy", str(target)], check=True)


def fill(folder: Path) -> None:
    """Write into `folder` until its file system has no space left."""
    with (folder / "filler.bin").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc


def test_new_on_a_full_disk(repo: Path) -> None:
    incidents = repo / "incidents"
    records = {p.name: p.read_bytes() for p in incidents.iterdir()}
    with mounted(incidents, "-t", "tmpfs", "-o", "size=64k", "tmpfs"):
        for name, data in records.items():
            (incidents / name).write_bytes(data)
        fill(incidents)
        refused(repo, NEW, f"incidents: {FULL}")


def test_new_on_a_full_disk_injected(repo: Path) -> None:
    refused(repo, NEW, f"incidents: {FULL}", prelude=INJECT_FULL)
    # The folders made for the record go again with it.
    fresh = [*NEW, "--incidents-dir", "fresh/incidents"]
    refused(repo, fresh, f"fresh/incidents: {FULL}", prelude=INJECT_FULL)


def test_new_in_a_read_only_folder(repo: Path) -> None:
    incidents = repo / "incidents"
    with mounted(incidents, "--bind", str(incidents)):
        mount("-o", "remount,ro,bind", str(incidents))
        refused(repo, NEW, f"incidents: {READ_ONLY}")


def test_new_in_a_read_only_folder_injected(repo: Path) -> None:
    refused(repo, NEW, f"incidents: {READ_ONLY}", prelude=INJECT_READ_ONLY)
    refused(repo, [*NEW, "--incidents-dir", "fresh"], f"fresh: {READ_ONLY}", 1, INJECT_READ_ONLY)


def test_new_under_a_regular_file(repo: Path) -> None:
    (repo / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    line = f"notes.txt/sub: {os.strerror(errno.ENOTDIR)}"
    refused(repo, [*NEW, "--incidents-dir", "notes.txt/sub"], line)


@pytest.mark.parametrize(
    ("args", "code"),
    [(["schema", "-o", "docs"], 1), (["schema", "-o", "docs", "--check"], 1), (["check", "-o", "docs"], 2)],
    ids=["schema", "schema-check", "check"],
)  # fmt: skip
def test_output_that_is_a_folder(repo: Path, args: list[str], code: int) -> None:
    refused(repo, args, f"docs: {os.strerror(errno.EISDIR)}", code)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["schema", "-o", "notes.md"], 1),
        (["check", "-o", "notes.md"], 2),
        (["check", "--format", "sarif", "-o", "notes.md"], 2),
        (["schema", "-o", "incidents/record.yaml"], 1),
        (["check", "--format", "json", "-o", "incidents/record.yaml"], 2),
    ],
    ids=["schema", "check", "check-sarif", "schema-over-a-record", "check-over-a-record"],
)  # fmt: skip
def test_output_over_a_file_the_command_did_not_write(
    repo: Path, args: list[str], code: int
) -> None:
    (repo / "notes.md").write_text("# Notes\n", encoding="utf-8")
    record = next((repo / "incidents").glob("*.yaml"))
    (repo / "incidents" / "record.yaml").write_bytes(record.read_bytes())
    record.unlink()
    what = (
        "a record schema nexus-pm wrote" if args[0] == "schema" else "a report nexus-pm check wrote"
    )
    line = f"{args[-1]}: exists and is not {what}; remove it first or write elsewhere"
    refused(repo, args, line, code)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_output_over_an_earlier_output_or_an_empty_file(repo: Path, fmt: str) -> None:
    (repo / "empty").touch()
    for name in ("empty", "report", "report"):
        run = run_cli(["check", "--format", fmt, "-o", name], repo)
        assert run.code in (0, 1), run.stderr
    assert (repo / "report").read_text(encoding="utf-8") == (repo / "empty").read_text("utf-8")
    (repo / "blank").touch()
    for name in ("blank", "schema.json", "schema.json"):
        run = run_cli(["schema", "-o", name], repo)
        assert (run.code, run.stderr) == (0, f"wrote {name}\n")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["validate", LONG], 1),
        (["list", LONG], 1),
        (["check", LONG], 2),  # check's exit code for input it cannot read
        ([*NEW, "--incidents-dir", LONG], 1),
        ([*NEW, "--incidents-dir", f"made/{LONG}"], 1),
        (["schema", "-o", LONG], 1),
        (["schema", "-o", f"made/{LONG}"], 1),
        (["check", "-o", LONG], 2),
        (["build", "--config-file", LONG], 1),
    ],
    ids=["validate", "list", "check", "new", "new-nested", "schema", "schema-nested",
         "check-output", "build-config"],
)  # fmt: skip
def test_a_name_longer_than_the_system_allows(repo: Path, args: list[str], code: int) -> None:
    refused(repo, args, f"{args[-1]}: {TOO_LONG}", code)


def test_schema_output_whose_temporary_name_is_too_long(repo: Path) -> None:
    # The name itself fits, its temporary sibling does not: the folder made for it goes again.
    name = "made/" + "s" * 250
    refused(repo, ["schema", "-o", name], f"{name}: {TOO_LONG}")


@pytest.mark.parametrize("args", [["validate"], ["list"], NEW], ids=["validate", "list", "new"])
def test_unreadable_incidents_folder(repo: Path, args: list[str]) -> None:
    # The loader names the folder as a record problem; `new` meets it at the edge.
    line = (
        f"incidents: {DENIED}"
        if args == NEW
        else "incidents:1: folder: cannot be read: Permission denied"
    )
    if os.geteuid() == 0:
        # Root reads any folder whatever its mode: make the read fail instead.
        refused(repo, args, line, prelude=INJECT_UNREADABLE, count=args != NEW)
        return
    (repo / "incidents").chmod(0)
    try:
        refused(repo, args, line, count=args != NEW)
    finally:
        (repo / "incidents").chmod(0o755)


def test_a_symlink_loop_is_one_line(repo: Path) -> None:
    (repo / "incidents" / "loop.yaml").symlink_to("loop.yaml")
    run = run_cli(["validate"], repo)
    assert_contained(run)
    assert run.code != 0
    assert run.stderr.startswith("incidents/loop.yaml:"), run.stderr


def edge_app(error: BaseException) -> typer.Typer:
    app = typer.Typer(cls=Group)

    @app.command()
    def boom() -> None:
        raise error

    @app.command()
    def other() -> None:
        pass

    return app


def test_the_edge_reports_pathlib_symlink_loops() -> None:
    # Python 3.11's Path.resolve raises RuntimeError, not OSError, for a loop.
    app = edge_app(RuntimeError("Symlink loop from '/nowhere/loop.yaml'"))
    result = CliRunner().invoke(app, ["boom"])
    assert (result.exit_code, result.stderr) == (
        1,
        f"/nowhere/loop.yaml: {os.strerror(errno.ELOOP)}\n",
    )


def test_the_edge_lets_programming_errors_through() -> None:
    result = CliRunner().invoke(edge_app(RuntimeError("a bug")), ["boom"])
    assert isinstance(result.exception, RuntimeError)


def test_the_edge_names_the_command_when_no_file_is_named() -> None:
    result = CliRunner().invoke(edge_app(OSError(errno.EIO, os.strerror(errno.EIO))), ["boom"])
    assert (result.exit_code, result.stderr) == (1, f"nexus-pm boom: {os.strerror(errno.EIO)}\n")


# What a user can mistype, and the one line each gets: exit 2, nothing written.
MISTYPED = [
    (["valdate"], "nexus-pm: No such command 'valdate'. Did you mean 'validate'?"),
    (["lst"], "nexus-pm: No such command 'lst'. Did you mean 'list'?"),
    (["--bogus"], "nexus-pm: No such option: --bogus"),
    (["validate", "--verbos"], "nexus-pm validate: No such option: --verbos; did you mean --verbose?"),
    (["build", "--site-dri", "x"], "nexus-pm build: No such option: --site-dri; did you mean --site-dir?"),
    (["new", "--severity"], "nexus-pm new: Option '--severity' requires an argument."),
    (["new", "one", "two"], "nexus-pm new: Got unexpected extra argument(s) (two)"),
    (["list", "--json=yes"], "nexus-pm list: Option '--json' does not take a value."),
    (["validate", "--max-bytes", "0"], "nexus-pm validate: Invalid value for '--max-bytes': Input should be greater than or equal to 1"),
    (["schema", "--check"], "nexus-pm schema: Invalid value for --check: --check needs --output"),
    (["check", "--format", "xml"], "nexus-pm check: Invalid value for --format: must be text, json or sarif"),
    (["serve", "--dev-addr", "127.0.0.1:99999"], "nexus-pm serve: Invalid value for '--dev-addr': port 99999 is not between 1 and 65535"),
    (["validate", ""], "nexus-pm validate: Invalid value for 'PATHS': the path is empty"),
    (["build", "--site-dir", ""], "nexus-pm build: Invalid value for '--site-dir': the path is empty"),
    (["build", "-f", "docs"], "nexus-pm build: Invalid value for '--config-file' / '-f': docs is a folder, not a file"),
    ([*NEW, "--incidents-dir", ""], "nexus-pm new: Invalid value for '--incidents-dir': the path is empty"),
    (["schema", "-o", ""], "nexus-pm schema: Invalid value for '--output' / '-o': the path is empty"),
    (["validate", "--\x1b[31m"], "nexus-pm validate: No such option: --\\x1b[31m"),
    (["validate", "--\x9b2J\u202e"], "nexus-pm validate: No such option: --\\x9b2J\\u202e"),
    (["match", "\u2067x"], "nexus-pm match: Invalid value for FILE: \\u2067x does not exist"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "line"), MISTYPED, ids=[" ".join(a) for a, _ in MISTYPED])
def test_a_mistyped_command_line_is_one_line_and_exit_2(
    repo: Path, args: list[str], line: str
) -> None:
    refused(repo, args, line, 2)


def test_a_docs_file_linked_out_of_the_project_fails_the_build(repo: Path, tmp_path: Path) -> None:
    # A pull request can add such links; MkDocs would publish what they point to.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n", encoding="utf-8")
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text("[http]\n\textraheader = token\n", encoding="utf-8")
    (repo / "docs" / "passwd.txt").symlink_to("/etc/passwd")
    (repo / "docs" / "outside").symlink_to(outside)
    (repo / "docs" / "git.txt").symlink_to(Path("..") / ".git" / "config")
    (repo / "notes.md").write_text("# Notes\n", encoding="utf-8")
    (repo / "docs" / "notes.md").symlink_to(Path("..") / "notes.md")  # in the repo: fine
    run = run_cli(["build"], repo)
    assert_contained(run)
    assert run.code == 1
    assert run.stderr.splitlines()[-5:] == [
        "docs/git.txt:1: file: is reached through a symlink into .git/",
        "docs/outside/secret.txt:1: file: is reached through a symlink to a folder outside ./",
        "docs/passwd.txt:1: file: is a symlink to a file outside ./",
        "build failed; the previous site is unchanged",
        "3 problems in 3 files",
    ]
    assert not (repo / "site").exists()
    for link in ("passwd.txt", "outside", "git.txt"):
        (repo / "docs" / link).unlink()
    run = run_cli(["build"], repo)
    assert run.code == 0, run.stderr
    assert (repo / "site" / "notes" / "index.html").is_file()


def test_check_reads_an_incidents_path_that_is_a_file(repo: Path) -> None:
    # It used to be taken for "no records", and a check without their rules passed.
    (repo / "notes.txt").write_text("not a record\n", encoding="utf-8")
    run = run_cli(["check", "--incidents", "notes.txt"], repo)
    assert_contained(run)
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        "notes.txt:1: record: expected a mapping of incident fields, got a str value",
        "nexus-pm check: fix the problems above, then check again",
    ]


@pytest.mark.parametrize(
    ("args", "lines", "code"),
    [
        (["build"], ["mkdocs.yml: day is out of range for month",
                     "build failed; the previous site is unchanged"], 1),
        (["generate", "--out", "out"], ["mkdocs.yml: day is out of range for month"], 1),
        (["check"], [
            "mkdocs.yml:1: site_url: cannot read the MkDocs configuration: day is out of range for month",
            "nexus-pm check: fix the problems above, then check again"], 2),
        (["match", "notes.txt"], [
            "mkdocs.yml:1: site_url: cannot read the MkDocs configuration: day is out of range for month",
            "1 problem in 1 file"], 2),
    ],
    ids=["build", "generate", "check", "match"],
)  # fmt: skip
def test_an_impossible_date_in_mkdocs_yml(
    repo: Path, args: list[str], lines: list[str], code: int
) -> None:
    # YAML reads 2025-02-30 as a date, and Python cannot make one of it.
    with (repo / "mkdocs.yml").open("a", encoding="utf-8") as handle:
        handle.write("extra:\n  released: 2025-02-30\n")
    (repo / "notes.txt").write_text("No module named uvicorn\n", encoding="utf-8")
    before = tree(repo)
    run = run_cli(args, repo)
    assert_contained(run)
    assert (run.code, run.stdout, run.stderr.splitlines()) == (code, "", lines)
    assert tree(repo) == before
