"""What each generated page shows, built from records in Python; templates only display it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .layout import page_uri
from .loader import Record
from .models import (
    ActionStatus,
    Change,
    Fact,
    FixPattern,
    Horizon,
    ImplementationStep,
    Incident,
    RootCause,
    Symptom,
)

# Label tables and orders: a page shows sections, rows and groups in these orders.
METRICS = (
    ("to_detect", "Time to detect"),
    ("to_diagnose", "Time to diagnose"),
    ("to_fix", "Time to fix"),
    ("to_deploy", "Time to deploy"),
    ("total", "Total"),
)
LESSONS = (
    ("technical", "Technical"),
    ("process", "Process"),
    ("went_well", "What went well"),
    ("went_wrong", "What went wrong"),
    ("lucky", "Where we got lucky"),
)
HORIZONS = (Horizon.IMMEDIATE, Horizon.SHORT_TERM, Horizon.LONG_TERM)
# Open and done show as the checkbox; any other status is named after the item.
QUIET_STATUSES = (ActionStatus.OPEN, ActionStatus.DONE)


@dataclass(frozen=True)
class Link:
    """Text and the docs path it links to."""

    text: str
    target: str


@dataclass(frozen=True)
class Titled:
    """A link to an incident page, shown as its id and title."""

    id: str
    title: str
    target: str


def titled(record: Record) -> Titled:
    return Titled(record.incident.id, record.incident.title, page_uri(record.incident))


@dataclass(frozen=True)
class IncidentRow:
    """One incident in a table of incidents."""

    date: dt.date
    id: str
    title: str
    target: str
    severity: Link
    status: str
    services: tuple[Link, ...]


def incident_row(record: Record) -> IncidentRow:
    i = record.incident
    return IncidentRow(
        i.date, i.id, i.title, page_uri(i), _severity(i), i.status.value, _services(i)
    )


def _severity(i: Incident) -> Link:
    return Link(i.severity.value, f"severity/{i.severity.value.lower()}.md")


def _services(i: Incident) -> tuple[Link, ...]:
    return tuple(Link(s, f"services/{s}.md") for s in i.services)


@dataclass(frozen=True)
class Action:
    """One action item, as its list entry shows it."""

    text: str
    owner: str | None
    due: dt.date | None
    done: bool
    status: str | None


@dataclass(frozen=True)
class Check:
    """A prevention checklist item and the rule that enforces it, if any."""

    text: str
    rule: str | None


@dataclass(frozen=True)
class StatusRow:
    """One row of the system status table; the incident's own service is bold."""

    service: str
    state: str
    port: int | None
    subject: bool


@dataclass(frozen=True)
class Evidence:
    title: str
    content: str
    language: str


@dataclass(frozen=True)
class Route:
    name: str
    commands: str
    note: str | None


@dataclass(frozen=True)
class Callout:
    """An admonition: its kind, heading and items."""

    kind: str
    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Ref:
    title: str
    url: str | None


@dataclass(frozen=True)
class IncidentView:
    """Everything an incident page shows, in order; None or empty where a section is absent."""

    row: IncidentRow
    summary: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]
    timeline: tuple[tuple[str, dt.datetime], ...]
    impact: str | None
    trigger: str | None
    detection: str | None
    symptom: Symptom | None
    root_cause: RootCause | None
    fix_summary: str | None
    fix_changes: tuple[Change, ...]
    implementation: tuple[ImplementationStep, ...]
    verification: tuple[Evidence, ...]
    system_status: tuple[StatusRow, ...]
    metrics: tuple[tuple[str, float], ...]
    lessons: tuple[tuple[str, tuple[str, ...]], ...]
    practices: tuple[str, ...]
    checklist: tuple[Check, ...]
    actions: tuple[tuple[str, tuple[Action, ...]], ...]
    access: tuple[Route, ...]
    outcome: tuple[Callout, ...]
    fix_pattern: FixPattern | None
    final_status: tuple[Fact, ...]
    related: tuple[Titled, ...]
    references: tuple[Ref, ...]
    source: str

    @property
    def prevention(self) -> bool:
        return bool(self.practices or self.checklist)


def incident_view(record: Record, by_id: dict[str, Record], source: str) -> IncidentView:
    """The incident page of `record`; `by_id` resolves its related incidents."""
    i = record.incident
    times = i.times.model_dump(exclude_none=True)
    metrics = i.metrics.model_dump(exclude_none=True)
    lessons = ((heading, tuple(getattr(i.lessons, name))) for name, heading in LESSONS)
    outcome = (
        [
            Callout("failure", "Before the fix", tuple(i.outcome.before)),
            Callout("success", "After the fix", tuple(i.outcome.after)),
        ]
        if i.outcome
        else []
    )
    return IncidentView(
        row=incident_row(record),
        summary=i.summary,
        tags=tuple(i.tags),
        authors=tuple(i.authors),
        timeline=tuple((name.capitalize(), value) for name, value in times.items()),
        impact=i.impact,
        trigger=i.trigger,
        detection=i.detection,
        symptom=i.symptom,
        root_cause=i.root_cause,
        fix_summary=i.fix.summary if i.fix else None,
        fix_changes=tuple(i.fix.changes) if i.fix else (),
        implementation=tuple(i.implementation),
        verification=tuple(
            Evidence(ev.title, ev.content, "json" if ev.kind == "json" else "text")
            for ev in i.verification
        ),
        system_status=tuple(
            StatusRow(row.service, row.state.value, row.port, row.subject)
            for row in i.system_status
        ),
        metrics=tuple((label, metrics[name]) for name, label in METRICS if name in metrics),
        lessons=tuple((heading, items) for heading, items in lessons if items),
        practices=tuple(i.prevention.practices),
        checklist=tuple(Check(c.text, c.check) for c in i.prevention.checklist),
        actions=_actions(i),
        access=tuple(Route(r.name, "\n".join(r.commands), r.note) for r in i.access),
        outcome=tuple(c for c in outcome if c.items),
        fix_pattern=i.fix_pattern,
        final_status=tuple(i.final_status),
        related=tuple(titled(by_id[x]) for x in i.related if x in by_id),
        references=tuple(Ref(ref.title, ref.url) for ref in i.references),
        source=source,
    )


def _actions(i: Incident) -> tuple[tuple[str, tuple[Action, ...]], ...]:
    groups = []
    for horizon in HORIZONS:
        items = tuple(
            Action(
                a.text,
                a.owner,
                a.due,
                a.status is ActionStatus.DONE,
                None if a.status in QUIET_STATUSES else a.status.value,
            )
            for a in i.action_items
            if a.horizon is horizon
        )
        if items:
            groups.append((horizon.value.capitalize(), items))
    return tuple(groups)
