"""`check` refuses links out of the repo without reading them, and survives loops and long names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, SEED, CliInvoke

GOOD = 'FROM python:3.11-slim\nUSER app\nHEALTHCHECK CMD true\nCMD ["serve"]\n'
SECRET = "ROOT:X:0:0:SECRET-TOKEN-1234:/ROOT:/BIN/BASH\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repo as the working directory, with a secret file and folder beside it."""
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET, encoding="utf-8")
    (outside / "Dockerfile").write_text(SECRET, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("SITE_URL", raising=False)
    return root


def link(path: Path, target: Path | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def problems(stderr: str) -> list[str]:
    """The problem lines of a run, without the summary."""
    return stderr.splitlines()[:-1]


def assert_no_secret(*outputs: str) -> None:
    for output in outputs:
        assert "SECRET" not in output and "ROOT:X" not in output


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_dockerfile_linked_out_of_the_repo_is_refused_unread(
    repo: Path, cli_invoke: CliInvoke, fmt: str
) -> None:
    link(repo / "evil" / "Dockerfile", repo.parent / "outside" / "passwd")
    (repo / "Dockerfile").write_text(GOOD, encoding="utf-8")
    for args in ([], ["evil/Dockerfile"]):
        result = cli_invoke("check", "--format", fmt, *args, exit_code=2)
        assert problems(result.stderr) == [
            "evil/Dockerfile:1: file: is a symlink to a file outside ./"
        ]
        assert_no_secret(result.stdout, result.stderr)
    if fmt == "json":
        assert json.loads(result.stdout)["errors"][0]["path"] == "evil/Dockerfile"


def test_a_folder_linked_out_of_the_repo_is_not_entered_nor_read(
    repo: Path, cli_invoke: CliInvoke
) -> None:
    link(repo / "vendor", repo.parent / "outside")
    (repo / "Dockerfile").write_text(GOOD, encoding="utf-8")
    # The walk does not follow linked folders at all.
    result = cli_invoke("check", exit_code=0)
    assert result.stderr == "no findings in 1 file\n"
    # Named through the link, the file is refused.
    result = cli_invoke("check", "vendor/Dockerfile", exit_code=2)
    assert problems(result.stderr) == [
        "vendor/Dockerfile:1: file: is reached through a symlink to a folder outside ./"
    ]
    result = cli_invoke("check", "vendor", exit_code=2)
    assert problems(result.stderr) == [
        "vendor/Dockerfile:1: file: is reached through a symlink to a folder outside ./"
    ]
    assert_no_secret(result.stdout, result.stderr)


def test_links_inside_the_repo_are_still_followed(repo: Path, cli_invoke: CliInvoke) -> None:
    (repo / "Dockerfile").write_text(GOOD, encoding="utf-8")
    link(repo / "api" / "Dockerfile", "../Dockerfile")
    result = cli_invoke("check", "api/Dockerfile", exit_code=0)
    assert result.stderr == "no findings in 1 file\n"


def test_symlink_loops_give_one_line_each(repo: Path, cli_invoke: CliInvoke) -> None:
    (repo / "Dockerfile").write_text(GOOD, encoding="utf-8")
    link(repo / "loop" / "Dockerfile", "Dockerfile")
    link(repo / "pair" / "a.Dockerfile", "b.Dockerfile")
    link(repo / "pair" / "b.Dockerfile", "a.Dockerfile")
    link(repo / "dirs" / "self", "self")
    link(repo / "dirs" / "x", "y")
    link(repo / "dirs" / "y", "x")
    result = cli_invoke("check", exit_code=2)
    assert problems(result.stderr) == [
        "loop/Dockerfile:1: file: is a symlink loop",
        "pair/a.Dockerfile:1: file: is a symlink loop",
        "pair/b.Dockerfile:1: file: is a symlink loop",
    ]
    assert result.stderr.endswith("no findings in 1 file; 3 files could not be checked\n")


@pytest.mark.parametrize("name", ["pyproject.toml", "mkdocs.yml"])
def test_settings_files_linked_out_of_the_repo_are_refused(
    repo: Path, cli_invoke: CliInvoke, name: str
) -> None:
    (repo / "Dockerfile").write_text(GOOD, encoding="utf-8")
    link(repo / name, repo.parent / "outside" / "passwd")
    result = cli_invoke("check", exit_code=2)
    assert problems(result.stderr) == [f"{name}:1: file: is a symlink to a file outside ./"]
    assert_no_secret(result.stdout, result.stderr)


def test_an_unreadable_fix_path_is_one_problem_naming_the_record(
    repo: Path, cli_invoke: CliInvoke
) -> None:
    shutil.copy2(ROOT / "Dockerfile", repo / "Dockerfile")
    text = SEED.read_text(encoding="utf-8")
    long_name = "a" * 300 + "/Dockerfile"
    old = "      path: Dockerfile\n"
    assert old in text
    (repo / "incidents").mkdir()
    record = repo / "incidents" / SEED.name
    record.write_text(text.replace(old, f"      path: {long_name}\n", 1), encoding="utf-8")
    line = record.read_text(encoding="utf-8").splitlines().index(f"      path: {long_name}") + 1
    result = cli_invoke("check", exit_code=2)
    assert problems(result.stderr) == [
        f"incidents/{SEED.name}:{line}: fix.changes.0.path: {long_name} cannot be read: "
        "File name too long; drift cannot be checked"
    ]


def test_a_fix_path_that_loops_is_one_problem(repo: Path, cli_invoke: CliInvoke) -> None:
    shutil.copytree(
        ROOT / "incidents", repo / "incidents", ignore=shutil.ignore_patterns("evidence")
    )
    link(repo / "Dockerfile", "Dockerfile")
    result = cli_invoke("check", exit_code=2)
    lines = problems(result.stderr)
    assert lines[0] == "Dockerfile:1: file: is a symlink loop"
    assert len(lines) == 2 and lines[1].endswith(
        ": fix.changes.0.path: Dockerfile is a symlink loop; drift cannot be checked"
    )
