"""`nexus-pm list`: the records, filtered, newest first, as a table or JSON."""

from __future__ import annotations

import functools
from pathlib import Path

from ..edge import show
from ..listing import Filters, select, to_json, to_table
from ..validate import load_records
from . import existing, settings


def run(
    paths: list[Path] | None,
    *,
    services: list[str],
    severities: list[str],
    statuses: list[str],
    tags: list[str],
    as_json: bool,
) -> int:
    team = settings()
    filters = Filters.parse(services, severities, statuses, tags, scale=team.severities)
    records = select(load_records(existing(paths), context=team.context()), filters)
    json = functools.partial(to_json, records) if as_json else None
    show(records, json, functools.partial(to_table, records), "no incidents match")
    return 0
