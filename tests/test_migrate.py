"""Migration to format 2: the result validates, keeps every value and comment, and is stable."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from nexus_pm.migrate import MigrationError, is_format1, migrate_file, migrate_text
from nexus_pm.models import Incident
from nexus_pm.record_parts import EventKind
from nexus_pm.reference import json_schema_text

from .conftest import FORMAT1_SEED, ROOT

# Format-1 records as they were committed before the format changed: the seed, and the
# draft `nexus-pm new` wrote, with its guidance comments.
FORMAT1 = ROOT / "tests" / "fixtures" / "format1"
REALWORLD = ROOT / "tests" / "fixtures" / "realworld"

# A format-1 record with comments wherever the migration moves, renames or drops a key.
COMMENTED = """\
# yaml-language-server: $schema=../schemas/incident.schema.json
# A hand-written format-1 record.

# Identity: the id stays unique.
id: INC-0007
title: Checkout returns 502  # as users saw it
summary: Checkout failed for twenty minutes after a config push.
date: 2025-03-09
times:
  # Read off the load balancer graphs.
  started: 2025-03-09T10:00:00Z
  detected: 2025-03-09T10:04:00Z  # the pager
  resolved: 2025-03-09T10:20:00Z
severity: SEV2
status: closed
services: [checkout]
impact: Every checkout request failed.  # about 1200 orders
trigger: A config push.  # by the deploy bot
# How we found out.
detection: The error-rate alert paged on-call.
symptom:
  description: Checkout returned 502.
  error_output: |
    upstream prematurely closed connection
  # Seen in the nginx log.
  observations:
    - {label: Pods, value: running}
root_cause:
  summary: The pool size was set to 0.
  steps:
    - title: Read the logs
      question: Why 502?
      finding: No connections.  # pool of 0
system_status:
  # Snapshot after the fix.
  - {service: checkout, state: healthy, port: 8080, subject: true}
metrics:
  to_detect: 4  # from the graphs
  total: 4
implementation:
  - title: Rolled back
    command: kubectl rollout undo deploy/checkout
    duration_label: Rollback time  # measured by kubectl
    duration: 1 minute
lessons:
  technical:
    - Validate config before it ships  # the main one
action_items:
  - {text: Validate pool size in CI, owner: platform team, horizon: short-term}
related: [INC-0001]
references:
  - title: Config change  # the diff
    url: https://example.com/pr/1
# End of record.
"""


def _synthetic() -> dict[str, str]:
    # Records of the benchmark's former format-1 generator, kept as fixtures.
    return {
        f"synth-{path.stem}": path.read_text(encoding="utf-8")
        for path in sorted(FORMAT1.glob("synth-*.yaml"))
    }


INPUTS = {
    "seed": FORMAT1_SEED.read_text(encoding="utf-8"),
    "golden-new": (FORMAT1 / "new-draft.yaml").read_text(encoding="utf-8"),
    "commented": COMMENTED,
    **_synthetic(),
}
# Format-1 values that migration re-encodes on purpose (asserted separately).
RE_ENCODED = {("status",), ("verification", "*", "kind"), ("metrics", "total")}
# Joined into larger values (a code block per route, `Build time: ~2 minutes`).
JOINED = {("access", "*", "commands", "*"), ("implementation", "*", "duration_label")}


def leaves(node: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every scalar value with its path; list indices become `*`."""
    if isinstance(node, dict):
        return [x for key, value in node.items() for x in leaves(value, (*path, str(key)))]
    if isinstance(node, list):
        return [x for value in node for x in leaves(value, (*path, "*"))]
    return [(path, node)]


@functools.cache
def migrated(name: str) -> str:
    return migrate_text(INPUTS[name])


def comment_texts(text: str) -> list[str]:
    """Comments of the test inputs: full lines, and ` # ...` after a value."""
    found = []
    for line in text.splitlines():
        match = re.search(r"(?:^\s*|\s)(#.*)$", line)
        if match:
            found.append(match.group(1).strip())
    return found


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_migrated_record_validates_as_format_2(name: str) -> None:
    assert is_format1(yaml.safe_load(INPUTS[name]))
    data = yaml.safe_load(migrated(name))
    assert data["format"] == 2 and not is_format1(data)
    Incident.model_validate(data)
    # The JSON Schema that editors use agrees: times and dates as the file spells them.
    as_json = json.loads(json.dumps(data, default=_as_written))
    errors = jsonschema.Draft202012Validator(SCHEMA).iter_errors(as_json)
    assert not [e.message for e in errors]


