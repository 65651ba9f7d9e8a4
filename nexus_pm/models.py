"""The incident record: the one schema, as Pydantic models."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .record_types import (
    ID_PATTERN as ID_PATTERN,
)
from .record_types import (
    REPO_PATH_PATTERN as REPO_PATH_PATTERN,
)
from .record_types import (
    RESERVED_SLUGS as RESERVED_SLUGS,
)
from .record_types import (
    RULE_PATTERN as RULE_PATTERN,
)
from .record_types import (
    SEVERITY_MEANING as SEVERITY_MEANING,
)
from .record_types import (
    SLUG_PATTERN as SLUG_PATTERN,
)
from .record_types import (
    Evidence as Evidence,
)
from .record_types import (
    Fact as Fact,
)
from .record_types import (
    IncidentId as IncidentId,
)
from .record_types import (
    Line as Line,
)
from .record_types import (
    Minutes as Minutes,
)
from .record_types import (
    Model as Model,
)
from .record_types import (
    RepoPath as RepoPath,
)
from .record_types import (
    ServiceState as ServiceState,
)
from .record_types import (
    ServiceStatus as ServiceStatus,
)
from .record_types import (
    Severity as Severity,
)
from .record_types import (
    Slug as Slug,
)
from .record_types import (
    Status as Status,
)
from .record_types import (
    Text as Text,
)
from .record_types import (
    TimeMetrics as TimeMetrics,
)
from .record_types import (
    Times as Times,
)


class Symptom(Model):
    """What people saw, with the error output kept verbatim."""

    description: Text = Field(description="What was observed, in a sentence or two.")
    error_output: Text = Field(description="The error exactly as printed; searchable on the site.")
    error_language: str = Field("text", description="Highlighting language for the error output.")
    observations: list[Fact] = Field(
        default_factory=list, description="Observed state, e.g. `Container: exited`."
    )


class AnalysisStep(Model):
    """One step of the root cause analysis."""

    title: Line = Field(description="The step's name, e.g. `Question the assumption`.")
    question: Text = Field(description="What was asked.")
    finding: Text = Field(description="What was found.")
    details: list[Line] = Field(default_factory=list, description="Supporting points, in order.")
    result: Text | None = Field(None, description="What the step concluded or changed.")


class RootCause(Model):
    """Why it happened."""

    summary: Text = Field(description="The root cause in one or two sentences.")
    method: Line | None = Field(None, description="The analysis method, e.g. five whys.")
    steps: list[AnalysisStep] = Field(
        min_length=1, description="The analysis as ordered steps: what was asked, what was found."
    )
    contributing_factors: list[Line] = Field(
        default_factory=list, description="Conditions that made it possible or worse."
    )


class Snippet(Model):
    """A piece of a file as it was, or as it became."""

    path: RepoPath = Field(description="Repo-relative path of the file the snippet comes from.")
    language: str = Field(description="Highlighting language, e.g. `dockerfile`.")
    code: Text = Field(description="The snippet, verbatim.")


class Change(Model):
    """One change of the fix, as before/after snippets."""

    title: Line = Field(description="What changed, in a line.")
    path: RepoPath | None = Field(
        None, description="Repo file the fix lives in; checked for drift by `nexus-pm check`."
    )
    before: Snippet = Field(description="The file before the fix (broken).")
    after: Snippet = Field(description="The file after the fix.")
    notes: list[Line] = Field(
        default_factory=list, description="What the change did, point by point."
    )


class Fix(Model):
    """How it was fixed."""

    summary: Text = Field(description="The fix in one or two sentences.")
    changes: list[Change] = Field(default_factory=list, description="Before/after snippets.")


class ImplementationStep(Model):
    """One step taken to ship the fix."""

    title: Line = Field(description="The step, e.g. `Rebuilt service`.")
    command: Text | None = Field(None, description="The command or change, verbatim.")
    language: str = Field("bash", description="Highlighting language for the command.")
    duration: Line | None = Field(
        None, description="How long it took, as measured, e.g. `~2 minutes`."
    )
    duration_label: Line = Field(
        "Duration", description="What the duration measures, e.g. `Build time`."
    )
    result: Line | None = Field(None, description="The outcome, e.g. `SUCCESS`.")


class Lessons(Model):
    """What we learned."""

    technical: list[Line] = Field(default_factory=list, description="Technical lessons.")
    process: list[Line] = Field(default_factory=list, description="Lessons about how we work.")
    went_well: list[Line] = Field(default_factory=list, description="What went well.")
    went_wrong: list[Line] = Field(default_factory=list, description="What went wrong.")
    lucky: list[Line] = Field(default_factory=list, description="Where we got lucky.")


class ChecklistItem(Model):
    """One item of a prevention checklist."""

    text: Line = Field(description="What to check, as an imperative.")
    check: Annotated[str, StringConstraints(pattern=RULE_PATTERN)] | None = Field(
        None, description="Id of the `nexus-pm check` rule that enforces this item, if any."
    )


class Prevention(Model):
    """How to keep it from happening again."""

    practices: list[Line] = Field(default_factory=list, description="Practices to follow.")
    checklist: list[ChecklistItem] = Field(
        default_factory=list, description="Checklist for similar work; gathered site-wide."
    )


class ActionStatus(StrEnum):
    """Progress of an action item."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    WONT_DO = "wont-do"


