"""The parts of a format-2 record: timeline, impact, cause, errors, fix, actions, lessons."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .record_types import (
    FEW,
    EventTime,
    Language,
    Line,
    Minutes,
    Model,
    RepoPath,
    Short,
    Text,
    Url,
    Value,
    Verbatim,
    many,
    maybe,
)


class Fact(Model):
    """A labelled value, such as `Customers impacted: 120` or `Status: HEALTHY`."""

    label: Line = Field(description="What the value is, e.g. `Failed requests`.")
    value: Value = Field(description="The value as written, with its unit, e.g. `78 %`.")


class Reference(Model):
    """A link to an outside incident, issue or document; without a URL, a title to look up."""

    title: Line = Field(description="What it is.")
    url: Url | None = maybe("Where it is, if online (http, https or mailto).")


class EventKind(StrEnum):
    """A milestone that a timeline event marks; durations are derived from them."""

    STARTED = "started"
    DETECTED = "detected"
    DECLARED = "declared"
    ESCALATED = "escalated"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"


class Event(Model):
    """One entry of the timeline."""

    at: EventTime = Field(
        description="Date and time, `2019-03-26 23:04` (read in the record's `timezone`) or "
        "ISO 8601 with an offset, `2019-03-26T23:04:00-07:00`. A bare `23:04` is an error."
    )
    approximate: bool = Field(
        False, description="True when the time is an estimate (written `± 17:20` in prose)."
    )
    as_written: Short | None = maybe(
        "The time exactly as the source document wrote it, e.g. `[03-26 23:04]`, "
        "when the record was imported and `at` had to be spelled out."
    )
    kind: EventKind | None = maybe(
        "The milestone this event marks, if any: started, detected, declared, "
        "escalated, mitigated or resolved. Milestones may come in any order, except that none "
        "precedes `started`."
    )
    who: Line | None = maybe("Who acted or noticed, e.g. `@liggitt`.")
    text: Text = Field(description="What happened.")


class EffortPhase(Model):
    """Time spent on one phase of the response, as the team measured it."""

    phase: Short = Field(description="The phase, e.g. `diagnose`, `fix`, `deploy`.")
    minutes: Minutes = Field(description="Minutes spent on it.")


class Impact(Model):
    """Who or what was affected, and how much."""

    text: Text | None = maybe("The impact in a paragraph.")
    details: list[Line] = many("Further points, one per line.")
    figures: list[Fact] = many("Labelled figures, e.g. `{label: Failed requests, value: 78 %}`.")


class AnalysisStep(Model):
    """One step of an analysis: a why of five whys, or a question and its answer."""

    title: Line | None = maybe("The step's name, e.g. `Question the assumption`.")
    question: Text | None = maybe("What was asked, e.g. `Why did X fail?`.")
    finding: Text = Field(description="What was found: the answer.")
    details: list[Line] = many("Supporting points, in order.")
    result: Text | None = maybe("What the step concluded or changed.")


class Analysis(Model):
    """How the cause was found, step by step."""

    method: Line | None = maybe("The method, e.g. `Five whys` or `First principles`.")
    steps: list[AnalysisStep] = Field(
        min_length=1, max_length=FEW, description="The steps, in order."
    )


class Cause(Model):
    """Why it happened. Every part is optional: write what is known."""

    summary: Text | None = maybe("A sentence introducing the causes.")
    root_causes: list[Text] = many("The root causes, one paragraph each.")
    trigger: Text | None = maybe("What set it off.")
    contributing_factors: list[Text] = many("Conditions that made it possible or worse.")
    analysis: Analysis | None = maybe(
        "The analysis: five whys, questions and answers, or a named method."
    )


class ErrorOutput(Model):
    """An error exactly as it was printed; the site's search finds incidents by it."""

    title: Line | None = maybe("What the output is, e.g. `Pod log`.")
    where: Line | None = maybe(
        "Where it was seen, e.g. `#sig-testing chat log` or `container log`."
    )
    language: Language = Field("text", description="Highlighting language, e.g. `json`.")
    output: Verbatim = Field(description="The output, verbatim: never paraphrased.")


class Snippet(Model):
    """A piece of a file as it was, or as it became."""

    path: RepoPath = Field(description="Repo-relative path of the file the snippet comes from.")
    language: Language = Field(description="Highlighting language, e.g. `dockerfile`.")
    code: Verbatim = Field(description="The snippet, verbatim.")


class Change(Model):
    """One change of the fix, as before/after snippets; `nexus-pm check` reads these."""

    title: Line = Field(description="What changed, in a line.")
    path: RepoPath | None = maybe(
        "Repo file the fix lives in; checked for drift by `nexus-pm check`."
    )
    before: Snippet = Field(description="The file before the fix (broken).")
    after: Snippet = Field(description="The file after the fix.")
    notes: list[Line] = many("What the change did, point by point.")


class Step(Model):
    """One step taken to resolve the incident or ship the fix."""

    title: Line = Field(description="The step, e.g. `Rebuilt service`.")
    command: Verbatim | None = maybe("The command or change, verbatim.")
    language: Language = Field("bash", description="Highlighting language for the command.")
    duration: Short | None = maybe("How long it took, e.g. `~2 minutes`.")
    result: Line | None = maybe("The outcome, e.g. `SUCCESS`.")


class Fix(Model):
    """How it was resolved."""

    summary: Text | None = maybe("The resolution in a paragraph.")
    changes: list[Change] = many("Before/after snippets of the fix.")
    steps: list[Step] = many("Steps taken: command, time, result.")
