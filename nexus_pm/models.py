"""The incident record, format 2: a postmortem of any shape, as Pydantic models."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from .record_followup import ActionItem, Lessons, Prevention, Related
from .record_parts import (
    Cause,
    EffortPhase,
    ErrorOutput,
    Event,
    EventKind,
    Fix,
    Impact,
)
from .record_sections import Section
from .record_types import (
    DEFAULT_SEVERITIES,
    ID_PATTERN,
    MANY,
    IncidentId,
    Line,
    Model,
    Service,
    Severity,
    Tag,
    Text,
    TimeZone,
    many,
    maybe,
    zone,
)

__all__ = ["DEFAULT_SEVERITIES", "ID_PATTERN", "Incident", "Status", "find_placeholders"]

# Kinds that mark one moment each; escalations may happen several times.
UNIQUE_KINDS = (
    EventKind.STARTED,
    EventKind.DETECTED,
    EventKind.DECLARED,
    EventKind.MITIGATED,
    EventKind.RESOLVED,
)
# `nexus-pm new` writes `TODO: ...` where the author still has to write; such a
# value is a placeholder wherever it appears, except inside verbatim output.
PLACEHOLDER = re.compile(r"^TODO\b")
VERBATIM_FIELDS = frozenset({"code", "command", "content", "output"})


class Status(StrEnum):
    """The postmortem's review state."""

    DRAFT = "draft"
    IN_REVIEW = "in-review"
    PUBLISHED = "published"


