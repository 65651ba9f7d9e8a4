"""The incident record: the one schema, as Pydantic models."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^INC-[0-9]{4,6}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"
RULE_PATTERN = r"^[a-z0-9-]+/[a-z0-9-]+$"

# A service's or tag's page is services/<slug>.md or tags/<slug>.md, beside the overview
# of them all at index.md, which a slug of that name would silently replace.
RESERVED_SLUGS = frozenset({"index"})


def _not_reserved(value: str) -> str:
    if value in RESERVED_SLUGS:
        raise ValueError("is a reserved name: services/index.md and tags/index.md are overviews")
    return value


IncidentId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN), AfterValidator(_not_reserved)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Minutes = Annotated[float, Field(ge=0, le=525600)]
REPO_PATH_PATTERN = r"^(?!.*(^|/)[.][.]?(/|$))[A-Za-z0-9._+@-]+(/[A-Za-z0-9._+@-]+)*$"
_REPO_PATH_CHARS = re.compile(r"[A-Za-z0-9._+@/-]")


def _repo_path(value: str) -> str:
    # Checks and links open these paths, so they must stay inside the repo and
    # hold nothing a shell or a URL would read as syntax.
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
        raise ValueError("must be relative to the repo root, not absolute")
    if ".." in value.split("/"):
        raise ValueError("must stay inside the repo; '..' is not allowed")
    odd = "".join(sorted(set(_REPO_PATH_CHARS.sub("", value))))
    if odd:
        raise ValueError(f"may hold only ASCII letters, digits, '/' and . _ + @ -, not {odd!r}")
    if not re.fullmatch(REPO_PATH_PATTERN, value):
        raise ValueError("must be a plain path such as services/api/Dockerfile")
    return value


RepoPath = Annotated[
    str, AfterValidator(_repo_path), Field(json_schema_extra={"pattern": REPO_PATH_PATTERN})
]


class Model(BaseModel):
    """Base for every part of a record: unknown keys are errors, strings are trimmed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
        frozen=True,
    )


class Severity(StrEnum):
    """How bad it was, SEV1 the worst."""

    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"


SEVERITY_MEANING = {
    Severity.SEV1: "Critical: a core product is down for most users, or data is lost.",
    Severity.SEV2: "Major: a service or feature is unavailable for many users.",
    Severity.SEV3: "Minor: degraded service with a workaround, or an internal outage.",
    Severity.SEV4: "Low: no user impact; a near miss worth learning from.",
}


class Status(StrEnum):
    """Where the postmortem is in its lifecycle."""

    DRAFT = "draft"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Fact(Model):
    """A labelled value, such as `Status: HEALTHY`."""

    label: Line = Field(description="What the value is, e.g. `Status`.")
    value: Line = Field(description="The value, kept as written.")


class Times(Model):
    """When things happened. All optional; those given must be in order."""

    started: dt.datetime | None = Field(None, description="When the problem began.")
    detected: dt.datetime | None = Field(None, description="When someone or something noticed.")
    mitigated: dt.datetime | None = Field(None, description="When user impact stopped.")
    resolved: dt.datetime | None = Field(None, description="When the fix was in place.")

    @model_validator(mode="after")
    def _in_order(self) -> Times:
        seen: list[tuple[str, dt.datetime]] = []
        for name in ("started", "detected", "mitigated", "resolved"):
            value = getattr(self, name)
            if value is None:
                continue
            for earlier_name, earlier in seen:
                if _comparable(value) < _comparable(earlier):
                    raise ValueError(f"{name} ({value}) is before {earlier_name} ({earlier})")
            seen.append((name, value))
        return self


def _comparable(value: dt.datetime) -> dt.datetime:
    # Naive times are read as UTC so that mixed records still compare.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


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


class Evidence(Model):
    """Proof that the fix works: status lines, health JSON, log excerpts."""

    title: Line = Field(description="What this shows, e.g. `Health check response`.")
    kind: Literal["status", "json", "log", "text"] = Field(description="The kind of evidence.")
    content: Text = Field(description="The evidence, verbatim.")


class ServiceState(StrEnum):
    """State of a service in a status snapshot."""

    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    RUNNING = "running"
    DEGRADED = "degraded"
    EXITED = "exited"
    UNKNOWN = "unknown"


class ServiceStatus(Model):
    """One row of the system status snapshot."""

    service: Line = Field(description="The service's display name.")
    state: ServiceState = Field(description="Its state when the snapshot was taken.")
    port: int | None = Field(None, ge=1, le=65535, description="The port it listens on.")
    subject: bool = Field(False, description="True for the service this incident is about.")


class TimeMetrics(Model):
    """Time spent, in minutes. When total and parts are given, the parts add up to it."""

    to_detect: Minutes | None = Field(None, description="Minutes from start to detection.")
    to_diagnose: Minutes | None = Field(None, description="Minutes to find the cause.")
    to_fix: Minutes | None = Field(None, description="Minutes to write the fix.")
    to_deploy: Minutes | None = Field(None, description="Minutes to ship the fix.")
    total: Minutes | None = Field(None, description="Minutes from problem to solution.")

    @model_validator(mode="after")
    def _parts_add_up(self) -> TimeMetrics:
        parts = [self.to_detect, self.to_diagnose, self.to_fix, self.to_deploy]
        given = [p for p in parts if p is not None]
        if self.total is not None and given and abs(sum(given) - self.total) > 1e-6:
            raise ValueError(
                f"total is {self.total:g} minutes but its parts add up to {sum(given):g}"
            )
        return self


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
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"'`\\]+$")] | None = Field(
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
