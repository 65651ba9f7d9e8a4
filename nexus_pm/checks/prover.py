"""Rule proofs record by record, as `validate` reads them, so that a proved record can be let go."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import Problem
from ..loader import Record
from .base import Rule
from .links import Parsed, link_problems, linked
from .ruleset import build


class Prover:
    """Proves each record's linked rules as soon as every rule it links is known.

    A record that links only built-in and shared rules is proved when it is added, and need
    not be kept. One that writes a rule of its own, or links an id that no built-in or shared
    rule has (a later record may write it), waits for `problems`. The problems are those that
    `record_check_problems` gives for the same records (NexusError puts them in order).
    """

    def __init__(self, shared: Sequence[Rule[Any]]) -> None:
        self._shared = shared
        # A shared rule that takes a built-in's id is left out here as build leaves it out.
        self._known = build((), shared).rules
        self._parsed: Parsed = {}
        self._proved: list[Problem] = []
        self._waiting: list[Record] = []

    def add(self, record: Record) -> None:
        """Prove `record` now, or keep it to prove once every record has been added."""
        ids = linked(record)
        if not ids:
            return
        writes = any(item.rule is not None for item in record.incident.prevention.checklist)
        if writes or any(rule_id not in self._known for rule_id in ids):
            self._waiting.append(record)
        else:
            self._proved.extend(link_problems(record, self._known, self._parsed))

    def problems(self) -> list[Problem]:
        """Rule ids written twice, and every added record's problems."""
        ruleset = build(self._waiting, self._shared)
        problems = [*ruleset.problems, *self._proved]
        for record in self._waiting:
            problems.extend(link_problems(record, ruleset.rules, self._parsed))
        return problems
