"""What `nexus-pm check` scans, what it refuses, and how suppressions are honoured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import CliInvoke

ROOT_IMAGE = 'FROM python:3.11-slim\nRUN make\nCMD ["serve"]\n'
GOOD = 'FROM python:3.11-slim\nUSER app\nHEALTHCHECK CMD true\nCMD ["serve"]\n'


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project: no records, no mkdocs.yml, no pyproject.toml."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def report(cli_invoke: CliInvoke, *args: str, exit_code: int) -> dict[str, object]:
    result = cli_invoke("check", "--format", "json", *args, exit_code=exit_code)
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_dockerfiles_are_found_by_name_and_noise_is_skipped(
    work: Path, cli_invoke: CliInvoke
) -> None:
    for name in [
        "Dockerfile",
        "api/api.Dockerfile",
        "api/Dockerfile.dev",
        "web/Containerfile",
        "deep/a/b/Dockerfile",
        # Not Dockerfiles, or places nobody's Dockerfiles live:
        "api/Dockerfile.dockerignore",
        "api/notes.txt",
        ".git/Dockerfile",
        ".venv/Dockerfile",
        "venv/Dockerfile",
        "env3/pyvenv.cfg",
        "env3/lib/Dockerfile",
        "node_modules/pkg/Dockerfile",
        "site/Dockerfile",
        "vendor/skip/Dockerfile",
    ]:
        write(work / name, GOOD)
    write(work / "pyproject.toml", '[tool.nexus-pm.check]\nexclude = ["vendor/**"]\n')
    data = report(cli_invoke, exit_code=0)
    assert data["files"] == [
        "Dockerfile",
        "api/Dockerfile.dev",
        "api/api.Dockerfile",
        "deep/a/b/Dockerfile",
        "web/Containerfile",
    ]
    # A folder passed by name is walked the same way; a file passed by name is always checked.
    assert report(cli_invoke, "api", exit_code=0)["files"] == [
        "api/Dockerfile.dev",
        "api/api.Dockerfile",
    ]
    assert report(cli_invoke, "vendor/skip/Dockerfile", exit_code=0)["files"] == [
        "vendor/skip/Dockerfile"
    ]


def test_a_site_folder_is_skipped_only_at_the_root(work: Path, cli_invoke: CliInvoke) -> None:
    write(work / "services" / "site" / "Dockerfile", GOOD)
    assert report(cli_invoke, exit_code=0)["files"] == ["services/site/Dockerfile"]


def test_findings_without_a_linked_incident_name_none(work: Path, cli_invoke: CliInvoke) -> None:
    write(work / "Dockerfile", ROOT_IMAGE)
    result = cli_invoke("check", exit_code=1)
    assert result.stdout.splitlines() == [
        "Dockerfile:1: dockerfile/root-user: the final stage sets no USER, so the image runs as "
        "root unless its base image says otherwise; add USER with a non-root user",
        "Dockerfile:3: dockerfile/missing-healthcheck: the image runs a service (CMD) but has no "
        "HEALTHCHECK",
    ]
    assert result.stderr == "2 findings in 1 file\n"


def test_a_suppression_with_a_reason_accepts_the_finding(work: Path, cli_invoke: CliInvoke) -> None:
    write(
        work / "Dockerfile",
        "# nexus-pm: ignore[dockerfile/root-user] the base image sets USER 65532\n"
        "FROM gcr.io/distroless/python3:nonroot\n"
        "# nexus-pm: ignore[dockerfile/missing-healthcheck] batch job, no server\n"
        "# (it runs to completion and exits)\n"
        'CMD ["job.py"]\n',
    )
    result = cli_invoke("check", exit_code=0)
    assert result.stdout == ""
    assert result.stderr == "no findings in 1 file (2 suppressed)\n"
    suppressed = report(cli_invoke, exit_code=0)["suppressed"]
    assert [(s["line"], s["rule"], s["suppression"]) for s in suppressed] == [  # type: ignore[attr-defined]
        (2, "dockerfile/root-user", {"line": 1, "reason": "the base image sets USER 65532"}),
        (5, "dockerfile/missing-healthcheck", {"line": 3, "reason": "batch job, no server"}),
    ]


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        (
            "# nexus-pm: ignore[dockerfile/root-user]",
            "Dockerfile:1: suppression: ignore[dockerfile/root-user] gives no reason; say why the finding is accepted",
        ),
        (
            "# nexus-pm: ignore[dockerfile/rootuser] base sets a user",
            "Dockerfile:1: suppression: unknown rule 'dockerfile/rootuser'; did you mean 'dockerfile/root-user'?",
        ),
        (
            "# nexus-pm: ignore[] base sets a user",
            "Dockerfile:1: suppression: ignore[] names no rule",
        ),
        (
            "# nexus-pm: ignore dockerfile/root-user because",
            "Dockerfile:1: suppression: write '# nexus-pm: ignore[rule-id] reason'",
        ),
    ],
)
def test_a_bad_suppression_is_reported_and_suppresses_nothing(
    work: Path, cli_invoke: CliInvoke, comment: str, message: str
) -> None:
    write(work / "Dockerfile", f"{comment}\nFROM python\nRUN make\n")
    lines = cli_invoke("check", exit_code=1).stdout.splitlines()
    assert message in lines
    assert any(": dockerfile/root-user: " in line for line in lines)


def test_an_unused_suppression_is_reported(work: Path, cli_invoke: CliInvoke) -> None:
    write(
        work / "Dockerfile",
        "FROM python\n# nexus-pm: ignore[dockerfile/pip-user-install] legacy\nUSER app\n",
    )
    result = cli_invoke("check", exit_code=1)
    assert result.stdout == (
        "Dockerfile:2: suppression: ignore[dockerfile/pip-user-install] suppresses nothing here; remove it\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"FROM python\nRUNN make\n", "Dockerfile:2: dockerfile: unknown instruction 'RUNN'"),
        (
            b"",
            "Dockerfile:1: dockerfile: no FROM instruction; a Dockerfile opens each stage with FROM",
        ),
        (b"FROM python\n\xff\xfe\n", "Dockerfile:2: file: is not valid UTF-8 (byte 0xff)"),
        (
            b"FROM python\n\x00\n",
            "Dockerfile:2: file: contains a NUL byte; it must be text, not binary",
        ),
    ],
)
def test_unreadable_or_unparseable_files_exit_2_with_one_line(
    work: Path, cli_invoke: CliInvoke, content: bytes, message: str
) -> None:
    (work / "Dockerfile").write_bytes(content)
    write(work / "ok" / "Dockerfile", ROOT_IMAGE)
    result = cli_invoke("check", exit_code=2)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Dockerfile:")]
    assert errors == [message]
    # The other file is still checked and reported.
    assert "ok/Dockerfile:1: dockerfile/root-user:" in result.stdout
    assert result.stderr.splitlines()[-1] == "2 findings in 1 file; 1 file could not be checked"


def test_usage_errors_exit_2(work: Path, cli_invoke: CliInvoke) -> None:
    write(work / "Dockerfile", GOOD)
    write(work / "notes.txt", "hello\n")
    assert "does not exist" in cli_invoke("check", "missing", exit_code=2).stderr
    assert (
        "must be text, json or sarif" in cli_invoke("check", "--format", "xml", exit_code=2).stderr
    )
    result = cli_invoke("check", "notes.txt", exit_code=2)
    assert result.stderr.startswith("notes.txt:1: file: no rules check this kind of file")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "[tool.nexus-pm.check]\nexclude = 'vendor'\n",
            "pyproject.toml:1: tool.nexus-pm.check.exclude: must be a list of glob patterns",
        ),
        (
            "[tool.nexus-pm.check]\nexcludes = []\n",
            "pyproject.toml:1: tool.nexus-pm.check.excludes: unknown setting; expected 'exclude'",
        ),
        (
            "[tool]\nx = \n",
            "pyproject.toml:2: toml: cannot be read: Invalid value (at line 2, column 5)",
        ),
    ],
)
def test_bad_settings_exit_2(work: Path, cli_invoke: CliInvoke, config: str, message: str) -> None:
    write(work / "Dockerfile", GOOD)
    write(work / "pyproject.toml", config)
    assert cli_invoke("check", exit_code=2).stderr.splitlines()[0] == message
