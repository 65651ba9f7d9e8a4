"""The record's building blocks: value types, the base model, severity and status."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from .format2_types import REPO_PATH_PATTERN as REPO_PATH_PATTERN
from .format2_types import _repo_path

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
# Format 1 checks repo paths as format 2 does: one rule for every path a check opens.
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
