"""Validation as every command and the plugin mean it: schema, cross-record rules, rule proofs."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import NexusError
from .loader import MAX_BYTES, Record, cross_record_problems, load_all, load_file
from .memo import ByRecord


def load_records(
    paths: Sequence[Path],
    *,
    max_bytes: int = MAX_BYTES,
    context: dict[str, object] | None = None,
    root: Path = Path("."),
    load: Callable[..., Record] = load_file,
    proofs: ByRecord[Any] | None = None,
) -> list[Record]:
    """Load every record under `paths`, gathering all problems before raising once.

    `context` holds the team's settings that records are checked against: the severity
    scale and the allowed services and tags. Shared rules are read from `root/rules/`.
    `load` reads one file and `proofs` keeps rule proofs: `serve` passes ones that remember.
    """
    # Loading makes hundreds of thousands of small objects and no reference cycles; the
    # cyclic collector would rescan them over and over (a third of the time at N=1,000).
    enabled = gc.isenabled()
    gc.disable()
    try:
        records, problems = load_all(paths, max_bytes=max_bytes, context=context, load=load)
        problems.extend(cross_record_problems(records))
        # With no record and no rules/ folder there is no rule to prove: the checks, and all
        # they import, are left out.
        if records or (root / "rules").is_dir():
            from .checks.links import record_check_problems
            from .checks.ruleset import load_shared

            # A linked rule must flag the incident's own before snippet and pass its after.
            shared, bad_rules = load_shared(root)
            problems.extend(bad_rules)
            problems.extend(record_check_problems(records, shared, proofs))
    finally:
        if enabled:
            # Handed to the collector as they are, every object made while it was off would be
            # in its youngest generation and scanned at its next run, all at once (0.3 s at
            # N=5,000). Moved to the oldest generation first, they are scanned as rarely as
            # any long-lived object.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
    if problems:
        raise NexusError(problems)
    return sorted(records, key=lambda r: (r.incident.date, r.incident.id), reverse=True)
