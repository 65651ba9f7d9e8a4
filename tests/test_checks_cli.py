"""`nexus-pm check` end to end: the repo's Dockerfiles, reports, exit codes, suppressions, drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, CliInvoke
from .goldens import check_golden

GOLDEN = Path(__file__).parent / "golden" / "check"
EVIDENCE = "incidents/evidence/voice-service/Dockerfile.broken"
INCIDENT = "(repeats INC-0001: Voice service down: No module named uvicorn)"


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/check/NAME; UPDATE_GOLDEN=1 rewrites it."""
    check_golden(GOLDEN / name, actual)


@pytest.fixture
def repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SITE_URL", raising=False)
    return ROOT


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The files `nexus-pm check` reads, copied into tmp_path and made the working directory."""
    root = tmp_path / "repo"
    root.mkdir()
    for part in ("Dockerfile", "mkdocs.yml", "pyproject.toml"):
        shutil.copy2(ROOT / part, root / part)
    shutil.copytree(ROOT / "incidents", root / "incidents")
    monkeypatch.chdir(root)
    monkeypatch.delenv("SITE_URL", raising=False)
    return root


def test_the_fixed_root_dockerfile_is_clean(repo: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("check", "Dockerfile", exit_code=0)
    assert result.stdout == ""
    assert result.stderr == "no findings in 1 file\n"


def test_the_default_scan_of_the_repo_is_clean_and_skips_the_evidence(
    repo: Path, cli_invoke: CliInvoke
) -> None:
    result = cli_invoke("check", "--format", "json", exit_code=0)
    files = json.loads(result.stdout)["files"]
    assert "Dockerfile" in files
    assert not [f for f in files if f.startswith(("incidents/evidence/", ".venv/", "site/"))]


def test_the_broken_evidence_dockerfile_repeats_the_incident(
    repo: Path, cli_invoke: CliInvoke
) -> None:
    result = cli_invoke("check", EVIDENCE, exit_code=1)
    lines = [line for line in result.stdout.splitlines() if line.startswith(EVIDENCE)]
    rules = [line.split(": ")[1] for line in lines]
    # Each anti-pattern of the incident on its own line, naming the incident.
    assert rules == [
        "dockerfile/pip-user-install",
        "dockerfile/copy-from-root",
        "dockerfile/env-path-root",
        "dockerfile/env-path-root",
        "dockerfile/missing-healthcheck",
    ]
    assert [line.endswith(INCIDENT) for line in lines] == [True, True, True, True, False]
    assert "https://example.github.io/nexus-pm/incidents/inc-0001/" in result.stdout
    # The fix, from the incident's after snippet, is shown once.
    assert result.stdout.count("RUN pip install --no-cache-dir -r requirements.txt") == 1
    assert result.stderr == "5 findings in 1 file\n"
    golden("broken.txt", result.stdout)


def test_json_report_names_incident_fix_and_url(repo: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("check", EVIDENCE, "--format", "json", exit_code=1)
    data = json.loads(result.stdout)
    first = data["findings"][0]
    assert (first["line"], first["rule"]) == (14, "dockerfile/pip-user-install")
    (incident,) = first["incidents"]
    assert incident["id"] == "INC-0001"
    assert incident["url"] == "https://example.github.io/nexus-pm/incidents/inc-0001/"
    assert incident["fixes"][0]["path"] == "Dockerfile"
    assert data["summary"] == {"files": 1, "findings": 5, "suppressed": 0, "errors": 0}
    golden("broken.json", result.stdout)


def test_site_url_comes_from_the_environment_or_the_option(
    repo: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITE_URL", "https://docs.example.org/pm")
    result = cli_invoke("check", EVIDENCE, exit_code=1)
    assert "see https://docs.example.org/pm/incidents/inc-0001/" in result.stdout
    result = cli_invoke("check", EVIDENCE, "--site-url", "https://x.test/", exit_code=1)
    assert "see https://x.test/incidents/inc-0001/" in result.stdout
    result = cli_invoke("check", EVIDENCE, "--site-url", "", exit_code=1)
    assert "see " not in result.stdout and INCIDENT in result.stdout


def test_output_option_writes_the_report(repo: Path, cli_invoke: CliInvoke, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = cli_invoke("check", EVIDENCE, "--format", "sarif", "-o", str(out), exit_code=1)
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_reverting_the_fix_is_reported_as_drift(copy: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke("check", exit_code=0)
    dockerfile = copy / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8")
    reverted = text.replace("pip install --no-cache-dir", "pip install --user --no-cache-dir")
    dockerfile.write_text(reverted, encoding="utf-8")
    result = cli_invoke("check", exit_code=1)
    line = text.splitlines().index("RUN pip install --no-cache-dir -r requirements.txt") + 1
    assert (
        f"Dockerfile:{line}: drift: INC-0001 fix reverted: dockerfile/pip-user-install fails again ("
        in result.stdout
    )
    # Checking the file by name finds the drift too.
    assert "drift" in cli_invoke("check", "Dockerfile", exit_code=1).stdout
    golden("drift.txt", result.stdout)


def test_every_guarded_rule_reports_its_own_drift(copy: Path, cli_invoke: CliInvoke) -> None:
    dockerfile = copy / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8")
    text = text.replace("pip install --no-cache-dir", "pip install --user --no-cache-dir").replace(
        "COPY --from=builder /usr/local/bin /usr/local/bin",
        "COPY --from=builder /root/.local /root/.local\nENV PATH=/root/.local/bin:$PATH",
    )
    dockerfile.write_text(text, encoding="utf-8")
    result = cli_invoke("check", "--format", "json", exit_code=1)
    findings = json.loads(result.stdout)["findings"]
    drift = [f["message"].split(": ")[1].split()[0] for f in findings if f["rule"] == "drift"]
    assert drift == [
        "dockerfile/pip-user-install",
        "dockerfile/copy-from-root",
        "dockerfile/env-path-root",
    ]


def test_a_deleted_fix_file_is_drift_too(copy: Path, cli_invoke: CliInvoke) -> None:
    (copy / "Dockerfile").unlink()
    result = cli_invoke("check", exit_code=1)
    assert result.stdout.startswith(
        "Dockerfile:1: drift: INC-0001 fix file is gone: Dockerfile no longer exists; "
        "update fix.changes.0.path in incidents/2025-11-09-voice-service-no-module-named-uvicorn.yaml\n"
    )
    assert result.stdout.count("drift:") == 1
    # A scan of other paths does not judge files it was not asked about.
    (copy / "other").mkdir()
    cli_invoke("check", "other", exit_code=0)


def test_invalid_records_stop_the_check(copy: Path, cli_invoke: CliInvoke) -> None:
    seed = next((copy / "incidents").glob("*.yaml"))
    text = seed.read_text(encoding="utf-8")
    seed.write_text(
        text.replace("check: dockerfile/copy-from-root", "check: dockerfile/copy-from-rot")
    )
    result = cli_invoke("check", exit_code=2)
    assert "did you mean 'dockerfile/copy-from-root'?" in result.stderr
    assert "Traceback" not in result.stderr
