"""What an incident page shows, in order, built from a record; the template only displays it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from .loader import Record
from .models import Incident, Status
from .record_followup import SETTLED, ActionItem
from .record_parts import Analysis, Change, Fact, Step
from .record_sections import Block, CodeBlock, JsonBlock, LinksBlock, LogBlock
from .record_types import zone
from .views import IncidentRow, Link, Titled, duration, incident_row, minutes, moment, titled

# Lessons in the order a page shows them, under these headings.
LESSONS = (
    ("learned", "Lessons learned"),
    ("went_well", "What went well"),
    ("went_wrong", "What went wrong"),
    ("lucky", "Where we got lucky"),
)


@dataclass(frozen=True)
class KeyFact:
    """One row of the header: a label, and text or links."""

    label: str
    text: str | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Event:
    """One timeline row, its time in the record's zone."""

    when: str
    approximate: bool
    as_written: str | None
    kind: str | None
    who: str | None
    text: str


@dataclass(frozen=True)
class ErrorView:
    """One verbatim error output."""

    title: str | None
    where: str | None
    language: str
    output: str


@dataclass(frozen=True)
class Action:
    """One action item as the table shows it; `owner` is None only when it is settled."""

    text: str
    kind: str | None
    owner: str | None
    unowned: bool
    due: dt.date | None
    when: str | None
    status: str | None
    ticket: str | None


@dataclass(frozen=True)
class Check:
    """A prevention checklist item and the rule that enforces it, if any."""

    text: str
    rule: str | None


@dataclass(frozen=True)
class Ref:
    title: str
    url: str | None


@dataclass(frozen=True)
class BlockView:
    """One block of a supporting section; only the fields of its kind are set."""

    kind: str
    title: str | None = None
    text: str | None = None
    code: str | None = None
    language: str = "text"
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    items: tuple[str, ...] = ()
    ordered: bool = False
    facts: tuple[Fact, ...] = ()
    path: str | None = None
    alt: str | None = None
    caption: str | None = None
    links: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class SectionView:
    """A supporting section: its heading, prose and blocks."""

    title: str
    text: str | None
    blocks: tuple[BlockView, ...]


@dataclass(frozen=True)
class IncidentView:
    """Everything an incident page shows; None or empty where a section is absent."""

    row: IncidentRow
    facts: tuple[KeyFact, ...]
    draft: bool
    summary: str
    zone: str | None
    tags: tuple[str, ...]
    timeline: tuple[Event, ...]
    effort: tuple[tuple[str, str], ...]
    effort_total: str | None
    impact_text: str | None
    impact_details: tuple[str, ...]
    figures: tuple[Fact, ...]
    detection: str | None
    cause_summary: str | None
    root_causes: tuple[str, ...]
    trigger: str | None
    contributing: tuple[str, ...]
    analysis: Analysis | None
    errors: tuple[ErrorView, ...]
    fix_summary: str | None
    changes: tuple[Change, ...]
    steps: tuple[Step, ...]
    actions: tuple[Action, ...]
    lessons_summary: str | None
    lessons: tuple[tuple[str, tuple[str, ...]], ...]
    practices: tuple[str, ...]
    checklist: tuple[Check, ...]
    sections: tuple[SectionView, ...]
    related: tuple[Titled, ...]
    links: tuple[Ref, ...]
    source: str

    @property
    def cause(self) -> bool:
        return bool(
            self.cause_summary
            or self.root_causes
            or self.trigger
            or self.contributing
            or self.analysis
        )

    @property
    def prevention(self) -> bool:
        return bool(self.practices or self.checklist)


