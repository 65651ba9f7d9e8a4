"""SARIF output: valid against the official SARIF 2.1.0 schema, and useful to code scanning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .conftest import ROOT, CliInvoke

SCHEMA = json.loads(
    (Path(__file__).parent / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
EVIDENCE = "incidents/evidence/voice-service/Dockerfile.broken"


def sarif(cli_invoke: CliInvoke, *args: str, exit_code: int) -> dict[str, Any]:
    result = cli_invoke("check", "--format", "sarif", *args, exit_code=exit_code)
    log: dict[str, Any] = json.loads(result.stdout)
    validator = jsonschema.validators.validator_for(SCHEMA)(
        SCHEMA, format_checker=jsonschema.FormatChecker()
    )
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return log


@pytest.fixture
def repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SITE_URL", raising=False)
    return ROOT


def test_the_schema_file_is_the_official_one() -> None:
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    # The validator is not a pushover: a log missing its runs fails.
    assert not jsonschema.Draft4Validator(SCHEMA).is_valid({"version": "2.1.0"})


def test_findings_are_valid_sarif_with_rule_metadata(repo: Path, cli_invoke: CliInvoke) -> None:
    log = sarif(cli_invoke, EVIDENCE, exit_code=1)
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "nexus-pm"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    pip = rules["dockerfile/pip-user-install"]
    assert (
        pip["shortDescription"]["text"]
        == "pip install --user in an image that runs as another user"
    )
    assert pip["fullDescription"]["text"].startswith("`pip install --user`")
    assert pip["helpUri"] == "https://example.github.io/nexus-pm/rules/#dockerfile-pip-user-install"
    assert (
        "[INC-0001: Voice service down: No module named uvicorn]"
        "(https://example.github.io/nexus-pm/incidents/inc-0001/)"
    ) in pip["help"]["markdown"]
    assert "RUN pip install --no-cache-dir" in pip["help"]["markdown"]
    assert pip["properties"]["incidents"] == ["INC-0001"]
    assert rules["dockerfile/root-user"]["properties"]["incidents"] == []
    results = run["results"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ] == [
        ("dockerfile/pip-user-install", 14),
        ("dockerfile/copy-from-root", 21),
        ("dockerfile/env-path-root", 25),
        ("dockerfile/env-path-root", 26),
        ("dockerfile/missing-healthcheck", 27),
    ]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == EVIDENCE
    assert results[0]["message"]["text"].endswith(
        "(repeats INC-0001: Voice service down: No module named uvicorn)"
    )
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_suppressions_and_errors_are_valid_sarif(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(
        "# nexus-pm: ignore[dockerfile/root-user] the base image runs as uid 65532\n"
        "FROM gcr.io/distroless/static:nonroot\n",
        encoding="utf-8",
    )
    (tmp_path / "bad dir").mkdir()
    (tmp_path / "bad dir" / "Dockerfile").write_text("RUN x\n", encoding="utf-8")
    log = sarif(cli_invoke, exit_code=2)
    (run,) = log["runs"]
    (result,) = run["results"]
    assert result["ruleId"] == "dockerfile/root-user"
    assert result["suppressions"] == [
        {
            "kind": "inSource",
            "justification": "the base image runs as uid 65532",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "Dockerfile"},
                    "region": {"startLine": 1},
                }
            },
        }
    ]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == "dockerfile: RUN before the first FROM"
    assert (
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "bad%20dir/Dockerfile"
    )
    # With no mkdocs.yml there is no site to link to, and the log stays valid without helpUri.
    assert all("helpUri" not in rule for rule in run["tool"]["driver"]["rules"])


def test_a_clean_run_is_valid_sarif_too(repo: Path, cli_invoke: CliInvoke) -> None:
    log = sarif(cli_invoke, "Dockerfile", exit_code=0)
    assert log["runs"][0]["results"] == []
    assert {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]} >= {"drift", "suppression"}
