"""Declared rules: a lesson written as data, in a checklist item or in a file under `rules/`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from .record_types import FEW, Line, Model, RuleId, Short, many, maybe
from .rule_query import check_glob, check_regex, parse_query

Glob = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(check_glob)]
Pattern = Annotated[
    str, StringConstraints(min_length=1, max_length=2000), AfterValidator(check_regex)
]


def _query(text: str) -> str:
    parse_query(text)
    return text


QueryText = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_query)]


class Severity(StrEnum):
    """How a finding shows in code scanning; every finding fails `check` alike."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class DocumentFormat(StrEnum):
    """How a structural query reads a file."""

    YAML = "yaml"
    JSON = "json"
    TOML = "toml"


class Missing(StrEnum):
    """What a comparison makes of a path that leads nowhere."""

    FAIL = "fail"
    PASS = "pass"


class QueryMatch(Model):
    """A structural test on YAML, JSON or TOML documents; a place where it fails is a finding."""

    require: QueryText = Field(
        description="`PATH TEST` that must hold, e.g. `db.connect_timeout_ms >= 1000`, "
        '`spec.template.spec.containers[*].resources.limits exists`, `kind != "Pod"`; '
        "the test is `exists`, `absent`, or `== != >= <= > <` and a JSON value."
    )
    where: list[QueryText] = many(
        'Tests a document must pass to be checked at all, e.g. `kind == "StatefulSet"`.'
    )
    missing: Missing = Field(
        Missing.FAIL,
        description="For a comparison: `fail` (default) or `pass` where the path is not set.",
    )
    format: DocumentFormat | None = maybe(
        "yaml, json or toml; by default read from the file's extension."
    )


class DockerfileMatch(Model):
    """An instruction pattern; ARG and ENV values are substituted before matching."""

    instruction: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,12}$")] = Field(
        description="The instruction, e.g. `COPY`."
    )
    flags: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z-]{0,30}$")], Pattern] = Field(
        default_factory=dict,
        max_length=10,
        description="Flags it must carry, each with a pattern its value must contain "
        "(`.*` for any), e.g. `from: .*`.",
    )
    arguments: Pattern | None = maybe(
        "A regular expression searched in the text after the flags, e.g. `/root/`."
    )
    final_stage: bool = Field(
        False, description="Only the final stage and the stages it is built on count."
    )


class RuleSpec(Model):
    """A `nexus-pm check` rule written as data: which files, what to look for, and the fix."""

    id: RuleId = Field(description="Rule id, `group/name`, e.g. `config/db-timeout`.")
    title: Line = Field(description="What the rule catches, in a line.")
    message: Line = Field(description="What a finding says; the place found is added.")
    severity: Severity = Field(Severity.ERROR, description="error, warning or note.")
    fix: Line = Field(description="How to fix a finding, in one line.")
    files: list[Glob] = Field(
        min_length=1,
        max_length=FEW,
        description="Repo-relative globs of the files it reads, e.g. `k8s/**/*.yaml`.",
    )
    regex: Pattern | None = maybe(
        "Matcher: a regular expression (RE2 syntax) searched in each line; each match is a finding."
    )
    query: QueryMatch | None = maybe("Matcher: a structural test on YAML, JSON or TOML.")
    dockerfile: DockerfileMatch | None = maybe("Matcher: a Dockerfile instruction pattern.")
    languages: list[Short] = many(
        "Snippet languages that prove it, beyond those its globs and matcher imply."
    )

    @model_validator(mode="after")
    def _one_matcher(self) -> RuleSpec:
        given = [n for n in ("regex", "query", "dockerfile") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one matcher: regex, query or dockerfile"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self
