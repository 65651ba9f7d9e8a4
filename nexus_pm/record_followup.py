"""Follow-up parts of a format-2 record: action items, lessons, prevention, related links."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from .record_parts import FEW
from .record_types import IncidentId, Line, Model, RuleId, Short, Text, Url


class ActionKind(StrEnum):
    """What an action item is for."""

    MITIGATE = "mitigate"
    PREVENT = "prevent"
    DETECT = "detect"
    PROCESS = "process"
    OTHER = "other"


class ActionStatus(StrEnum):
    """Progress of an action item."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    BLOCKED = "blocked"
    DONE = "done"
    WONT_DO = "wont-do"


class Horizon(StrEnum):
    """When an action item is meant to land, roughly."""

    IMMEDIATE = "immediate"
    SHORT_TERM = "short-term"
    LONG_TERM = "long-term"


class ActionItem(Model):
    """Follow-up work. Only the text is required: owner and horizon are never invented."""

    text: Line = Field(description="The work to do.")
    kind: ActionKind | None = Field(
        None, description="mitigate, prevent, detect, process or other."
    )
    owner: Line | None = Field(None, description="Who owns it, if someone was named.")
    status: ActionStatus | None = Field(
        None, description="open, in-progress, blocked, done or wont-do; absent if not stated."
    )
    priority: Short | None = Field(None, description="Priority on the team's scale, e.g. `P1`.")
    horizon: Horizon | None = Field(None, description="immediate, short-term or long-term.")
    due: dt.date | None = Field(None, description="When it is due (YYYY-MM-DD).")
    timeframe: Line | None = Field(
        None, description="When it should land, in words, e.g. `Q4 2025 - Q1 2026`."
    )
    ticket: Url | None = Field(None, description="The ticket or issue that tracks it.")


class LessonGroup(Model):
    """Lessons under a heading of the team's choosing, e.g. technical or process lessons."""

    title: Line = Field(description="The group's heading, e.g. `Technical`.")
    items: list[Line] = Field(min_length=1, max_length=FEW, description="The lessons.")


class Lessons(Model):
    """What we learned."""

    summary: Text | None = Field(None, description="The lessons as prose.")
    learned: list[Line] = Field(
        default_factory=list, max_length=FEW, description="Lessons learned, one per line."
    )
    went_well: list[Line] = Field(
        default_factory=list, max_length=FEW, description="What went well."
    )
    went_wrong: list[Line] = Field(
        default_factory=list, max_length=FEW, description="What went wrong."
    )
    lucky: list[Line] = Field(
        default_factory=list, max_length=FEW, description="Where we got lucky."
    )
    groups: list[LessonGroup] = Field(
        default_factory=list, max_length=FEW, description="Further lessons under named headings."
    )


class ChecklistItem(Model):
    """One item of a prevention checklist."""

    text: Line = Field(description="What to check, as an imperative.")
    check: RuleId | None = Field(
        None, description="Id of the `nexus-pm check` rule that enforces this item, if any."
    )


class Prevention(Model):
    """How to keep it from happening again."""

    practices: list[Line] = Field(
        default_factory=list, max_length=FEW, description="Practices to follow."
    )
    checklist: list[ChecklistItem] = Field(
        default_factory=list, max_length=FEW, description="Checklist for similar work."
    )


class Reference(Model):
    """A link to an outside incident, issue or document."""

    title: Line = Field(description="What it is.")
    url: Url | None = Field(None, description="Where it is, if online (http, https or mailto).")


class Related(Model):
    """Other incidents and outside documents that bear on this one."""

    incidents: list[IncidentId] = Field(
        default_factory=list, max_length=FEW, description="Ids of related incidents."
    )
    links: list[Reference] = Field(
        default_factory=list,
        max_length=FEW,
        description="Outside incidents, issues and documents: title and URL.",
    )
