"""What the pages about many incidents show: groups, the combined checklist, the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .checks.base import Rule
from .checks.links import RuleEntry
from .layout import group_uri, page_uri
from .loader import Record
from .record_types import SEVERITY_MEANING
from .views import IncidentRow, Link, Titled, incident_row, titled

GROUP_HEADING = {"services": "Service", "tags": "Tag", "severity": "Severity"}
GROUPS_HEADING = {"services": "Services", "tags": "Tags", "severity": "Severity"}


@dataclass
class Group:
    """Incidents that share a service, tag or severity."""

    kind: str
    name: str
    records: list[Record] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return group_uri(self.kind, self.name)


@dataclass(frozen=True)
class GroupView:
    """A service, tag or severity page."""

    heading: str
    name: str
    meaning: str | None
    rows: tuple[IncidentRow, ...]
    tag: str | None


def group_view(group: Group) -> GroupView:
    meaning = SEVERITY_MEANING.get(group.name) if group.kind == "severity" else None
    return GroupView(
        GROUP_HEADING[group.kind],
        group.name,
        meaning,
        tuple(incident_row(r) for r in group.records),
        group.name if group.kind == "tags" else None,
    )


@dataclass(frozen=True)
class GroupsView:
    """The overview of every service, tag or severity: (group link, incident count) rows."""

    heading: str
    rows: tuple[tuple[Link, int], ...]


def groups_view(kind: str, groups: Iterable[Group]) -> GroupsView:
    rows = tuple((Link(g.name, g.uri), len(g.records)) for g in groups)
    return GroupsView(GROUPS_HEADING[kind], rows)


@dataclass
class ChecklistEntry:
    """One de-duplicated prevention item, the rules that enforce it and its incidents."""

    text: str
    checks: list[str]
    #: The incidents' links, not the records: an entry equals another that shows the same.
    incidents: list[Link]


def checklist(records: Iterable[Record]) -> list[ChecklistEntry]:
    """Every incident's checklist items, merged where the text is the same."""
    merged: dict[str, ChecklistEntry] = {}
    # Looking a record up in the entry's list compared whole records: quadratic.
    listed: set[tuple[str, str]] = set()
    for record in records:
        for item in record.incident.prevention.checklist:
            key = " ".join(item.text.casefold().split())
            entry = merged.setdefault(key, ChecklistEntry(item.text, [], []))
            if item.check and item.check not in entry.checks:
                entry.checks.append(item.check)
            if (key, record.incident.id) not in listed:
                listed.add((key, record.incident.id))
                entry.incidents.append(Link(record.incident.id, page_uri(record.incident)))
    return sorted(merged.values(), key=lambda e: e.text.casefold())


@dataclass(frozen=True)
class RuleView:
    """A rule on the Rules page, with the incidents and checklist items behind it."""

    rule: Rule[Any]
    patterns: tuple[str, ...]
    incidents: tuple[tuple[Titled, tuple[str, ...]], ...]


def rule_view(entry: RuleEntry) -> RuleView:
    incidents = tuple((titled(r), items) for r, items in entry.incidents)
    return RuleView(entry.rule, entry.patterns, incidents)
