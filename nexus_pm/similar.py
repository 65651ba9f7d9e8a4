"""Incidents like one another: shared checklist rules, error signatures, services and tags."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .loader import Record
from .memo import ByRecord, Last
from .signature_lines import error_lines
from .signatures import signature

#: What one shared feature adds to a pair's score. A rule or an error signature names
#: the same failure; a service only the same place, and a tag is the weakest hint.
WEIGHTS = {"rule": 4, "error": 4, "service": 2, "tag": 1}
#: Below this a pair is not similar: one shared tag, or a tag and nothing else, is chance.
MIN_SCORE = 3
LIMIT = 5
#: A feature that more than this share of the incidents hold (and more than COMMON_FLOOR
#: of them) tells none apart; skipping it also keeps the work linear in practice.
COMMON_SHARE = 0.2
COMMON_FLOOR = 25
# Error lines per record that become signatures; the first few name the failure.
_ERROR_LINES = 20
_SHOWN_ERROR = 80
_KIND_ORDER = ("rule", "error", "service", "tag")
_REASON = dict(rule="same rule", error="similar error", service="same service", tag="same tag")


@dataclass(frozen=True)
class Suggestion:
    """A similar incident, why it is similar, and how strongly."""

    id: str
    score: int
    reasons: tuple[str, ...]


Feature = tuple[str, str]


def features(record: Record) -> set[Feature]:
    """What a record can share with another: (kind, value) pairs."""
    i = record.incident
    found: set[Feature] = {("service", s) for s in i.services}
    found |= {("tag", t) for t in i.tags}
    found |= {("rule", c.check) for c in i.prevention.checklist if c.check}
    for error in i.errors:
        for _, line in error_lines(error.output)[:_ERROR_LINES]:
            text = signature(line)
            if text:
                found.add(("error", text))
    return found


def _reasons(shared: set[Feature]) -> tuple[str, ...]:
    reasons = []
    for kind in _KIND_ORDER:
        values = sorted(value for k, value in shared if k == kind)
        if values:
            shown = [v if len(v) <= _SHOWN_ERROR else v[: _SHOWN_ERROR - 1] + "…" for v in values]
            reasons.append(f"{_REASON[kind]}: {', '.join(shown)}")
    return tuple(reasons)


def similar(
    records: Sequence[Record],
    limit: int = LIMIT,
    memo: ByRecord[set[Feature]] | None = None,
    last: Last[dict[str, tuple[Suggestion, ...]]] | None = None,
) -> dict[str, tuple[Suggestion, ...]]:
    """For each record's id, up to `limit` others it does not already relate to, best first.

    Best is the highest score (the weights of the shared features), then the nearest in
    date, then the lower id: the order depends only on the records. With `memo` (serve),
    only a changed record's features are worked out again; with `last`, the suggestions
    are kept while no record's features, date or related incidents change.
    """
    found_all = memo.all(records, features) if memo is not None else map(features, records)
    own = dict(zip((r.incident.id for r in records), found_all, strict=True))
    if last is None:
        return _similar(records, own, limit)
    read = [(r.incident.id, r.incident.date, r.incident.related.incidents) for r in records]
    return last.get((limit, read, own), lambda: _similar(records, own, limit))


def _similar(
    records: Sequence[Record], own: dict[str, set[Feature]], limit: int
) -> dict[str, tuple[Suggestion, ...]]:
    dates: dict[str, dt.date] = {r.incident.id: r.incident.date for r in records}
    holders: dict[Feature, list[str]] = defaultdict(list)
    for ident, found in own.items():
        for feature in found:
            holders[feature].append(ident)
    common = max(COMMON_FLOOR, int(len(records) * COMMON_SHARE))
    named: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for other in r.incident.related.incidents:
            named[r.incident.id].add(other)
            named[other].add(r.incident.id)
    result: dict[str, tuple[Suggestion, ...]] = {}
    for ident, found in own.items():
        counted = {f for f in found if len(holders[f]) <= common}
        scores: dict[str, int] = defaultdict(int)
        for feature in counted:
            for other in holders[feature]:
                scores[other] += WEIGHTS[feature[0]]
        skip = named[ident] | {ident}
        ranked = sorted(
            (o for o, s in scores.items() if s >= MIN_SCORE and o not in skip),
            key=lambda o: (-scores[o], abs((dates[o] - dates[ident]).days), o),
        )[:limit]
        result[ident] = tuple(
            Suggestion(other, scores[other], _reasons(counted & own[other])) for other in ranked
        )
    return result