def incident_view(record: Record, by_id: dict[str, Record], source: str) -> IncidentView:
    """The incident page of `record`; `by_id` resolves its related incidents."""
    i = record.incident
    cause, fix, impact, lessons = i.cause, i.fix, i.impact, i.lessons
    groups: list[tuple[str, tuple[str, ...]]] = []
    if lessons:
        groups = [(heading, tuple(getattr(lessons, name))) for name, heading in LESSONS]
        groups += [(g.title, tuple(g.items)) for g in lessons.groups]
    return IncidentView(
        row=incident_row(record),
        draft=i.status is Status.DRAFT,
        summary=i.summary,
        tags=tuple(i.tags),
        facts=_facts(i, incident_row(record)),
        zone=i.timezone,
        timeline=_timeline(i),
        effort=tuple((p.phase, minutes(p.minutes)) for p in i.effort),
        effort_total=minutes(i.effort_minutes) if i.effort_minutes is not None else None,
        impact_text=impact.text if impact else None,
        impact_details=tuple(impact.details) if impact else (),
        figures=tuple(impact.figures) if impact else (),
        detection=i.detection,
        cause_summary=cause.summary if cause else None,
        root_causes=tuple(cause.root_causes) if cause else (),
        trigger=cause.trigger if cause else None,
        contributing=tuple(cause.contributing_factors) if cause else (),
        analysis=cause.analysis if cause else None,
        errors=tuple(ErrorView(e.title, e.where, e.language, e.output) for e in i.errors),
        fix_summary=fix.summary if fix else None,
        changes=tuple(fix.changes) if fix else (),
        steps=tuple(fix.steps) if fix else (),
        actions=tuple(_action(a) for a in i.action_items),
        lessons_summary=lessons.summary if lessons else None,
        lessons=tuple((heading, items) for heading, items in groups if items),
        practices=tuple(i.prevention.practices),
        checklist=tuple(Check(c.text, c.check) for c in i.prevention.checklist),
        sections=tuple(
            SectionView(s.title, s.text, tuple(_block(b) for b in s.blocks)) for s in i.sections
        ),
        # An id the site has no page for (a draft left out) is still named, unlinked.
        related=tuple(
            titled(by_id[x]) if x in by_id else Titled(x, "", None) for x in i.related.incidents
        ),
        links=tuple(Ref(link.title, link.url) for link in i.related.links),
        source=source,
    )


def _facts(i: Incident, row: IncidentRow) -> tuple[KeyFact, ...]:
    facts = [KeyFact("Date", row.date.isoformat())]
    if row.severity:
        facts.append(KeyFact("Severity", links=(row.severity,)))
    facts.append(KeyFact("Status", row.status))
    # Duration is how long the impact lasted; resolving may take longer.
    spans = (
        ("Duration", i.time_to_mitigate),
        ("Time to detect", i.time_to_detect),
        ("Time to resolve", i.time_to_resolve),
    )
    facts += [KeyFact(label, duration(span)) for label, span in spans if span is not None]
    if row.services:
        facts.append(KeyFact("Services", links=row.services))
    people = (
        ("Incident commander", [i.commander] if i.commander else []),
        ("Responders", i.responders),
        ("Authors", i.authors),
    )
    facts += [KeyFact(label, ", ".join(names)) for label, names in people if names]
    return tuple(facts)


def _timeline(i: Incident) -> tuple[Event, ...]:
    tz = zone(i.timezone) if i.timezone else None
    rows = []
    for event in i.timeline:
        when = i.moment(event)
        shown = when.astimezone(tz) if tz else event.at if event.at.tzinfo else when
        rows.append(
            Event(
                moment(shown, i.timezone),
                event.approximate,
                event.as_written,
                event.kind.value if event.kind else None,
                event.who,
                event.text,
            )
        )
    return tuple(rows)


def _action(a: ActionItem) -> Action:
    # Priority, horizon and timeframe are each the team's own words: show all it gave.
    horizon = a.horizon.value if a.horizon else None
    when = ", ".join(part for part in (a.priority, horizon, a.timeframe) if part) or None
    return Action(
        text=a.text,
        kind=a.kind.value if a.kind else None,
        owner=a.owner,
        unowned=a.owner is None and a.status not in SETTLED,
        due=a.due,
        when=when,
        status=a.status.value if a.status else None,
        ticket=a.ticket,
    )


# Log and JSON blocks are code blocks whose language their kind names.
_VERBATIM = {"log": "text", "json": "json"}
_FIELDS = tuple(f.name for f in fields(BlockView) if f.name not in ("kind", "code", "language"))


def _block(block: Block) -> BlockView:
    values: dict[str, object] = {
        name: _tupled(getattr(block, name)) for name in _FIELDS if hasattr(block, name)
    }
    if isinstance(block, LogBlock | JsonBlock):
        values.update(code=block.content, language=_VERBATIM[block.kind])
    elif isinstance(block, CodeBlock):
        values.update(code=block.code, language=block.language)
    elif isinstance(block, LinksBlock):
        values["links"] = tuple(Ref(link.title, link.url) for link in block.links)
    return BlockView(kind=block.kind, **values)  # type: ignore[arg-type]


def _tupled(value: object) -> object:
    if isinstance(value, list):
        return tuple(_tupled(item) for item in value)
    return value
