"""How an incident connects to others: who names it (the way back) and which are like it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .loader import Record
from .memo import Memos
from .similar import similar
from .views import Titled, titled


@dataclass(frozen=True)
class Similar:
    """A suggested incident and the reasons, e.g. `same rule: dockerfile/pip-user-install`."""

    incident: Titled
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Connections:
    """What an incident page adds under Related: the incidents naming it, and similar ones."""

    named_by: tuple[Titled, ...] = ()
    similar: tuple[Similar, ...] = ()


def connections(records: Sequence[Record], memos: Memos | None = None) -> dict[str, Connections]:
    """Each record's connections, by id; `related` stays one-way in the records themselves.

    `memos` keeps what `similar` worked out between `serve` rebuilds."""
    by_id = {r.incident.id: r for r in records}
    naming: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        for other in dict.fromkeys(r.incident.related.incidents):
            naming[other].append(r)
    suggested = (
        similar(records, memo=memos.features, last=memos.similar) if memos else similar(records)
    )
    result = {}
    for r in records:
        own = set(r.incident.related.incidents)
        back = sorted(
            (x for x in naming[r.incident.id] if x.incident.id not in own),
            key=lambda x: x.incident.id,
        )
        result[r.incident.id] = Connections(
            named_by=tuple(titled(x) for x in back),
            similar=tuple(
                Similar(titled(by_id[s.id]), s.reasons) for s in suggested[r.incident.id]
            ),
        )
    return result
