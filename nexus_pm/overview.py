"""What the overview and a service's page show across incidents: counts, trends, medians."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import charts
from .followups import FollowUp, open_items
from .layout import group_uri
from .loader import Record
from .markdown import Safe
from .models import Incident
from .views import IncidentRow, Link, Titled, duration, incident_row, titled

MONTHS = 24
LATEST = 10
TOP_SERVICES = 15
MOST_OVERDUE = 20
UNGRADED = "ungraded"


@dataclass(frozen=True)
class Quarter:
    """Medians of one quarter's incidents whose timelines mark the milestones."""

    label: str
    incidents: int
    detect: str | None
    resolve: str | None


@dataclass(frozen=True)
class OverviewView:
    """The overview page: how many, where, when, how fast, and what is still open."""

    today: dt.date
    total: int
    severity: tuple[tuple[Link | None, int], ...]
    services: tuple[tuple[Link, int], ...]
    more_services: int
    months: tuple[tuple[str, int], ...]
    quarters: tuple[Quarter, ...]
    latest: tuple[IncidentRow, ...]
    overdue: tuple[FollowUp, ...]
    overdue_total: int
    severity_chart: Safe
    services_chart: Safe
    months_chart: Safe


def _month(day: dt.date, back: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - back
    return index // 12, index % 12 + 1


def median_of(values: Sequence[dt.timedelta]) -> str | None:
    """The median duration as a reader writes it, or None when nothing was measured."""
    if not values:
        return None
    return duration(dt.timedelta(seconds=statistics.median(v.total_seconds() for v in values)))


def _spans(
    incidents: Sequence[Incident], span: Callable[[Incident], dt.timedelta | None]
) -> str | None:
    return median_of([d for d in (span(i) for i in incidents) if d is not None])


def overview_view(
    records: Sequence[Record], severities: Sequence[str], today: dt.date
) -> OverviewView:
    incidents = [r.incident for r in records]
    graded = Counter(i.severity for i in incidents)
    severity: list[tuple[Link | None, int]] = [
        (Link(s, group_uri("severity", s)), graded[s]) for s in severities
    ]
    if graded[None]:
        severity.append((None, graded[None]))
    per_service = Counter(s for i in incidents for s in i.services)
    ranked = sorted(per_service.items(), key=lambda kv: (-kv[1], kv[0]))
    services = tuple((Link(s, group_uri("services", s)), n) for s, n in ranked[:TOP_SERVICES])
    per_month = Counter((i.date.year, i.date.month) for i in incidents)
    window = [_month(today, back) for back in range(MONTHS - 1, -1, -1)]
    months = tuple((f"{y}-{m:02d}", per_month[(y, m)]) for y, m in window)
    by_quarter: dict[tuple[int, int], list[Incident]] = defaultdict(list)
    for i in incidents:
        by_quarter[(i.date.year, (i.date.month - 1) // 3 + 1)].append(i)
    quarters = [
        Quarter(
            f"{year} Q{q}",
            len(by_quarter[(year, q)]),
            _spans(by_quarter[(year, q)], lambda i: i.time_to_detect),
            _spans(by_quarter[(year, q)], lambda i: i.time_to_resolve),
        )
        for year, q in dict.fromkeys((y, (m - 1) // 3 + 1) for y, m in window)
    ]
    newest = sorted(records, key=lambda r: (r.incident.date, r.incident.id), reverse=True)
    overdue = [item for item in open_items(records, today) if item.overdue]
    overdue.sort(key=lambda item: (-item.days_overdue, item.incident, item.number))
    severity_rows = [(link.text if link else UNGRADED, n) for link, n in severity]
    return OverviewView(
        today=today,
        total=len(incidents),
        severity=tuple(severity),
        services=services,
        more_services=max(len(ranked) - TOP_SERVICES, 0),
        months=months,
        quarters=tuple(quarters),
        latest=tuple(incident_row(r) for r in newest[:LATEST]),
        overdue=tuple(overdue[:MOST_OVERDUE]),
        overdue_total=len(overdue),
        severity_chart=charts.bars("Incidents by severity", severity_rows),
        services_chart=charts.bars(
            "Incidents by service", [(link.text, n) for link, n in services]
        ),
        months_chart=charts.columns(
            f"Incidents per month, {months[0][0]} to {months[-1][0]}", months
        ),
    )


@dataclass(frozen=True)
class ServiceStats:
    """What a service's page says about its incidents as a whole."""

    count: int
    last: Titled | None
    last_date: dt.date | None
    median_resolve: str | None
    median_detect: str | None
    tags: tuple[tuple[str, int], ...]
    rules: tuple[tuple[str, int], ...]


def _recurring(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """What at least two incidents share, most frequent first."""
    return tuple(
        sorted(((k, n) for k, n in counts.items() if n >= 2), key=lambda kv: (-kv[1], kv[0]))
    )


def service_stats(records: Sequence[Record]) -> ServiceStats:
    incidents = [r.incident for r in records]
    last = max(records, key=lambda r: (r.incident.date, r.incident.id), default=None)
    tags = Counter(t for i in incidents for t in set(i.tags))
    rules = Counter(
        rule for i in incidents for rule in {c.check for c in i.prevention.checklist if c.check}
    )
    return ServiceStats(
        count=len(incidents),
        last=titled(last) if last else None,
        last_date=last.incident.date if last else None,
        median_resolve=_spans(incidents, lambda i: i.time_to_resolve),
        median_detect=_spans(incidents, lambda i: i.time_to_detect),
        tags=_recurring(tags),
        rules=_recurring(rules),
    )
