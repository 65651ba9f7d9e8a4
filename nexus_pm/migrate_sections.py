"""Format-1 fields with no place of their own in format 2, turned into supporting sections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from .migrate_yaml import Map, Seq, attach, comments, new_map, new_seq, own_comments, pop, unique

# Fields that move into `sections` entirely; `sections` goes where the first stood.
MOVED = ("verification", "system_status", "access", "outcome", "fix_pattern", "final_status")
# Fields that leave part of themselves in a section (the rest moves elsewhere).
SECTION_SOURCES = ("symptom", "implementation", *MOVED)
# Evidence kinds of format 1 as block kinds: status lines and text are shown as logs.
EVIDENCE_KINDS = {"status": "log", "log": "log", "text": "log", "json": "json"}


def sections_from(record: Map, order: list[str]) -> Seq:
    """Sections for the format-1 fields in `order`, removed from `record` (symptom: errors)."""
    made = Seq()
    for key in order:
        section = BUILDERS[key](record)
        if section is not None:
            made.append(section)
    return made


def _take(record: Map, key: str, deep: bool = False) -> tuple[Any, list[Any]]:
    """Remove `record[key]`; its comments, and with `deep` those of everything inside it."""
    value, tokens = pop(record, key)
    return value, unique(tokens + (comments(value) if deep else own_comments(value)))


def _section(title: str, tokens: list[Any], *blocks: Map | None, text: Any = None) -> Map:
    section = new_map(("title", title), ("text", text))
    kept = [block for block in blocks if block is not None]
    if kept:
        section["blocks"] = new_seq(kept)
    attach(section, "title", tokens)
    return section


def _symptom(record: Map) -> Map | None:
    position = list(record).index("symptom")
    symptom, tokens = _take(record, "symptom")
    if not isinstance(symptom, Map):
        return None
    language = symptom.get("error_language", "text")
    error = new_map(("language", language), ("output", symptom.get("error_output")))
    record.insert(position, "errors", new_seq([error]))
    # The error takes the symptom's place; the description and observations go to a section.
    facts = None
    if symptom.get("observations"):
        facts = new_map(("kind", "facts"), ("title", "Observations"))
        facts["facts"] = symptom["observations"]
    return _section("Symptom", tokens, facts, text=symptom.get("description"))


def _durations(record: Map) -> Map | None:
    # Steps keep their duration; what it measured goes to a table, as format 1 showed
    # it: `Build time: ~2 minutes`.
    rows = []
    for step in record["implementation"] or []:
        if isinstance(step, Map) and "duration_label" in step:
            label, tokens = pop(step, "duration_label")
            timed = f"{label}: {step.get('duration', '')}".rstrip(": ")
            row = new_seq([step.get("title", ""), timed], flow=True)
            rows.append(row)
            if tokens and step:
                attach(step, list(step)[-1], tokens)
    if not rows:
        return None
    columns = new_seq(["Step", "What was timed"], flow=True)
    table = new_map(("kind", "table"), ("columns", columns), ("rows", new_seq(rows)))
    return _section("Implementation timings", [], table)


def _verification(record: Map) -> Map:
    evidence, tokens = _take(record, "verification")
    blocks = []
    for item in evidence or []:
        if isinstance(item, Map):
            item["kind"] = EVIDENCE_KINDS.get(item.get("kind"), "log")
            blocks.append(item)  # reused as a block, with its own comments
    return _section("Verification", tokens, *blocks)


def _system_status(record: Map) -> Map:
    snapshot, tokens = _take(record, "system_status", deep=True)
    rows = []
    for row in snapshot or []:
        port = row.get("port")
        # Quoted: the loader reads YAML 1.1, where a bare yes is true.
        subject = DoubleQuotedScalarString("yes") if row.get("subject") else ""
        cells = [
            row.get("service", ""),
            row.get("state", ""),
            "" if port is None else port,
            subject,
        ]
        rows.append(new_seq(cells, flow=True))
    columns = new_seq(["Service", "State", "Port", "This incident"], flow=True)
    table = new_map(("kind", "table"), ("columns", columns), ("rows", new_seq(rows)))
    return _section("System status", tokens, table if rows else None)


def _access(record: Map) -> Map:
    routes, tokens = _take(record, "access", deep=True)
    blocks: list[Map | None] = []
    for route in routes or []:
        commands = "".join(f"{command}\n" for command in route.get("commands") or [])
        code = new_map(("kind", "code"), ("title", route.get("name")), ("language", "text"))
        code["code"] = LiteralScalarString(commands)
        blocks.append(code)
        if route.get("note"):
            blocks.append(new_map(("kind", "text"), ("text", route["note"])))
    return _section("Access", tokens, *blocks)


def _outcome(record: Map) -> Map:
    outcome, tokens = _take(record, "outcome")
    blocks = [
        new_map(("kind", "list"), ("title", title), ("items", outcome[key]))
        for key, title in (("before", "Before"), ("after", "After"))
        if outcome and outcome.get(key)
    ]
    return _section("Outcome", tokens, *blocks)


def _fix_pattern(record: Map) -> Map:
    pattern, tokens = _take(record, "fix_pattern")
    pattern = pattern or {}
    steps = new_map(("kind", "list"), ("ordered", True), ("items", pattern.get("steps")))
    scope = None
    if pattern.get("scope"):
        scope = new_map(("kind", "text"), ("text", pattern["scope"]))
    return _section("Fix pattern", tokens, steps, scope, text=pattern.get("when"))


def _final_status(record: Map) -> Map:
    facts, tokens = _take(record, "final_status")
    block = new_map(("kind", "facts"), ("facts", facts)) if facts else None
    return _section("Final status", tokens, block)


BUILDERS: dict[str, Callable[[Map], Map | None]] = {
    "symptom": _symptom,
    "implementation": _durations,
    "verification": _verification,
    "system_status": _system_status,
    "access": _access,
    "outcome": _outcome,
    "fix_pattern": _fix_pattern,
    "final_status": _final_status,
}
