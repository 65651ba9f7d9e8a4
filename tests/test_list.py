"""`nexus-pm list`: a table or JSON of the records, filtered, newest first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from .conftest import CliInvoke
from .test_new import golden

# Title, severity, service, date, status, tag, and a summary for records past draft.
DRAFTS = [
    (
        "Voice service down: No module named uvicorn",
        "SEV2",
        "voice-service",
        "2025-11-09",
        "published",
        "docker",
        "The voice service could not start: uvicorn was missing.",
    ),
    (
        "Auth tokens expire early",
        "SEV1",
        "auth",
        "2026-03-01",
        "published",
        "jwt",
        "Tokens expired after five minutes.",
    ),
    ("Search is slow", "SEV3", "search", "2026-05-10", "draft", "latency", None),
    (
        "Voice service OOM",
        "SEV2",
        "voice-service",
        "2026-05-10",
        "in-review",
        "memory",
        "The voice service ran out of memory.",
    ),
]
# Format 2 lets a record leave its severity out: this one is not graded yet.
UNGRADED = "incidents/2026-05-10-search-is-slow.yaml"


def make_records(project: Path, cli_invoke: CliInvoke, drafts: list[tuple[str, ...]]) -> None:
    """Records made with `nexus-pm new`; the seed is left out, so goldens do not follow it."""
    for seed in (project / "incidents").glob("*.yaml"):
        seed.unlink()
    for title, severity, service, date, status, tag, *summary in drafts:
        cli_invoke(
            "new", title, "--severity", severity, "--service", service, "--date", date,
            "--status", status, "--tag", tag, "--no-input",
            *(["--summary", summary[0]] if summary and summary[0] else []),
        )  # fmt: skip


@pytest.fixture
def records(project: Path, cli_invoke: CliInvoke) -> Path:
    """Four records made with `nexus-pm new`, one of them stripped of its severity."""
    make_records(project, cli_invoke, DRAFTS)
    path = project / UNGRADED
    text = path.read_text(encoding="utf-8")
    assert '\nseverity: "SEV3"\n' in text
    path.write_text(text.replace('\nseverity: "SEV3"\n', "\n"), encoding="utf-8")
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
        "status": "in-review",
        "services": ["voice-service"],
        "tags": ["memory"],
        "title": "Voice service OOM",
        "summary": record["summary"],
        "authors": [],
        "related": [],
        "path": "incidents/2026-05-10-voice-service-oom.yaml",
    }
    # Not graded: null, not a made-up grade.
    assert (data[1]["path"], data[1]["severity"]) == (UNGRADED, None)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["--service", "voice-service"], ["INC-0004", "INC-0001"]),
        (["--service", "auth", "--service", "search"], ["INC-0003", "INC-0002"]),
        (["--severity", "sev2"], ["INC-0004", "INC-0001"]),
        (["--status", "draft"], ["INC-0003"]),
        (["--status", "published", "--severity", "SEV1"], ["INC-0002"]),
        (["--status", "in-review", "--status", "draft"], ["INC-0004", "INC-0003"]),
        (["--severity", "SEV3"], []),
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


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--severity", "SEV0", "'SEV0' is not one of SEV1, SEV2, SEV3, SEV4; did you mean 'SEV4'?"),
        ("--severity", "critical", "'critical' is not one of SEV1, SEV2, SEV3, SEV4"),
        ("--status", "open", "'open' is not one of draft, in-review, published"),
        ("--status", "resolved", "'resolved' is not one of draft, in-review, published"),
    ],
)
def test_bad_filter_exits_2(
    records: Path, cli_invoke: CliInvoke, option: str, value: str, expected: str
) -> None:
    result = cli_invoke("list", option, value, exit_code=2)
    assert (result.stdout, result.stderr) == ("", f"nexus-pm list: {option}: {expected}\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "don",
            "'don' is not one of open, in-progress, blocked, done, wont-do; did you mean 'done'?",
        ),
        ("published", "'published' is not one of open, in-progress, blocked, done, wont-do"),
    ],
)
def test_actions_bad_status_exits_2(
    records: Path, cli_invoke: CliInvoke, value: str, expected: str
) -> None:
    # `actions` and `list` read their choices through the same parser, each with its own set.
    result = cli_invoke("actions", "--status", value, exit_code=2)
    assert (result.stdout, result.stderr) == ("", f"nexus-pm actions: --status: {expected}\n")
    assert "items" in json.loads(cli_invoke("actions", "--status", " DONE ", "--json").stdout)


def test_invalid_records_give_problem_lines(records: Path, cli_invoke: CliInvoke) -> None:
    path = records / "incidents" / "2026-03-01-auth-tokens-expire-early.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    line = lines.index('severity: "SEV1"') + 1
    path.write_text(text.replace('severity: "SEV1"', "severity: SEV0"), encoding="utf-8")
    result = cli_invoke("list", "--json", exit_code=1)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"incidents/2026-03-01-auth-tokens-expire-early.yaml:{line}: severity: "
        "'SEV0' is not on the severity scale (SEV1, SEV2, SEV3, SEV4); did you mean 'SEV4'? "
        "(got 'SEV0')",
        "1 problem in 1 file",
    ]


SCALE = """\
[tool.nexus-pm]
severities = ["P0", "P1", "P2"]
"""


def test_a_custom_scale_from_pyproject(project: Path, cli_invoke: CliInvoke) -> None:
    # The team's own scale, from [tool.nexus-pm], for `new`, for the records and for filters.
    (project / "pyproject.toml").write_text(SCALE, encoding="utf-8")
    make_records(
        project,
        cli_invoke,
        [
            ("Payments down", "p0", "payments", "2026-01-05", "draft", "db"),
            ("Slow reports", "P2", "reports", "2026-02-06", "draft", "latency"),
        ],
    )
    out = cli_invoke("list").stdout
    assert [line.split()[:3] for line in out.splitlines()] == [
        ["ID", "DATE", "SEVERITY"],
        ["INC-0002", "2026-02-06", "P2"],
        ["INC-0001", "2026-01-05", "P0"],
    ]
    assert ids(cli_invoke("list", "--severity", "p0").stdout) == ["INC-0001"]
    result = cli_invoke("list", "--severity", "SEV1", exit_code=2)
    assert result.stderr == "nexus-pm list: --severity: 'SEV1' is not one of P0, P1, P2\n"
    # A record graded on the default scale is not valid on this one.
    path = project / "incidents" / "2026-02-06-slow-reports.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index('severity: "P2"') + 1
    path.write_text(text.replace('severity: "P2"', "severity: SEV3"), encoding="utf-8")
    result = cli_invoke("list", exit_code=1)
    assert result.stderr.splitlines() == [
        f"incidents/2026-02-06-slow-reports.yaml:{line}: severity: "
        "'SEV3' is not on the severity scale (P0, P1, P2) (got 'SEV3')",
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
