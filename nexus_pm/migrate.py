"""Rewrite format-1 records as format 2, in place, keeping comments, key order and every value."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml.error import YAMLError

from .migrate_sections import MOVED, SECTION_SOURCES, sections_from
from .migrate_yaml import (
    Map,
    attach,
    attach_below,
    comments,
    dump,
    insert,
    new_map,
    new_seq,
    pop,
    replace,
    round_trip,
    unique,
)

MAX_CHARS = 1024 * 1024  # the loader's cap on a record
MAX_DEPTH = 32  # a record nests about 8 deep
# Every top-level field of format 1 (nexus_pm/models.py), to recognise old records.
FORMAT1_FIELDS = frozenset(
    [
        "id",
        "title",
        "summary",
        "date",
        "times",
        "severity",
        "status",
        "services",
        "tags",
        "authors",
        "impact",
        "trigger",
        "detection",
        "symptom",
        "root_cause",
        "fix",
        "implementation",
        "verification",
        "system_status",
        "metrics",
        "lessons",
        "prevention",
        "action_items",
        "access",
        "outcome",
        "fix_pattern",
        "final_status",
        "related",
        "references",
    ]
)
# Format 1 tracked the incident (investigating, resolved, closed); format 2 tracks
# the write-up. A record still investigating is not ready for review yet.
STATUS = {
    "draft": "draft",
    "investigating": "draft",
    "resolved": "published",
    "closed": "published",
}
# Format-1 `times` keys become timeline events; the texts are format 1's meanings.
MILESTONES = {
    "started": "The problem began.",
    "detected": "The problem was noticed.",
    "mitigated": "User impact stopped.",
    "resolved": "The fix was in place.",
}
EFFORT_PHASES = {
    "to_detect": "detect",
    "to_diagnose": "diagnose",
    "to_fix": "fix",
    "to_deploy": "deploy",
}


class MigrationError(ValueError):
    """A file that is neither a format-1 nor a format-2 record."""


def is_format1(data: Any) -> bool:
    """True for a record in format 1: a mapping of format-1 fields without `format: 2`."""
    if not isinstance(data, Mapping):
        return False
    marker = data.get("format", 1)
    return marker == 1 and not isinstance(marker, bool) and bool(FORMAT1_FIELDS & set(data))


def is_format2(data: Any) -> bool:
    return isinstance(data, Mapping) and data.get("format") == 2


def migrate_text(text: str) -> str:
    """The format-2 text of a format-1 record; a format-2 record comes back unchanged."""
    _refuse_hostile(text)
    try:
        data, yaml = round_trip(text.replace("\r\n", "\n"))
    except (YAMLError, ValueError, RecursionError) as exc:  # ValueError: `2025-02-30`
        raise MigrationError(f"not valid YAML: {exc}") from None
    if is_format2(data):
        return text
    if not is_format1(data):
        raise MigrationError("not an incident record: expected a mapping with format-1 fields")
    _migrate(data)
    out = dump(yaml, data)
    # The file keeps its byte order mark and line endings.
    if "\r\n" in text:
        out = out.replace("\n", "\r\n")
    return "\ufeff" + out if text.startswith("\ufeff") else out


def _refuse_hostile(text: str) -> None:
    # The round-trip loader expands aliases: a "billion laughs" file would take
    # gigabytes. Records may not use anchors anyway, so look at the events first.
    if len(text) > MAX_CHARS:
        raise MigrationError(f"larger than {MAX_CHARS} characters; records are smaller")
    depth = 0
    try:
        for event in pyyaml.parse(text, Loader=pyyaml.SafeLoader):
            if isinstance(event, pyyaml.AliasEvent) or getattr(event, "anchor", None):
                raise MigrationError("anchors and aliases are not supported in records")
            if isinstance(event, pyyaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:  # ruamel takes minutes over a deeply nested file
                    raise MigrationError(f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, pyyaml.CollectionEndEvent):
                depth -= 1
    except pyyaml.YAMLError as exc:
        raise MigrationError(f"not valid YAML: {exc}") from None


def migrate_file(path: Path) -> bool:
    """Migrate one file in place, atomically; True if it changed."""
    text = path.read_bytes().decode("utf-8")  # as is: CRLF and a BOM stay
    migrated = migrate_text(text)
    if migrated == text:
        return False
    # A crash mid-write must leave the old record, not half a new one.
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(migrated)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def _migrate(record: Map) -> None:
    # Sections go where the first field they absorb stood, so the page keeps its
    # order; a placeholder holds that place while the fields around it move.
    keys = list(record)
    sources = [k for k in keys if k in SECTION_SOURCES]
    anchor = next((k for k in keys if k in MOVED), None) or next(
        (k for k in ("related", "references") if k in record), None
    )
    insert(record, keys.index(anchor) if anchor else len(record), "sections", None)
    _format_marker(record)
    if "times" in record:
        _timeline(record)
    if record.get("status") in STATUS:
        record["status"] = STATUS[record["status"]]
    if isinstance(record.get("impact"), str):
        replace(record, "impact", "impact", new_map(("text", record["impact"])))
    _cause(record)
    if "metrics" in record:
        _effort(record)
    if isinstance(record.get("lessons"), Mapping):
        _lesson_groups(record["lessons"])
    for item in record.get("action_items") or []:
        if isinstance(item, Map) and "status" not in item:
            # Format 1 read a missing status as open; format 2 reads it as unknown.
            insert(item, list(item).index("text") + 1 if "text" in item else 0, "status", "open")
    sections = sections_from(record, sources)
    _fix_steps(record)
    _related(record)
    if sections:
        record["sections"] = sections
    else:
        del record["sections"]


def _format_marker(record: Map) -> None:
    # The file's opening comments stay on top; the block right above the first
    # key (after a blank line) explains that key, so it stays with it.
    insert(record, 0, "format", 2)
    head = record.ca.comment[1] if record.ca.comment and len(record.ca.comment) > 1 else None
    if not head or len(record) < 2:
        return
    breaks = [n for n, token in enumerate(head) if token.value.endswith("\n\n")]
    if breaks and breaks[-1] < len(head) - 1:
        second = list(record)[1]
        record.ca.comment[1] = head[: breaks[-1] + 1]
        record.ca.items.setdefault(second, [None, None, None, None])[1] = head[breaks[-1] + 1 :]


def _timeline(record: Map) -> None:
    times = record["times"]
    events = []
    naive = False
    tokens = comments(times)
    for kind, text in MILESTONES.items():
        when = times.get(kind) if isinstance(times, Mapping) else None
        if when is None:
            continue
        naive = naive or (isinstance(when, dt.datetime) and when.tzinfo is None)
        event = new_map(("at", when), ("kind", kind), ("text", text))
        if isinstance(times, Map) and kind in times.ca.items:
            event.ca.items["at"] = times.ca.items[kind]  # `started: ...  # note` keeps its note
        events.append(event)
    position = list(record).index("times")
    key_entry = record.ca.items.get("times")
    replace(record, "times", "timeline", new_seq(events))
    moved = [event.ca.items.get("at") for event in events]
    tokens = unique(tokens, key_entry, *moved)
    if events:
        attach_below(record["timeline"], tokens)
    else:
        _keep(record, tokens)
    if naive and "timezone" not in record:
        # Format 1 compared naive times as UTC.
        insert(record, position, "timezone", "UTC")


def _cause(record: Map) -> None:
    if "root_cause" not in record and "trigger" not in record:
        return
    cause = Map()
    root = record.get("root_cause")
    notes: list[Any] = []
    if isinstance(root, Map) and "summary" in root:
        summary, tokens = pop(root, "summary")
        cause["root_causes"] = new_seq([summary])
        notes += tokens
    if "trigger" in record:
        trigger, tokens = pop(record, "trigger")
        cause["trigger"] = trigger
        attach(cause, "trigger", tokens)
    if isinstance(root, Map):
        if "contributing_factors" in root:
            factors, tokens = pop(root, "contributing_factors")
            cause["contributing_factors"] = factors
            notes += tokens
        analysis = Map()
        for key in ("method", "steps"):
            if key in root:
                value, tokens = pop(root, key)
                analysis[key] = value
                notes += tokens
        if analysis:
            cause["analysis"] = analysis
        notes += comments(root)  # whatever was left on root_cause itself
    if "root_cause" in record:
        replace(record, "root_cause", "cause", cause)
    else:
        record["cause"] = cause
    if notes and cause:
        attach_below(cause, notes)


def _effort(record: Map) -> None:
    metrics = record["metrics"]
    phases = new_seq([])
    tokens = comments(metrics)
    if isinstance(metrics, Mapping):
        for key, phase in EFFORT_PHASES.items():
            if metrics.get(key) is not None:
                phases.append(new_map(("phase", phase), ("minutes", metrics[key]), flow=True))
                entry = metrics.ca.items.get(key) if isinstance(metrics, Map) else None
                if entry and entry[2] is not None:
                    phases.ca.items[len(phases) - 1] = [entry[2], None, None, None]
        total = metrics.get("total")
        parts = sum(float(p["minutes"]) for p in phases)
        if phases and total is not None and abs(parts - float(total)) > 1e-6:
            # Format 1 refused this; dropping the total would lose a figure.
            raise MigrationError(
                f"metrics.total is {total} minutes but its parts add up to {parts:g}; "
                "fix the record first (`nexus-pm validate` shows it)"
            )
        if not phases and total is not None:
            # Only the total was measured; with parts, format 1 made the total their sum.
            phases.append(new_map(("phase", "total"), ("minutes", metrics["total"]), flow=True))
    key_entry = record.ca.items.get("metrics")
    if phases:
        replace(record, "metrics", "effort", phases)
        attach_below(phases, unique(tokens, key_entry, *phases.ca.items.values()))
    else:
        _, more = pop(record, "metrics")
        _keep(record, unique(tokens + more))


def _keep(record: Map, tokens: list[Any]) -> None:
    """Comments of a field that left no value behind: at the end of the record, not lost."""
    if tokens and record:
        attach_below(record, tokens)


def _lesson_groups(lessons: Map) -> None:
    named = [(key, title) for key, title in (("technical", "Technical"), ("process", "Process"))]
    present = [(key, title) for key, title in named if key in lessons]
    if not present:
        return
    position = list(lessons).index(present[0][0])
    groups = []
    for key, title in present:
        items, tokens = pop(lessons, key)
        group = new_map(("title", title), ("items", items))
        attach(group, "title", tokens)
        groups.append(group)
    insert(lessons, position, "groups", new_seq(groups))


def _fix_steps(record: Map) -> None:
    if "implementation" not in record:
        return
    if "fix" in record and isinstance(record["fix"], Map):
        steps, tokens = pop(record, "implementation")
        record["fix"]["steps"] = steps
        attach(record["fix"], "steps", tokens)
    else:
        replace(record, "implementation", "fix", new_map(("steps", record["implementation"])))


def _related(record: Map) -> None:
    if "related" not in record and "references" not in record:
        return
    incidents = record.get("related")
    related = Map()
    if incidents is not None:
        related["incidents"] = incidents
    if "references" in record:
        links, tokens = pop(record, "references")
        related["links"] = links
        attach(related, "links", tokens)
    if "related" in record:
        replace(record, "related", "related", related)
    else:
        record["related"] = related
