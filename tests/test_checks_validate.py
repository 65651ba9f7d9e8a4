"""`validate` proves every `check:` link on the incident's own snippets, pinned as golden text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nexus_pm.checks.links import record_check_problems
from nexus_pm.validate import load_records

from .conftest import SEED, CliInvoke
from .goldens import CaseFile

GOLDEN = CaseFile(Path(__file__).parent / "golden" / "check" / "validate_errors.yaml", key="errors")
CASES: list[dict[str, Any]] = GOLDEN.cases


def broken_copy(folder: Path, case: dict[str, Any]) -> None:
    text = SEED.read_text(encoding="utf-8")
    for old, new in case["replace"]:
        assert text.count(old) == 1, f"{case['name']}: {old!r} must occur once in the seed"
        text = text.replace(old, new)
    (folder / "incidents").mkdir()
    (folder / "incidents" / "seed.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_links_give_golden_errors(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    broken_copy(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    lines = cli_invoke("validate", exit_code=1).stderr.splitlines()
    assert lines[-1].startswith(f"{len(lines) - 1} problem")
    GOLDEN.check(case, lines[:-1])


def test_every_case_pins_an_error() -> None:
    assert all(case["errors"] for case in CASES), "every case pins at least one error"


def test_the_seed_links_are_proved() -> None:
    (record,) = load_records([SEED.parent])
    checks = [item.check for item in record.incident.prevention.checklist if item.check]
    assert checks == [
        "dockerfile/pip-user-install",
        "dockerfile/copy-from-root",
        "dockerfile/env-path-root",
    ]
    assert record_check_problems([record]) == []


def test_the_problem_points_at_the_check_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_copy(tmp_path, CASES[2])
    monkeypatch.chdir(tmp_path)
    text = (tmp_path / "incidents" / "seed.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("      check: dockerfile/root-user") + 1
    problems = [
        str(p) for p in record_check_problems(_unchecked(tmp_path / "incidents" / "seed.yaml"))
    ]
    assert problems == [
        f"incidents/seed.yaml:{line}: prevention.checklist.1.check: rule dockerfile/root-user does not "
        "flag the incident's before snippet (fix.changes.0.before); the lesson is not encoded"
    ]


def _unchecked(path: Path) -> list[Any]:
    from nexus_pm.loader import load_file

    return [load_file(path)]
