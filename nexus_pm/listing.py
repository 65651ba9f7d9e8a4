"""`nexus-pm list`: the incident records as a table or as JSON, filtered, newest first."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .checks.escape import plain
from .errors import display_path
from .loader import Record
from .models import Incident, Status
from .options import parse_severity, parse_status
from .record_types import DEFAULT_SEVERITIES
from .table import columns

COLUMNS = ("ID", "DATE", "SEVERITY", "STATUS", "SERVICES", "TITLE")
# A title may hold escapes such as "\e" that YAML turns into terminal control codes.


@dataclass(frozen=True)
class Filters:
    """Keep a record when it matches every filter given; repeating one widens it."""

    services: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    statuses: frozenset[Status] = frozenset()
    tags: frozenset[str] = frozenset()

    @classmethod
    def parse(
        cls,
        services: Iterable[str] = (),
        severities: Iterable[str] = (),
        statuses: Iterable[str] = (),
        tags: Iterable[str] = (),
        scale: Sequence[str] = DEFAULT_SEVERITIES,
    ) -> Filters:
        """Read option values; an unknown severity or status raises UsageError."""
        return cls(
            services=frozenset(s.strip() for s in services),
            severities=frozenset(parse_severity(s, scale) for s in severities),
            statuses=frozenset(parse_status(s) for s in statuses),
            tags=frozenset(t.strip() for t in tags),
        )

    def __call__(self, incident: Incident) -> bool:
        return (
            (not self.services or bool(self.services.intersection(incident.services)))
            and (not self.severities or incident.severity in self.severities)
            and (not self.statuses or incident.status in self.statuses)
            and (not self.tags or bool(self.tags.intersection(incident.tags)))
        )


def select(records: Iterable[Record], filters: Filters) -> list[Record]:
    """The matching records, newest first; ids are unique, so the order is total."""
    chosen = [r for r in records if filters(r.incident)]
    return sorted(chosen, key=lambda r: (r.incident.date, r.incident.id), reverse=True)


def as_dict(record: Record) -> dict[str, Any]:
    i = record.incident
    return {
        "id": i.id,
        "date": i.date.isoformat(),
        "severity": i.severity,
        "status": i.status.value,
        "services": list(i.services),
        "tags": list(i.tags),
        "title": i.title,
        "summary": i.summary,
        "authors": list(i.authors),
        "related": list(i.related.incidents),
        "path": display_path(record.path),
    }


def to_json(records: Sequence[Record]) -> str:
    return json.dumps([as_dict(r) for r in records], indent=2, ensure_ascii=False) + "\n"


def to_table(records: Sequence[Record]) -> str:
    """Aligned columns; the title comes last, so a long one never pushes the others."""
    rows = [list(COLUMNS)]
    for r in records:
        i = r.incident
        rows.append(
            [
                i.id,
                i.date.isoformat(),
                i.severity or "-",
                i.status.value,
                ",".join(i.services),
                plain(i.title),
            ]
        )
    return columns(rows)
