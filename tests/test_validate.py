"""`count_valid`, which lets each incident go once read, finds what `load_records` finds."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nexus_pm.errors import NexusError
from nexus_pm.validate import count_valid, load_records

from .test_bench import _synth
from .test_checks_validate import CASES, broken_copy

LINK = re.compile(r"check: dockerfile/[a-z-]+")


def outcome(load: Callable[..., Any], folder: Path) -> tuple[str, Any]:
    """How many records, or the problems as they are reported."""
    try:
        found = load([folder / "incidents"], root=folder)
    except NexusError as exc:
        return "problems", [str(problem) for problem in exc.problems]
    return "valid", found if isinstance(found, int) else len(found)


def assert_alike(folder: Path) -> tuple[str, Any]:
    counted = outcome(count_valid, folder)
    assert counted == outcome(load_records, folder)
    return counted


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_broken_rule_link_is_reported_alike(case: dict[str, Any], tmp_path: Path) -> None:
    broken_copy(tmp_path, case)
    assert assert_alike(tmp_path)[0] == "problems"


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    incidents = tmp_path / "incidents"
    incidents.mkdir()
    for name, text in _synth().generate(60, seed=21).items():
        (incidents / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_valid_records_are_counted_alike(synthetic: Path) -> None:
    assert assert_alike(synthetic) == ("valid", 60)


def test_problems_across_records_are_reported_alike(synthetic: Path) -> None:
    incidents = synthetic / "incidents"
    files = sorted(incidents.iterdir())
    linking = [p for p in files if LINK.search(p.read_text(encoding="utf-8"))]
    plain = [p for p in files if p not in linking]
    assert linking and plain, "the synthetic set has records with and without rule links"
    # The same id twice, once on a record that links a rule and once on one that does not.
    for source in (linking[0], plain[0]):
        shutil.copy(source, incidents / f"{source.stem}-copy.yaml")
    # A related id that no record has.
    unrelated = next(p for p in plain[1:] if "\nrelated:" not in p.read_text(encoding="utf-8"))
    text = unrelated.read_text(encoding="utf-8")
    unrelated.write_text(text + "related:\n  incidents: [INC-9999]\n", encoding="utf-8")
    # Links to a rule that no record or rules/ folder defines, in two records.
    for record in linking[1:3]:
        text = record.read_text(encoding="utf-8")
        record.write_text(LINK.sub("check: dockerfile/no-such-rule", text, count=1), "utf-8")
    kind, problems = assert_alike(synthetic)
    assert kind == "problems"
    fields = {line.split(": ", 2)[0].rsplit(":", 1)[0] for line in problems}
    assert len(problems) >= 4, problems
    assert any("is already used by" in line for line in problems)
    assert any("no incident has the id INC-9999" in line for line in problems)
    assert any("no-such-rule" in line for line in problems)
    assert len(fields) >= 4, fields


RULES_REPO = Path(__file__).parent / "fixtures" / "rules" / "repo"


def test_shared_and_inline_rules_are_proved_alike(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(RULES_REPO, repo)
    assert assert_alike(repo) == ("valid", 3)
    source = repo / "incidents" / "2025-09-29-flags-connect-timeout.yaml"
    text = source.read_text(encoding="utf-8")
    # Read first: it writes the same rule id with another message, so the record that wrote
    # it first now clashes, and its link waits for every inline rule to be known.
    earlier = text.replace("id: INC-0101", "id: INC-0199").replace(
        "the database connection timeout is too short", "the timeout is short"
    )
    (repo / "incidents" / "2000-01-01-earlier.yaml").write_text(earlier, encoding="utf-8")
    kind, problems = assert_alike(repo)
    assert kind == "problems" and any("is already defined in" in line for line in problems)
