"""A record that sets every field of the schema, checked against the models and pinned as rendered pages."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from nexus_pm.models import Incident
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records

from .conftest import ROOT
from .fields import Slot, choices, models, slots
from .goldens import check_tree

FULL = Path(__file__).parent / "golden" / "full"
RECORD = FULL / "record.yaml"
# Identifiers, not prose: a snippet's language and path repeat by nature.
IDENTIFIERS = {"language", "error_language", "path"}


def full_incident() -> Incident:
    (record,) = [r for r in load_records([FULL]) if r.path.name == RECORD.name]
    return record.incident


def full_slots() -> list[Slot]:
    return list(slots(Incident, [full_incident()]))


def is_set(value: Any, default: Any) -> bool:
    return value is not None and value != [] and value != default


def test_the_walk_reaches_every_model_and_nested_list() -> None:
    # Without this, a walk that stopped at the top level would find every field "set".
    walked = full_slots()
    assert {s.model for s in walked} == set(models())
    paths = {s.path for s in walked}
    assert {"fix.changes[].before.code", "root_cause.steps[].details", "times.resolved"} <= paths


def test_every_field_is_set() -> None:
    unset = []
    for s in full_slots():
        default = None if s.info.is_required() else s.info.get_default(call_default_factory=True)
        if not any(is_set(value, default) for value in s.values):
            unset.append(s.path)
    assert unset == [], f"set these in {RECORD.name} (non-default, non-empty): {unset}"


def test_every_choice_a_list_can_repeat_is_used() -> None:
    # A record has one severity and one status, so only fields inside a list can show
    # every choice (action statuses and horizons, evidence kinds, service states).
    unused = {}
    for s in full_slots():
        if s.repeated and choices(s.info):
            used = {str(v.value if isinstance(v, Enum) else v) for v in s.values}
            if missing := sorted(set(choices(s.info)) - used):
                unused[s.path] = missing
    assert unused == {}


def texts() -> list[tuple[str, str]]:
    """Every prose value of the full record, with its path."""
    found = []
    for s in full_slots():
        if choices(s.info) or s.path.rsplit(".", 1)[-1] in IDENTIFIERS:
            continue
        for value in s.values:
            items = value if isinstance(value, list) else [value]
            found += [(s.path, item) for item in items if isinstance(item, str)]
    return found


def test_text_values_are_distinct() -> None:
    # Distinct values let a test look each one up on the page and know where it came from.
    found = texts()
    assert {"fix.changes[].notes", "symptom.observations[].value"} <= {p for p, _ in found}
    seen: dict[str, str] = {}
    repeats = []
    for path, text in found:
        if text in seen:
            repeats.append((seen[text], path, text))
        seen.setdefault(text, path)
    assert repeats == []


def test_the_json_schema_accepts_it_too() -> None:
    schema = json.loads((ROOT / "schemas" / "incident.schema.json").read_text(encoding="utf-8"))
    record = json.loads(json.dumps(yaml.safe_load(RECORD.read_text(encoding="utf-8")), default=str))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(record)]
    assert errors == []


def test_pages_match_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pages name the record's path relative to the working directory: from the repo
    # root it reads tests/golden/full/record.yaml on every machine.
    monkeypatch.chdir(ROOT)
    pages = Renderer(ROOT / "templates").site(load_records([FULL]))
    check_tree(FULL / "pages", pages)
