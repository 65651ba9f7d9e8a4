"""`nexus-pm list`: a table or JSON of the records, filtered, newest first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from .conftest import CliInvoke
from .test_new import golden

DRAFTS = [
    (
        "Voice service down: No module named uvicorn",
        "SEV2",
        "voice-service",
        "2025-11-09",
        "resolved",
        "docker",
    ),
    ("Auth tokens expire early", "SEV1", "auth", "2026-03-01", "resolved", "jwt"),
    ("Search is slow", "SEV3", "search", "2026-05-10", "draft", "latency"),
    ("Voice service OOM", "SEV2", "voice-service", "2026-05-10", "investigating", "memory"),
]


@pytest.fixture
def records(project: Path, cli_invoke: CliInvoke) -> Path:
    """Four drafts made with `nexus-pm new`; the seed is left out, so goldens do not follow it."""
    for seed in (project / "incidents").glob("*.yaml"):
        seed.unlink()
    for title, severity, service, date, status, tag in DRAFTS:
        cli_invoke(
            "new", title, "--severity", severity, "--service", service, "--date", date,
            "--status", status, "--tag", tag, "--no-input",
        )  # fmt: skip
    return project


def ids(stdout: str) -> list[str]:
    return [line.split()[0] for line in stdout.splitlines()[1:]]


def test_table_matches_golden(records: Path, cli_invoke: CliInvoke) -> None:
    out = cli_invoke("list").stdout
    golden("list-table.txt", out)
    # Newest first; on the same day the higher id first.
    assert ids(out) == ["INC-0004", "INC-0003", "INC-0002", "INC-0001"]


def test_json_is_valid_complete_and_deterministic(records: Path, cli_invoke: CliInvoke) -> None:
    out = cli_invoke("list", "--json").stdout
    assert cli_invoke("list", "--json").stdout == out
    data = json.loads(out)
    golden("list.json", out)
    assert [d["id"] for d in data] == ["INC-0004", "INC-0003", "INC-0002", "INC-0001"]
    assert all(isinstance(d, dict) for d in data)
    # The summary as the record file holds it, read without nexus-pm: the listing must match it.
    record = yaml.safe_load((records / data[0]["path"]).read_text(encoding="utf-8"))
    assert data[0] == {
        "id": "INC-0004",
        "date": "2026-05-10",
        "severity": "SEV2",
        "status": "investigating",
        "services": ["voice-service"],
        "tags": ["memory"],
        "title": "Voice service OOM",
        "summary": record["summary"],
        "authors": [],
        "related": [],
        "path": "incidents/2026-05-10-voice-service-oom.yaml",
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["--service", "voice-service"], ["INC-0004", "INC-0001"]),
        (["--service", "auth", "--service", "search"], ["INC-0003", "INC-0002"]),
        (["--severity", "sev2"], ["INC-0004", "INC-0001"]),
        (["--status", "draft"], ["INC-0003"]),
        (["--status", "resolved", "--severity", "SEV1"], ["INC-0002"]),
        (["--tag", "docker"], ["INC-0001"]),
        (["--tag", "memory", "--service", "voice-service"], ["INC-0004"]),
    ],
)
def test_filters(
    records: Path, cli_invoke: CliInvoke, filters: list[str], expected: list[str]
) -> None:
    assert ids(cli_invoke("list", *filters).stdout) == expected
    data = json.loads(cli_invoke("list", "--json", *filters).stdout)
    assert [d["id"] for d in data] == expected


def test_no_match(records: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("list", "--service", "nothing-here")
    assert (result.stdout, result.stderr) == ("", "no incidents match\n")
    assert cli_invoke("list", "--json", "--tag", "nothing-here").stdout == "[]\n"


@pytest.mark.parametrize(("option", "value"), [("--severity", "SEV0"), ("--status", "open")])
def test_bad_filter_exits_2(records: Path, cli_invoke: CliInvoke, option: str, value: str) -> None:
    result = cli_invoke("list", option, value, exit_code=2)
    assert result.stderr == f"nexus-pm list: {option}: {value!r} is not one of " + (
        "SEV1, SEV2, SEV3, SEV4\n"
        if option == "--severity"
        else "draft, investigating, resolved, closed\n"
    )


def test_invalid_records_give_problem_lines(records: Path, cli_invoke: CliInvoke) -> None:
    path = records / "incidents" / "2026-03-01-auth-tokens-expire-early.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('severity: "SEV1"', "severity: SEV0"))
    result = cli_invoke("list", "--json", exit_code=1)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "incidents/2026-03-01-auth-tokens-expire-early.yaml:17: severity: "
        "Input should be 'SEV1', 'SEV2', 'SEV3' or 'SEV4' (got 'SEV0')",
        "1 problem in 1 file",
    ]


def test_control_codes_in_titles_are_refused_not_echoed(
    records: Path, cli_invoke: CliInvoke
) -> None:
    # YAML's "\e" escape would let a title recolour or clear the reader's terminal.
    path = records / "incidents" / "2026-05-10-search-is-slow.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('title: "Search is slow"', 'title: "red \\e[31m alert"'), encoding="utf-8"
    )
    for args in (["list"], ["list", "--json"]):
        result = cli_invoke(*args, exit_code=1)
        assert "\x1b" not in result.output
        assert (
            "yaml: character U+001B (written as an escape): YAML cannot carry it" in result.output
        )


def test_list_takes_paths(records: Path, tmp_path: Path, cli_invoke: CliInvoke) -> None:
    one = "incidents/2026-05-10-search-is-slow.yaml"
    assert ids(cli_invoke("list", one).stdout) == ["INC-0003"]
    result = cli_invoke("list", "nowhere", exit_code=2)
    assert "nowhere does not exist" in result.output