SCHEMA = Incident.model_json_schema()


def _as_written(value: object) -> str:
    # PyYAML turns `2024-06-07 03:36:00+00:00` into a datetime; str() spells it back.
    assert isinstance(value, dt.date)
    return str(value)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_value_survives(name: str) -> None:
    before = leaves(yaml.safe_load(INPUTS[name]))
    after = [value for _, value in leaves(yaml.safe_load(migrated(name)))]
    strings = [value for value in after if isinstance(value, str)]
    for path, value in before:
        if path in RE_ENCODED or value is None or isinstance(value, bool):
            continue
        if path in JOINED:
            assert any(value in text for text in strings), (path, value)
        else:
            assert value in after, (path, value)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_comments_survive(name: str) -> None:
    out = comment_texts(migrated(name))
    for comment in comment_texts(INPUTS[name]):
        assert comment in out, comment


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_migrating_twice_changes_nothing(name: str) -> None:
    once = migrated(name)
    assert migrate_text(once) == once


@pytest.mark.parametrize("path", sorted(REALWORLD.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_format_2_record_is_left_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert migrate_text(text) == text
    assert not is_format1(yaml.safe_load(text))


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_what_the_checks_read_is_unchanged(name: str) -> None:
    old = yaml.safe_load(INPUTS[name])
    new = Incident.model_validate(yaml.safe_load(migrated(name)))
    old_changes = (old.get("fix") or {}).get("changes") or []
    changes = new.fix.changes if new.fix else []
    assert [c.path for c in changes] == [c.get("path") for c in old_changes]
    for change, was in zip(changes, old_changes, strict=True):
        assert change.before.code == was["before"]["code"]  # verbatim now: not even trimmed
        assert (change.after.path, change.after.code) == (
            was["after"]["path"],
            was["after"]["code"],
        )
    checks = [i.get("check") for i in (old.get("prevention") or {}).get("checklist") or []]
    assert [i.check for i in new.prevention.checklist] == checks


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_times_become_milestones_and_metrics_an_effort_breakdown(name: str) -> None:
    old = yaml.safe_load(INPUTS[name])
    new = Incident.model_validate(yaml.safe_load(migrated(name)))
    times = old.get("times") or {}
    for kind in ("started", "detected", "mitigated", "resolved"):
        when = times.get(kind)
        if isinstance(when, dt.datetime):
            expected = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            assert new.milestone(EventKind(kind)) == expected
    if "started" in times and "detected" in times:
        assert new.time_to_detect == times["detected"] - times["started"]
    metrics = old.get("metrics") or {}
    if metrics.get("total") is not None:
        assert new.effort_minutes == metrics["total"]


def test_status_mapping() -> None:
    statuses = {"draft": "draft", "investigating": "draft"}
    statuses |= {"resolved": "published", "closed": "published"}
    for old, new in statuses.items():
        text = INPUTS["commented"].replace("status: closed", f"status: {old}")
        assert yaml.safe_load(migrate_text(text))["status"] == new


def test_the_commented_record_in_detail() -> None:
    data = yaml.safe_load(migrated("commented"))
    assert list(data)[:4] == ["format", "id", "title", "summary"]
    assert [e["kind"] for e in data["timeline"]] == ["started", "detected", "resolved"]
    assert data["impact"] == {"text": "Every checkout request failed."}
    assert data["cause"]["trigger"] == "A config push."
    assert data["cause"]["root_causes"] == ["The pool size was set to 0."]
    assert data["cause"]["analysis"]["steps"][0]["finding"] == "No connections."
    assert data["errors"] == [
        {"language": "text", "output": "upstream prematurely closed connection\n"}
    ]
    assert data["effort"] == [{"phase": "Time to detect", "minutes": 4}]
    assert data["fix"]["steps"][0]["duration"] == "1 minute"
    assert data["action_items"][0]["status"] == "open"
    assert data["related"] == {
        "incidents": ["INC-0001"],
        "links": [{"title": "Config change", "url": "https://example.com/pr/1"}],
    }
    titles = [s["title"] for s in data["sections"]]
    assert titles == ["Symptom", "System status", "Implementation timings"]
    table = data["sections"][1]["blocks"][0]
    assert table["rows"] == [["checkout", "healthy", 8080, "yes"]]
    assert data["lessons"]["groups"] == [
        {"title": "Technical", "items": ["Validate config before it ships"]}
    ]


def test_seed_evidence_and_routes_become_blocks() -> None:
    sections = {s["title"]: s for s in yaml.safe_load(migrated("seed"))["sections"]}
    kinds = [b["kind"] for b in sections["Verification"]["blocks"]]
    assert kinds == ["log", "json", "log"]  # format 1: status, json, log
    access = sections["Access"]["blocks"][0]
    assert access["code"] == "curl http://localhost:8003/health\ncurl http://localhost:8003/docs\n"
    assert sections["Final status"]["blocks"][0]["kind"] == "facts"
    assert list(sections) == [
        "Symptom",
        "Implementation timings",
        "Verification",
        "System status",
        "Access",
        "Outcome",
        "Fix pattern",
        "Final status",
    ]


def test_golden_draft_keeps_its_guidance_comments_in_place() -> None:
    text = migrated("golden-new")
    assert text.startswith("# yaml-language-server: $schema=../schemas/incident.schema.json\n")
    assert "# The id is unique; keep it." in text.split("format: 2")[1]
    assert text.rstrip().endswith("#   - {text: ..., owner: ..., horizon: short-term}")


def test_is_format1_recognises_old_records_only() -> None:
    assert is_format1({"id": "INC-0001", "times": {}})
    assert is_format1({"format": 1, "id": "INC-0001"})
    for other in (None, [], "text", {}, {"format": 2, "id": "INC-0001"}, {"hello": 1}):
        assert not is_format1(other)


def test_migrate_file_writes_in_place_atomically(tmp_path: Path) -> None:
    path = tmp_path / "record.yaml"
    path.write_text(INPUTS["commented"], encoding="utf-8")
    path.chmod(0o640)
    assert migrate_file(path) is True
    assert path.read_text(encoding="utf-8") == migrated("commented")
    assert path.stat().st_mode & 0o777 == 0o640
    assert migrate_file(path) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.yaml"]


def test_byte_order_mark_and_line_endings_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    path.write_bytes(("\ufeff" + INPUTS["commented"]).replace("\n", "\r\n").encode("utf-8"))
    assert migrate_file(path)
    raw = path.read_bytes().decode("utf-8")
    assert raw.startswith("\ufeff# yaml-language-server") and "\n" not in raw.replace("\r\n", "")
    assert raw.replace("\r\n", "\n")[1:] == migrated("commented")


def test_a_total_that_its_parts_contradict_is_not_dropped() -> None:
    text = INPUTS["commented"].replace("  total: 4\n", "  total: 60\n")
    with pytest.raises(
        MigrationError, match=r"metrics\.total is 60 minutes but its parts add up to 4"
    ):
        migrate_text(text)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "tests" / "bad_inputs").glob("*/input.yaml")),
    ids=lambda p: p.parent.name,
)
def test_hostile_format_1_inputs_migrate_or_are_refused_cleanly(path: Path) -> None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        once = migrate_text(text)
    except MigrationError:
        return
    assert migrate_text(once) == once


def test_what_is_not_a_record_is_refused(tmp_path: Path) -> None:
    for text in ("- a list\n", "key: [unclosed\n", "hello: world\n", "id: x\ndate: 2025-02-30\n"):
        with pytest.raises(MigrationError):
            migrate_text(text)
    path = tmp_path / "bad.yaml"
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(MigrationError):
        migrate_file(path)
    assert path.read_text(encoding="utf-8") == "- a list\n"


def test_a_file_with_fields_format_1_never_had_is_left_alone(tmp_path: Path) -> None:
    # The record schema has a `title` and a `description`; a record may have a typo.
    schema = tmp_path / "incident.schema.json"
    schema.write_text(json_schema_text(), encoding="utf-8")
    before = schema.read_bytes()
    with pytest.raises(MigrationError, match=r"^'\$schema' is not a format-1 field; remove"):
        migrate_file(schema)
    assert schema.read_bytes() == before
    with pytest.raises(MigrationError, match=r"^'titel' is not a format-1 field; remove"):
        migrate_text("id: INC-0001\ntitel: Disk full\ndate: 2025-11-10\n")
