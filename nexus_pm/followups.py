"""Every action item across the incidents, as of a day: open, overdue, by owner and by service."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .layout import page_uri
from .loader import Record
from .record_followup import SETTLED, ActionItem, ActionStatus

UNSTATED = ActionStatus.OPEN
NO_SERVICE = "(no service)"


@dataclass(frozen=True)
class FollowUp:
    """One action item with the incident it came from, judged against `today`."""

    incident: str
    incident_title: str
    target: str
    date: dt.date
    services: tuple[str, ...]
    number: int
    text: str
    kind: str | None
    owner: str | None
    due: dt.date | None
    priority: str | None
    horizon: str | None
    status: str
    ticket: str | None
    settled: bool
    days_overdue: int

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def unowned(self) -> bool:
        return self.owner is None

    @property
    def when(self) -> str | None:
        """Priority and horizon (or timeframe) as one cell, e.g. `P1, short-term`."""
        parts = [p for p in (self.priority, self.horizon) if p]
        return ", ".join(parts) or None


def follow_up(record: Record, number: int, item: ActionItem, today: dt.date) -> FollowUp:
    i = record.incident
    status = item.status or UNSTATED
    settled = status in SETTLED
    late = (today - item.due).days if item.due and not settled else 0
    return FollowUp(
        incident=i.id,
        incident_title=i.title,
        target=page_uri(i),
        date=i.date,
        services=tuple(i.services),
        number=number,
        text=item.text,
        kind=item.kind.value if item.kind else None,
        owner=item.owner,
        due=item.due,
        priority=item.priority,
        horizon=item.horizon.value if item.horizon else item.timeframe,
        status=status.value,
        ticket=item.ticket,
        settled=settled,
        days_overdue=max(late, 0),
    )


def order(item: FollowUp) -> tuple[object, ...]:
    """Unowned first, then overdue (longest first), then by due date, undated last."""
    return (
        not item.unowned,
        -item.days_overdue,
        item.due is None,
        item.due or dt.date.min,
        item.incident,
        item.number,
    )


def all_items(records: Iterable[Record], today: dt.date) -> list[FollowUp]:
    """Every action item of every record, settled ones included, in `order`."""
    found = [
        follow_up(record, number, item, today)
        for record in records
        for number, item in enumerate(record.incident.action_items)
    ]
    return sorted(found, key=order)


def open_items(records: Iterable[Record], today: dt.date) -> list[FollowUp]:
    """The items that still need doing, in `order`."""
    return [item for item in all_items(records, today) if not item.settled]


@dataclass(frozen=True)
class ItemGroup:
    """Items under one owner or one service; `name` None is the unowned group."""

    name: str | None
    items: tuple[FollowUp, ...]

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


@dataclass(frozen=True)
class FollowUpsView:
    """The follow-ups page: every open item, by owner (unowned first) and by service."""

    today: dt.date
    total: int
    overdue: int
    unowned: int
    by_owner: tuple[ItemGroup, ...]
    by_service: tuple[ItemGroup, ...]


def by_owner(items: Sequence[FollowUp]) -> tuple[ItemGroup, ...]:
    groups: dict[str | None, list[FollowUp]] = defaultdict(list)
    for item in items:
        groups[item.owner].append(item)
    # Owners are free text: the same person may be written `Ana` and `ana`; they group apart.
    names = sorted((n for n in groups if n is not None), key=lambda n: (n.casefold(), n))
    ordered: list[str | None] = [None, *names] if None in groups else list(names)
    return tuple(ItemGroup(name, tuple(groups[name])) for name in ordered)


def by_service(items: Sequence[FollowUp]) -> tuple[ItemGroup, ...]:
    groups: dict[str, list[FollowUp]] = defaultdict(list)
    for item in items:
        for service in item.services or (NO_SERVICE,):
            groups[service].append(item)
    names = sorted(groups, key=lambda n: (n == NO_SERVICE, n))
    return tuple(ItemGroup(name, tuple(groups[name])) for name in names)


def followups_view(records: Iterable[Record], today: dt.date) -> FollowUpsView:
    items = open_items(records, today)
    return FollowUpsView(
        today=today,
        total=len(items),
        overdue=sum(1 for item in items if item.overdue),
        unowned=sum(1 for item in items if item.unowned),
        by_owner=by_owner(items),
        by_service=by_service(items),
    )
