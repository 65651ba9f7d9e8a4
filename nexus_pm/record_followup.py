"""Follow-up parts of a format-2 record: action items, lessons, prevention, related links."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, model_validator

from .record_parts import Reference
from .record_rules import RuleSpec
from .record_types import (
    FEW,
    IncidentId,
    Line,
    Model,
    RuleId,
    Short,
    Text,
    Url,
    many,
    maybe,
)


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


#: Statuses after which nothing is left to do; an item with no status stated is open.
SETTLED = frozenset({ActionStatus.DONE, ActionStatus.WONT_DO})


class Horizon(StrEnum):
    """When an action item is meant to land, roughly."""

    IMMEDIATE = "immediate"
    SHORT_TERM = "short-term"
    LONG_TERM = "long-term"


class ActionItem(Model):
    """Follow-up work. Only the text is required: owner and horizon are never invented."""

    text: Line = Field(description="The work to do.")
    kind: ActionKind | None = maybe("mitigate, prevent, detect, process or other.")
    owner: Line | None = maybe("Who owns it, if someone was named.")
    status: ActionStatus | None = maybe(
        "open, in-progress, blocked, done or wont-do; absent if not stated."
    )
    priority: Short | None = maybe("Priority on the team's scale, e.g. `P1`.")
    horizon: Horizon | None = maybe("immediate, short-term or long-term.")
    due: dt.date | None = maybe("When it is due (YYYY-MM-DD).")
    timeframe: Line | None = maybe("When it should land, in words, e.g. `Q4 2025 - Q1 2026`.")
    ticket: Url | None = maybe("The ticket or issue that tracks it.")


class LessonGroup(Model):
    """Lessons under a heading of the team's choosing, e.g. technical or process lessons."""

    title: Line = Field(description="The group's heading, e.g. `Technical`.")
    items: list[Line] = Field(min_length=1, max_length=FEW, description="The lessons.")


class Lessons(Model):
    """What we learned."""

    summary: Text | None = maybe("The lessons as prose.")
    learned: list[Line] = many("Lessons learned, one per line.")
    went_well: list[Line] = many("What went well.")
    went_wrong: list[Line] = many("What went wrong.")
    lucky: list[Line] = many("Where we got lucky.")
    groups: list[LessonGroup] = many("Further lessons under named headings.")


class ChecklistItem(Model):
    """One item of a prevention checklist."""

    text: Line = Field(description="What to check, as an imperative.")
    check: RuleId | None = maybe("Id of the `nexus-pm check` rule that enforces this item, if any.")
    rule: RuleSpec | None = maybe(
        "A rule written here that enforces this item; `check`, if given, must be its id."
    )

    @model_validator(mode="after")
    def _one_id(self) -> ChecklistItem:
        if self.rule is not None and self.check is not None and self.check != self.rule.id:
            raise ValueError(f"check names '{self.check}' but the rule here is '{self.rule.id}'")
        return self


class Prevention(Model):
    """How to keep it from happening again."""

    practices: list[Line] = many("Practices to follow.")
    checklist: list[ChecklistItem] = many("Checklist for similar work.")


class Related(Model):
    """Other incidents and outside documents that bear on this one."""

    incidents: list[IncidentId] = many("Ids of related incidents.")
    links: list[Reference] = many("Outside incidents, issues and documents: title and URL.")
