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
