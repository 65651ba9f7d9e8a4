"""`nexus-pm actions`: open action items across incidents; `--fail` makes it a CI reminder."""

from __future__ import annotations

import functools
from pathlib import Path

from ..actions import ActionFilters, parse_action_status, select, to_json, to_table
from ..clock import today as day
from ..edge import show
from ..validate import load_records
from . import existing, settings


def run(
    paths: list[Path] | None,
    *,
    owners: list[str],
    services: list[str],
    statuses: list[str],
    overdue: bool,
    today: str | None,
    as_json: bool,
    fail: bool,
) -> int:
    when = day(today)
    filters = ActionFilters(
        owners=frozenset(o.strip().casefold() for o in owners),
        services=frozenset(s.strip() for s in services),
        statuses=frozenset(map(parse_action_status, statuses)),
        overdue=overdue,
    )
    team = settings()
    items = select(load_records(existing(paths), context=team.context()), filters, when)
    json = functools.partial(to_json, items, when) if as_json else None
    show(items, json, functools.partial(to_table, items), "no action items match")
    # A scheduled job runs `--overdue --fail`: any item listed is one someone must chase.
    return 1 if fail and items else 0
