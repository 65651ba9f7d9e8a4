"""Loader and validation errors on broken copies of the seed record, pinned as golden text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nexus_pm.errors import NexusError
from nexus_pm.loader import load_records, parse_incident

from .conftest import SEED, CliInvoke
from .goldens import CaseFile

GOLDEN = CaseFile(Path(__file__).parent / "golden" / "seed_errors.yaml", key="errors")
CASES: list[dict[str, Any]] = GOLDEN.cases


def broken_copy(tmp_path: Path, case: dict[str, Any]) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(case["old"]) == 1, f"{case['name']}: `old` must occur once in the seed"
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "seed.yaml").write_text(text.replace(case["old"], case["new"]), encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_seed_gives_golden_errors(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    broken_copy(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    result = cli_invoke("validate", "incidents", exit_code=1)
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"{len(lines) - 1} problem")
    GOLDEN.check(case, lines[:-1])


def test_every_case_pins_an_error() -> None:
    assert all(case["errors"] for case in CASES), "every case pins at least one error"


def test_seed_record_is_valid() -> None:
    records = load_records([SEED.parent])
    assert [r.incident.id for r in records] == ["INC-0001"]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    (folder / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(NexusError) as info:
        load_records([folder])
    [problem] = info.value.problems
    assert problem.field == "id"
    assert problem.path.endswith("b.yaml")
    assert problem.line == 2
    assert "already used by" in problem.message and problem.message.endswith("a.yaml")


def test_every_problem_in_every_file_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "a.yaml").write_text("id: INC-0002\n", encoding="utf-8")
    (folder / "b.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(NexusError) as info:
        load_records([folder])
    files = {Path(p.path).name for p in info.value.problems}
    assert files == {"a.yaml", "b.yaml"}
    assert len(info.value.problems) == 6


def test_unknown_key_suggests_the_closest_field() -> None:
    text = SEED.read_text(encoding="utf-8").replace("impact: >-", "impcat: >-")
    with pytest.raises(NexusError) as info:
        parse_incident(text, "x.yaml")
    [problem] = info.value.problems
    assert (problem.field, problem.message) == ("impcat", "unknown field; did you mean 'impact'?")
