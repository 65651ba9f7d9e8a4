"""Format-1 fields that format 2 keeps under new names: times, causes, metrics, lessons, links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .migrate_yaml import (
    Map,
    MigrationError,
    attach,
    attach_below,
    comments,
    insert,
    new_map,
    new_seq,
    pop,
    replace,
    unique,
)

# Format-1 `times` keys become timeline events; the texts are format 1's meanings.
MILESTONES = {
    "started": "The problem began.",
    "detected": "The problem was noticed.",
    "mitigated": "User impact stopped.",
    "resolved": "The fix was in place.",
}
# Phases are named as format 1's page labelled them.
EFFORT_PHASES = {"to_detect": "Time to detect", "to_diagnose": "Time to diagnose", "to_fix": "Time to fix", "to_deploy": "Time to deploy"}  # fmt: skip


def timeline(record: Map) -> None:
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


def cause(record: Map) -> None:
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


def effort(record: Map) -> None:
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
                "fix the total or its parts, then migrate"
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


def lesson_groups(lessons: Map) -> None:
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


def fix_steps(record: Map) -> None:
    if "implementation" not in record:
        return
    if "fix" in record and isinstance(record["fix"], Map):
        steps, tokens = pop(record, "implementation")
        record["fix"]["steps"] = steps
        attach(record["fix"], "steps", tokens)
    else:
        replace(record, "implementation", "fix", new_map(("steps", record["implementation"])))


def related(record: Map) -> None:
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
