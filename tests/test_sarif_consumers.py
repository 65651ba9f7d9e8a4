"""SARIF for code scanning: stable fingerprints, tagged rules, and a real consumer reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sarif import loader

from .conftest import CliInvoke

SCHEMA = json.loads(
    (Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
DOCKERFILE = """FROM python:3.12-slim
RUN pip install --user uvicorn
RUN pip install  --user   uvicorn
USER app
CMD ["python", "-m", "app"]
"""
PIP = "dockerfile/pip-user-install"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke) -> Path:
    monkeypatch.chdir(tmp_path)
    cli_invoke("init", "--no-input")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    return tmp_path


def sarif(cli_invoke: CliInvoke, out: Path) -> dict[str, Any]:
    cli_invoke("check", "--format", "sarif", "-o", str(out), exit_code=1)
    log: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log))
    assert not errors, [e.message for e in errors]
    return log


def fingerprints(log: dict[str, Any]) -> dict[tuple[str, int], str]:
    (run,) = log["runs"]
    found = {}
    for result in run["results"]:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        found[(result["ruleId"], line)] = result["partialFingerprints"]["primaryLocationLineHash"]
    return found


def test_every_result_has_a_fingerprint_that_survives_unrelated_edits(
    kb: Path, cli_invoke: CliInvoke
) -> None:
    before = fingerprints(sarif(cli_invoke, kb / "before.sarif"))
    assert set(before) == {(PIP, 2), (PIP, 3), ("dockerfile/missing-healthcheck", 5)}
    assert len(set(before.values())) == len(before), "two results share a fingerprint"
    # Lines added above move every finding down; the fingerprints stay.
    (kb / "Dockerfile").write_text("# syntax=docker/dockerfile:1\n\n" + DOCKERFILE)
    after = fingerprints(sarif(cli_invoke, kb / "after.sarif"))
    assert after == {(rule, line + 2): fp for (rule, line), fp in before.items()}
    # Changing the flagged line itself is a new alert.
    (kb / "Dockerfile").write_text(DOCKERFILE.replace("  --user   uvicorn", " --user fastapi"))
    changed = fingerprints(sarif(cli_invoke, kb / "changed.sarif"))
    assert changed[(PIP, 2)] == before[(PIP, 2)]
    assert changed[(PIP, 3)] not in before.values()


def test_identical_lines_are_told_apart_by_their_order(kb: Path, cli_invoke: CliInvoke) -> None:
    found = fingerprints(sarif(cli_invoke, kb / "out.sarif"))
    # Lines 2 and 3 differ only in spacing, which the fingerprint ignores.
    two, three = found[(PIP, 2)], found[(PIP, 3)]
    assert two.split(":")[0] == three.split(":")[0]
    assert (two.split(":")[1], three.split(":")[1]) == ("1", "2")


def test_rules_carry_tags_and_a_security_severity_where_it_applies(
    kb: Path, cli_invoke: CliInvoke
) -> None:
    (run,) = sarif(cli_invoke, kb / "out.sarif")["runs"]
    rules = {rule["id"]: rule["properties"] for rule in run["tool"]["driver"]["rules"]}
    assert all("nexus-pm" in p["tags"] for p in rules.values())
    assert "security" in rules["dockerfile/root-user"]["tags"]
    assert 0 < float(rules["dockerfile/root-user"]["security-severity"]) <= 10
    # Only security rules are ranked by it.
    for rule_id, properties in rules.items():
        assert ("security-severity" in properties) == ("security" in properties["tags"]), rule_id


def test_sarif_tools_reads_the_file(kb: Path, cli_invoke: CliInvoke) -> None:
    out = kb / "nexus-pm.sarif"
    log = sarif(cli_invoke, out)
    read = loader.load_sarif_file(str(out))
    assert read.get_result_count() == len(log["runs"][0]["results"])
    records = read.get_records()
    assert {r["Location"] for r in records} == {"Dockerfile"}
    lines = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in log["runs"][0]["results"]
    ]
    assert sorted(int(r["Line"]) for r in records) == sorted(lines)
