"""Rewrite format-1 records as format 2, in place, keeping comments, key order and every value."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml.error import YAMLError

from .migrate_fields import cause, effort, fix_steps, lesson_groups, related, timeline
from .migrate_sections import MOVED, SECTION_SOURCES, sections_from
from .migrate_yaml import Map, MigrationError, dump, insert, new_map, replace, round_trip

__all__ = ["MigrationError", "is_format1", "migrate_file", "migrate_text"]

MAX_CHARS = 1024 * 1024  # the loader's cap on a record
MAX_DEPTH = 32  # a record nests about 8 deep
# Every top-level field of format 1 (nexus_pm/models.py), to recognise old records.
FORMAT1_FIELDS = frozenset((
    "id", "title", "summary", "date", "times", "severity", "status", "services", "tags",
    "authors", "impact", "trigger", "detection", "symptom", "root_cause", "fix",
    "implementation", "verification", "system_status", "metrics", "lessons", "prevention",
    "action_items", "access", "outcome", "fix_pattern", "final_status", "related", "references",
))  # fmt: skip
# Format 1 tracked the incident (investigating, resolved, closed); format 2 tracks
# the write-up. A record still investigating is not ready for review yet.
STATUS = {"draft": "draft", "investigating": "draft", "resolved": "published", "closed": "published"}  # fmt: skip


# The format-1 fields the migration takes apart, in format 1's shape: a mapping's keys
# (each with its own shape), any mapping (dict), a list of one shape, a type, one of
# a tuple's words, minutes (float), or None for any value. Anything else would be
# dropped or garbled on the way, so it is refused instead.
SHAPES: dict[str, Any] = {
    "status": str,
    "fix": dict,
    "times": dict.fromkeys(("started", "detected", "mitigated", "resolved")),
    "symptom": dict.fromkeys(("description", "error_output", "error_language", "observations")),
    "root_cause": dict.fromkeys(("summary", "method", "steps", "contributing_factors")),
    "metrics": dict.fromkeys(("to_detect", "to_diagnose", "to_fix", "to_deploy", "total"), float),
    "implementation": [None],
    "verification": [{"title": None, "kind": ("status", "json", "log", "text"), "content": None}],
    "system_status": [{"service": None, "state": None, "port": None, "subject": bool}],
    "action_items": [None],
    "access": [{"name": None, "commands": [None], "note": None}],
    "outcome": dict.fromkeys(("before", "after")),
    "fix_pattern": dict.fromkeys(("when", "steps", "scope")),
    "final_status": [None],
}


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
    for key, shape in SHAPES.items():
        if key in data:
            _check_shape(data[key], shape, key)
    # Format 1 had no other fields: a file with more is something else (a JSON Schema has a
    # `title` too), or a record with a typo, and either would be rewritten into nonsense.
    for key in data:
        if key not in FORMAT1_FIELDS and key != "format":
            raise MigrationError(
                f"{_shown(key)} is not a format-1 field; remove or rename it, then migrate"
            )
    _migrate(data)
    out = dump(yaml, data)
    # The file keeps its byte order mark and line endings.
    if "\r\n" in text:
        out = out.replace("\n", "\r\n")
    return "\ufeff" + out if text.startswith("\ufeff") else out


def _check_shape(value: Any, shape: Any, where: str) -> None:
    """Raise MigrationError, naming the field, if `value` is not of `shape` (see SHAPES)."""
    if value is None or shape is None:
        return  # nothing to lose, or anything goes
    if isinstance(shape, dict):
        if not isinstance(value, Mapping):
            raise _misshapen(where, "a mapping", value)
        for key, item in value.items():
            if key not in shape:
                raise MigrationError(
                    f"{where}: {_shown(key)} is not a format-1 field; "
                    "remove or rename it, then migrate"
                )
            _check_shape(item, shape[key], f"{where}.{key}")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise _misshapen(where, "a list", value)
        for number, item in enumerate(value):
            if item is None and isinstance(shape[0], dict):
                raise _misshapen(f"{where}.{number}", "a mapping", item)
            _check_shape(item, shape[0], f"{where}.{number}")
    elif shape is dict:
        if not isinstance(value, Mapping):
            raise _misshapen(where, "a mapping", value)
    elif isinstance(shape, tuple):
        if value not in shape:
            raise _misshapen(where, "one of " + ", ".join(shape), value)
    elif shape is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _misshapen(where, "a number of minutes", value)
    elif not isinstance(value, shape):
        raise _misshapen(where, "true or false" if shape is bool else "text", value)


def _misshapen(where: str, what: str, value: Any) -> MigrationError:
    return MigrationError(
        f"{where} must be {what}, as in format 1 (got {_shown(value)}); fix it, then migrate"
    )


def _shown(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:36] + "...'"


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
        timeline(record)
    if record.get("status") in STATUS:
        record["status"] = STATUS[record["status"]]
    if isinstance(record.get("impact"), str):
        replace(record, "impact", "impact", new_map(("text", record["impact"])))
    cause(record)
    if "metrics" in record:
        effort(record)
    if isinstance(record.get("lessons"), Mapping):
        lesson_groups(record["lessons"])
    for item in record.get("action_items") or []:
        if isinstance(item, Map) and "status" not in item:
            # Format 1 read a missing status as open; format 2 reads it as unknown.
            insert(item, list(item).index("text") + 1 if "text" in item else 0, "status", "open")
    sections = sections_from(record, sources)
    fix_steps(record)
    related(record)
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
