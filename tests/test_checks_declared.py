"""Rules written as data: the three real lessons of tests/fixtures/rules/repo, end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nexus_pm.checks.links import record_check_problems, rule_entries
from nexus_pm.checks.ruleset import build, load_shared
from nexus_pm.validate import load_records

from .conftest import CliInvoke

FIXTURE = Path(__file__).parent / "fixtures" / "rules" / "repo"
SCHEMA = json.loads(
    (Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
#: What the fixture repo repeats: one mistake per lesson, each in a file no fix names.
MISTAKES = [
    ("config/flags.toml", 4, "config/db-connect-timeout", "INC-0101"),
    ("eks/legacy-userdata.sh", 4, "eks/container-runtime", "INC-0103"),
    ("k8s/legacy/boskos.yaml", 8, "k8s/statefulset-rolling-update", "INC-0102"),
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture repo, as the working folder."""
    copy = tmp_path / "repo"
    shutil.copytree(FIXTURE, copy)
    monkeypatch.chdir(copy)
    return copy


def check_json(cli_invoke: CliInvoke, *args: str, exit_code: int = 1) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        cli_invoke("check", "--format", "json", *args, exit_code=exit_code).stdout
    )
    return data


def test_each_lesson_is_proved_on_its_own_snippets(repo: Path, cli_invoke: CliInvoke) -> None:
    assert cli_invoke("validate").stdout.strip() == "3 records valid"
    records = load_records([repo / "incidents"])
    shared, problems = load_shared(repo)
    assert problems == []
    assert sorted(r.id for r in shared) == [
        "eks/container-runtime",
        "k8s/statefulset-rolling-update",
    ]
    assert record_check_problems(records, shared) == []
    rules = build(records, shared).rules
    # The inline rule is known by its id, beside the shared ones and the built-in ones.
    assert rules["config/db-connect-timeout"].origin.startswith("incidents/2025-09-29-")
    assert "dockerfile/root-user" in rules


def test_check_finds_each_repeated_mistake(repo: Path, cli_invoke: CliInvoke) -> None:
    report = check_json(cli_invoke)
    found = [
        (f["path"], f["line"], f["rule"], [i["id"] for i in f["incidents"]])
        for f in report["findings"]
    ]
    assert found == [(path, line, rule, [inc]) for path, line, rule, inc in MISTAKES]
    assert report["errors"] == []
    # The fixed files the records name are read, and pass.
    for fixed in ("services/flags/config.toml", "k8s/boskos/statefulset.yaml", "eks/bootstrap.sh"):
        assert fixed in report["files"]
    text = cli_invoke("check", exit_code=1).stdout
    assert (
        "config/flags.toml:4: config/db-connect-timeout: the database connection timeout is too "
        "short to connect under load: database.connect_timeout_ms is 300; it must be >= 1000"
    ) in text
    assert 'spec.updateStrategy.type is "OnDelete"; it must be == "RollingUpdate"' in text


def test_sarif_validates_and_describes_declared_rules(repo: Path, cli_invoke: CliInvoke) -> None:
    log = json.loads(cli_invoke("check", "--format", "sarif", exit_code=1).stdout)
    validator = jsonschema.validators.validator_for(SCHEMA)(
        SCHEMA, format_checker=jsonschema.FormatChecker()
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors
    (run,) = log["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    boskos = rules["k8s/statefulset-rolling-update"]
    assert (
        boskos["shortDescription"]["text"] == "StatefulSet does not roll its pods on a spec change"
    )
    assert "Fix: set spec.updateStrategy.type to RollingUpdate" in boskos["fullDescription"]["text"]
    assert boskos["properties"]["incidents"] == ["INC-0102"]
    results = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in run["results"]
    ]
    assert results == [(rule, path) for path, _, rule, _ in MISTAKES]


REGRESSIONS = [
    ("services/flags/config.toml", "= 1000", "= 250", "INC-0101", "config/db-connect-timeout"),
    (
        "k8s/boskos/statefulset.yaml",
        "RollingUpdate",
        "OnDelete",
        "INC-0102",
        "k8s/statefulset-rolling-update",
    ),
    ("eks/bootstrap.sh", "dockerd", "dockershim", "INC-0103", "eks/container-runtime"),
]


@pytest.mark.parametrize(
    "path, old, new, incident, rule", REGRESSIONS, ids=[r[3] for r in REGRESSIONS]
)
def test_drift_when_a_fixed_file_regresses(
    repo: Path, cli_invoke: CliInvoke, path: str, old: str, new: str, incident: str, rule: str
) -> None:
    assert [f["rule"] for f in check_json(cli_invoke)["findings"]].count("drift") == 0
    target = repo / path
    target.write_text(target.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    findings = check_json(cli_invoke)["findings"]
    drift = [f for f in findings if f["rule"] == "drift"]
    assert [(f["path"], f["message"].split(":")[0]) for f in drift] == [
        (path, f"{incident} fix reverted")
    ]
    assert f"{rule} fails again" in drift[0]["message"]
    assert any(f["path"] == path and f["rule"] == rule for f in findings)


def test_a_yaml_finding_is_accepted_from_the_line_above(repo: Path, cli_invoke: CliInvoke) -> None:
    legacy = repo / "k8s" / "legacy" / "boskos.yaml"
    text = legacy.read_text(encoding="utf-8").replace(
        "    type: OnDelete\n",
        "    # nexus-pm: ignore[k8s/statefulset-rolling-update] the janitor is restarted by hand\n"
        "    type: OnDelete\n",
    )
    legacy.write_text(text, encoding="utf-8")
    report = check_json(cli_invoke)
    assert "k8s/legacy/boskos.yaml" not in [f["path"] for f in report["findings"]]
    assert [(s["path"], s["line"], s["suppression"]["reason"]) for s in report["suppressed"]] == [
        ("k8s/legacy/boskos.yaml", 9, "the janitor is restarted by hand")
    ]


def test_suppression_on_the_line_above_accepts_it(repo: Path, cli_invoke: CliInvoke) -> None:
    legacy = repo / "eks" / "legacy-userdata.sh"
    text = legacy.read_text(encoding="utf-8").replace(
        "/etc/eks/bootstrap.sh",
        "# nexus-pm: ignore[eks/container-runtime] this template is no longer deployed\n"
        "/etc/eks/bootstrap.sh",
    )
    legacy.write_text(text, encoding="utf-8")
    report = check_json(cli_invoke)
    assert [f["path"] for f in report["findings"]] == [
        "config/flags.toml",
        "k8s/legacy/boskos.yaml",
    ]
    assert [(s["path"], s["suppression"]["reason"]) for s in report["suppressed"]] == [
        ("eks/legacy-userdata.sh", "this template is no longer deployed")
    ]


def test_the_rules_page_lists_declared_rules_with_their_globs(repo: Path) -> None:
    records = load_records([repo / "incidents"])
    entries = {e.rule.id: e for e in rule_entries(records)}
    timeout = entries["config/db-connect-timeout"]
    assert timeout.patterns == ("config/*.toml", "services/*/config.toml")
    assert [r.incident.id for r, _ in timeout.incidents] == ["INC-0101"]
    assert entries["dockerfile/root-user"].patterns[0] == "Dockerfile"


def test_a_named_file_no_rule_reads_is_refused(repo: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("check", "README.md", exit_code=2)
    assert "README.md:1: file: no rules check this kind of file" in result.stderr
    check_json(cli_invoke, "config/flags.toml")