class Horizon(StrEnum):
    """When an action item is meant to land."""

    IMMEDIATE = "immediate"
    SHORT_TERM = "short-term"
    LONG_TERM = "long-term"


class ActionItem(Model):
    """Follow-up work."""

    text: Line = Field(description="The work to do.")
    owner: Line | None = Field(None, description="Who owns it; required unless done.")
    status: ActionStatus = Field(ActionStatus.OPEN, description="Its progress.")
    due: dt.date | None = Field(None, description="When it is due.")
    horizon: Horizon = Field(description="Immediate, short-term or long-term.")

    @model_validator(mode="after")
    def _owned(self) -> ActionItem:
        if self.owner is None and self.status not in (ActionStatus.DONE, ActionStatus.WONT_DO):
            raise ValueError(f"an action item that is {self.status.value} needs an owner")
        return self


class AccessRoute(Model):
    """One way to reach the service."""

    name: Line = Field(description="The route, e.g. `Via API Gateway`.")
    commands: list[Line] = Field(min_length=1, description="Commands or URLs, verbatim.")
    note: Line | None = Field(None, description="What to do once there.")


class Outcome(Model):
    """The measurable difference the fix made."""

    before: list[Line] = Field(default_factory=list, description="How things stood before.")
    after: list[Line] = Field(default_factory=list, description="How things stood after.")


class FixPattern(Model):
    """How to apply the same fix elsewhere."""

    when: Line = Field(description="When the pattern applies.")
    steps: list[Line] = Field(min_length=1, description="Steps to apply it.")
    scope: Line | None = Field(None, description="Everything the pattern covers.")


class Reference(Model):
    """A link or document related to the incident."""

    title: Line = Field(description="What it is.")
    url: Annotated[str, StringConstraints(pattern=r"""^https?://[^\s<>"'`\\]+$""")] | None = Field(
        None, description="Where it is, if online."
    )


class Incident(Model):
    """A postmortem record: one YAML file in `incidents/`."""

    id: IncidentId = Field(description="Unique id, e.g. `INC-0001`.")
    title: Line = Field(description="One-line title.")
    summary: Text = Field(description="One paragraph: what happened, why, how it was fixed.")
    date: dt.date = Field(description="The day of the incident.")
    times: Times = Field(default_factory=Times, description="Timestamps, in order.")
    severity: Severity = Field(description="SEV1 (worst) to SEV4.")
    status: Status = Field(Status.DRAFT, description="draft, investigating, resolved or closed.")
    services: list[Slug] = Field(min_length=1, description="Affected services, as slugs.")
    tags: list[Slug] = Field(default_factory=list, description="Free tags, as slugs.")
    authors: list[Line] = Field(default_factory=list, description="Who wrote this postmortem.")
    impact: Text | None = Field(None, description="Who or what was affected, and how much.")
    trigger: Text | None = Field(None, description="What set it off.")
    detection: Text | None = Field(None, description="How it was noticed.")
    symptom: Symptom | None = Field(None, description="What was seen, with the error verbatim.")
    root_cause: RootCause | None = Field(None, description="Why it happened.")
    fix: Fix | None = Field(None, description="How it was fixed.")
    implementation: list[ImplementationStep] = Field(
        default_factory=list, description="Steps taken to ship the fix."
    )
    verification: list[Evidence] = Field(default_factory=list, description="Proof the fix works.")
    system_status: list[ServiceStatus] = Field(
        default_factory=list, description="Snapshot of all services after the fix."
    )
    metrics: TimeMetrics = Field(default_factory=TimeMetrics, description="Time spent, in minutes.")
    lessons: Lessons = Field(default_factory=Lessons, description="What we learned.")
    prevention: Prevention = Field(default_factory=Prevention, description="How to prevent it.")
    action_items: list[ActionItem] = Field(default_factory=list, description="Follow-up work.")
    access: list[AccessRoute] = Field(default_factory=list, description="How to reach the service.")
    outcome: Outcome | None = Field(None, description="Success metrics before and after.")
    fix_pattern: FixPattern | None = Field(None, description="Applying the fix elsewhere.")
    final_status: list[Fact] = Field(default_factory=list, description="Closing status board.")
    related: list[IncidentId] = Field(default_factory=list, description="Ids of related incidents.")
    references: list[Reference] = Field(default_factory=list, description="Links and documents.")

    @field_validator("related")
    @classmethod
    def _not_self_related(cls, related: list[str], info: ValidationInfo) -> list[str]:
        own = info.data.get("id")
        if own in related:
            raise ValueError(f"an incident cannot be related to itself ({own})")
        return related
