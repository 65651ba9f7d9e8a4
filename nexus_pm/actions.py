"""`nexus-pm actions`: the action items across incidents, filtered, as a table or as JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .checks.escape import json_safe, plain
from .followups import FollowUp, all_items
from .loader import Record
from .options import parse_choice
from .record_followup import ActionStatus
from .table import columns

COLUMNS = ("INCIDENT", "DUE", "OWNER", "STATUS", "KIND", "PRIORITY", "ACTION")


def parse_action_status(value: str) -> str:
    return parse_choice(value, [s.value for s in ActionStatus], "--status")


@dataclass(frozen=True)
class ActionFilters:
    """Keep an item matching every filter given; repeating an option widens it."""

    owners: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    overdue: bool = False

    def __call__(self, item: FollowUp) -> bool:
        # Without --status only the items still to do are shown, as on the follow-ups page.
        if self.statuses:
            if item.status not in self.statuses:
                return False
        elif item.settled:
            return False
        owner = (item.owner or "").casefold()
        return (
            (not self.owners or owner in self.owners)
            and (not self.services or bool(self.services.intersection(item.services)))
            and (not self.overdue or item.overdue)
        )


def select(records: Iterable[Record], filters: ActionFilters, today: dt.date) -> list[FollowUp]:
    return [item for item in all_items(records, today) if filters(item)]


def as_dict(item: FollowUp) -> dict[str, Any]:
    return {
        "incident": item.incident,
        "incident_title": item.incident_title,
        "services": list(item.services),
        "text": item.text,
        "kind": item.kind,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "priority": item.priority,
        "horizon": item.horizon,
        "status": item.status,
        "ticket": item.ticket,
        "overdue": item.overdue,
        "days_overdue": item.days_overdue,
    }


def to_json(items: Sequence[FollowUp], today: dt.date) -> str:
    data = {"today": today.isoformat(), "items": [as_dict(i) for i in items]}
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def to_table(items: Sequence[FollowUp]) -> str:
    """Aligned columns, the action text last; record text goes through `plain`."""
    rows = [list(COLUMNS)]
    for i in items:
        due = i.due.isoformat() if i.due else "-"
        if i.overdue:
            due += f" OVERDUE {i.days_overdue}d"
        rows.append(
            [
                i.incident,
                due,
                plain(i.owner) if i.owner else "(unowned)",
                i.status,
                i.kind or "-",
                plain(i.when) if i.when else "-",
                plain(i.text),
            ]
        )
    return columns(rows)