class Incident(Model):
    """A postmortem record, format 2: one YAML file in `incidents/`."""

    format: Literal[2] = Field(description="Always 2: marks the record as format 2.")
    id: IncidentId = Field(description="Unique id, e.g. `INC-0001`.")
    title: Line = Field(description="One-line title: what broke, as users saw it.")
    summary: Text = Field(description="One paragraph: what happened, why, how it was resolved.")
    date: dt.date = Field(description="The day of the incident (YYYY-MM-DD).")
    severity: Severity | None = maybe(
        "On the team's scale (default SEV1, worst, to SEV4); absent if not graded."
    )
    status: Status = Field(
        Status.DRAFT, description="Review state: draft, then in-review, then published."
    )
    services: list[Service] = many("Affected services, as slugs.")
    tags: list[Tag] = many("Free tags, as slugs.")
    authors: list[Line] = many("Who wrote this postmortem.")
    commander: Line | None = maybe("The incident commander, if there was one.")
    responders: list[Line] = many("Who responded to the incident.")
    timezone: TimeZone | None = maybe(
        "Zone that times without an offset are read in: `UTC`, an IANA name such "
        "as `America/Los_Angeles`, or an offset such as `-07:00`. Abbreviations such as PDT "
        "are ambiguous and refused."
    )
    timeline: list[Event] = many("What happened when, as written.", MANY)
    effort: list[EffortPhase] = many(
        "Time spent per phase, in minutes, when measured apart from the timeline."
    )
    impact: Impact | None = maybe("Who or what was affected, and how much.")
    detection: Text | None = maybe("How it was noticed.")
    cause: Cause | None = maybe("Why it happened.")
    errors: list[ErrorOutput] = many("Error output, verbatim.")
    signatures: list[Line] = many(
        "Patterns that identify this incident's errors for `nexus-pm match`: a literal "
        "such as `--user`, or a glob such as `connect ECONNREFUSED *:5432`."
    )
    fix: Fix | None = maybe("How it was resolved: changes and steps.")
    action_items: list[ActionItem] = many("Follow-up work.", MANY)
    lessons: Lessons | None = maybe("What we learned.")
    prevention: Prevention = Field(
        default_factory=Prevention,
        description="Practices and a checklist that keep it from happening again.",
    )
    sections: list[Section] = many(
        "Supporting sections: communications, decisions, FAQ, appendix, evidence."
    )
    related: Related = Field(
        default_factory=Related, description="Related incidents and outside links."
    )

    @field_validator("timeline")
    @classmethod
    def _timeline_in_order(cls, timeline: list[Event], info: ValidationInfo) -> list[Event]:
        if "timezone" not in info.data:
            return timeline  # the zone itself is wrong; that error is enough
        name = info.data["timezone"]
        naive = [n for n, event in enumerate(timeline) if event.at.tzinfo is None]
        if naive and name is None:
            raise ValueError(
                f"event {naive[0]} ({timeline[naive[0]].at:%Y-%m-%d %H:%M}) has no UTC offset: "
                "set the record's `timezone:` (e.g. UTC) or write the offset, "
                "as in 2019-03-26T23:04:00-07:00"
            )
        tz = zone(name) if name else dt.UTC
        seen: dict[EventKind, int] = {}
        for number, event in enumerate(timeline):
            if event.kind in UNIQUE_KINDS and event.kind in seen:
                raise ValueError(
                    f"events {seen[event.kind]} and {number} are both marked {event.kind.value}; "
                    "mark only the first"
                )
            if event.kind is not None:
                seen.setdefault(event.kind, number)
        if EventKind.STARTED not in seen:
            return timeline
        start = timeline[seen[EventKind.STARTED]]
        for kind, number in seen.items():
            event = timeline[number]
            if _aware(event.at, tz) < _aware(start.at, tz):
                raise ValueError(
                    f"event {number} is marked {kind.value} at {event.at:%Y-%m-%d %H:%M}, before "
                    f"the start at {start.at:%Y-%m-%d %H:%M}: no milestone precedes `started`"
                )
        return timeline

    @field_validator("related")
    @classmethod
    def _not_self_related(cls, related: Related, info: ValidationInfo) -> Related:
        own = info.data.get("id")
        if own in related.incidents:
            raise ValueError(f"an incident cannot be related to itself ({own})")
        return related

    def moment(self, event: Event) -> dt.datetime:
        """The event's time with its zone: naive times are read in the record's `timezone`."""
        return _aware(event.at, zone(self.timezone) if self.timezone else dt.UTC)

    def milestone(self, kind: EventKind) -> dt.datetime | None:
        """When the first event of `kind` happened, if the timeline marks one."""
        for event in self.timeline:
            if event.kind is kind:
                return self.moment(event)
        return None

    def _since_start(self, *kinds: EventKind) -> dt.timedelta | None:
        start = self.milestone(EventKind.STARTED)
        for kind in kinds:
            end = self.milestone(kind)
            if start is not None and end is not None:
                return end - start
        return None

    @property
    def time_to_detect(self) -> dt.timedelta | None:
        """From `started` to `detected`."""
        return self._since_start(EventKind.DETECTED)

    @property
    def time_to_mitigate(self) -> dt.timedelta | None:
        """From `started` to `mitigated`; a resolution also ends impact, so failing that to `resolved`."""
        return self._since_start(EventKind.MITIGATED, EventKind.RESOLVED)

    @property
    def time_to_resolve(self) -> dt.timedelta | None:
        """From `started` to `resolved`."""
        return self._since_start(EventKind.RESOLVED)

    @property
    def effort_minutes(self) -> float | None:
        """The effort breakdown's total."""
        return sum(p.minutes for p in self.effort) if self.effort else None


def _aware(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=tz)


def find_placeholders(value: object, path: str = "") -> list[str]:
    """Dotted paths (`summary`, `timeline.2.text`) of values starting with TODO, in a model or data."""
    found: list[str] = []
    items: list[tuple[str, object]] = []
    if isinstance(value, str):
        return [path or "(value)"] if PLACEHOLDER.match(value.strip()) else []
    if isinstance(value, BaseModel):
        items = [(name, getattr(value, name)) for name in type(value).model_fields]
    elif isinstance(value, Mapping):
        items = [(str(key), item) for key, item in value.items()]
    elif isinstance(value, list | tuple):
        items = [(str(number), item) for number, item in enumerate(value)]
    for key, item in items:
        if key not in VERBATIM_FIELDS:
            found += find_placeholders(item, f"{path}.{key}" if path else key)
    return found
