"""`nexus-pm actions`: open action items across incidents; `--fail` makes it a CI reminder."""

from __future__ import annotations

import sys
from pathlib import Path

from ..actions import ActionFilters, select, to_json, to_table
from ..clock import today as day
from ..edge import err
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
    filters = ActionFilters.parse(owners, services, statuses, overdue)
    team = settings()
    items = select(load_records(existing(paths), context=team.context()), filters, when)
    if as_json:
        sys.stdout.write(to_json(items, when))
    elif items:
        sys.stdout.write(to_table(items))
    else:
        err("no action items match")
    # A scheduled job runs `--overdue --fail`: any item listed is one someone must chase.
    return 1 if fail and items else 0
