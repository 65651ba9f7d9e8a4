"""Validation as every command and the plugin mean it: schema, cross-record rules, rule proofs."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NexusError, Problem
from .loader import (
    MAX_BYTES,
    Ids,
    Record,
    cross_record_problems,
    each_record,
    load_all,
    load_file,
)
from .memo import ByRecord

if TYPE_CHECKING:
    from .checks.prover import Prover


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
    with _collector_paused():
        records, problems = load_all(paths, max_bytes=max_bytes, context=context, load=load)
        problems.extend(cross_record_problems(records))
        problems.extend(_rule_problems(records, root, proofs))
    if problems:
        raise NexusError(problems)
    return sorted(records, key=lambda r: (r.incident.date, r.incident.id), reverse=True)


def count_valid(
    paths: Sequence[Path],
    *,
    max_bytes: int = MAX_BYTES,
    context: dict[str, object] | None = None,
    root: Path = Path("."),
) -> int:
    """How many records under `paths` are valid; the problems are those load_records raises.

    Only what a later check reads is kept: each record's ids for the rules that span records,
    and a record whose linked rules cannot be proved yet. Every other incident is let go as
    soon as it is read and proved; holding thousands at once made validation a quarter slower.
    """
    problems: list[Problem] = []
    ids: list[Ids] = []
    prover: Prover | None = None
    bad_rules: list[Problem] = []
    with _collector_paused():
        for record in each_record(paths, problems, max_bytes=max_bytes, context=context):
            if prover is None:
                prover, bad_rules = _prover(root)
            prover.add(record)
            ids.append(Ids.of(record))
        problems.extend(cross_record_problems(ids))
        # With no record and no rules/ folder there is no rule to prove.
        if prover is None and (root / "rules").is_dir():
            prover, bad_rules = _prover(root)
        if prover is not None:
            problems.extend([*bad_rules, *prover.problems()])
    if problems:
        raise NexusError(problems)
    return len(ids)


def _prover(root: Path) -> tuple[Prover, list[Problem]]:
    """A prover of the built-in rules and those of `root/rules/`, and the problems of the latter."""
    from .checks.prover import Prover
    from .checks.ruleset import load_shared

    shared, problems = load_shared(root)
    return Prover(shared), problems


def _rule_problems(
    records: Sequence[Record], root: Path, proofs: ByRecord[Any] | None = None
) -> list[Problem]:
    """Shared rules that cannot be read, and linked rules that `records` do not prove."""
    # With no record and no rules/ folder there is no rule to prove: the checks, and all they
    # import, are left out.
    if not records and not (root / "rules").is_dir():
        return []
    from .checks.links import record_check_problems
    from .checks.ruleset import load_shared

    # A linked rule must flag the incident's own before snippet and pass its after.
    shared, problems = load_shared(root)
    return [*problems, *record_check_problems(records, shared, proofs)]


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Loading makes hundreds of thousands of small objects and no reference cycles; the
    # cyclic collector would rescan them over and over (a third of the time at N=1,000).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # Handed to the collector as they are, every object made while it was off would be
            # in its youngest generation and scanned at its next run, all at once (0.3 s at
            # N=5,000). Moved to the oldest generation first, they are scanned as rarely as
            # any long-lived object.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
