"""Create a draft record: `nexus-pm new`, safe against clashes, races and interruptions."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import click
import jinja2

from .claim import Known, publish, scan
from .errors import NexusError, UsageError, display_path
from .loader import parse_incident
from .markdown import Safe, join
from .models import Status
from .options import (
    parse_date,
    parse_severity,
    parse_slugs,
    parse_status,
    parse_text,
    parse_title,
    slugify,
)
from .record_types import DEFAULT_SEVERITIES, ID_PATTERN, SEVERITY_MEANING
from .render import template_environment
from .validate import load_records

TEMPLATE = "incident.yaml.j2"
PLACEHOLDER_SUMMARY = (
    "TODO: replace this line with one paragraph on what happened, why it happened"
    " and how it was fixed."
)
# Characters that JSON leaves bare but YAML reads as line breaks or refuses outright.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")
T = TypeVar("T")


def yaml_string(value: str) -> str:
    """`value` as a double-quoted YAML scalar that reads back exactly: a JSON string, mostly."""
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass
class Draft:
    """The values of a new record, as given; None where still missing."""

    title: str | None = None
    severity: str | None = None
    services: list[str] = field(default_factory=list)
    date: dt.date = field(default_factory=dt.date.today)
    status: Status = Status.DRAFT
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    summary: str = PLACEHOLDER_SUMMARY
    related: list[str] = field(default_factory=list)
    #: The team's severity scale, worst first.
    scale: tuple[str, ...] = DEFAULT_SEVERITIES
    #: True when no --date was given and today was chosen.
    dated_today: bool = True

    def missing(self) -> list[str]:
        names = [("TITLE", self.title), ("--severity", self.severity), ("--service", self.services)]
        return [name for name, value in names if not value]


def draft_from_options(
    title: str | None,
    severity: str | None,
    services: list[str] | None,
    date: str | None,
    status: str,
    tags: list[str] | None,
    authors: list[str] | None,
    summary: str | None,
    related: list[str] | None,
    scale: tuple[str, ...] = DEFAULT_SEVERITIES,
) -> Draft:
    """Check every value given on the command line; the first bad one is a UsageError."""
    draft = Draft(
        title=parse_title(title) if title is not None else None,
        severity=parse_severity(severity, scale) if severity is not None else None,
        services=parse_slugs(services or [], "--service"),
        status=parse_status(status),
        tags=parse_slugs(tags or [], "--tag"),
        authors=[parse_text(a, "--author", one_line=True, limit=2000) for a in authors or []],
        related=[r.strip() for r in related or []],
        scale=scale,
    )
    if date is not None:
        draft.date = parse_date(date)
        draft.dated_today = False
    if summary is not None:
        draft.summary = parse_text(summary, "--summary", one_line=False, limit=20000)
    for rid in draft.related:
        if not re.fullmatch(ID_PATTERN, rid):
            raise UsageError("--related", f"{rid!r} is not an incident id such as INC-0001")
    return draft


def check_related(draft: Draft, known: Known) -> None:
    for rid in draft.related:
        if rid not in known.ids:
            raise UsageError("--related", f"no incident has the id {rid}")


def check_directory(directory: Path) -> Path:
    """Refuse a folder reached through a symlink, so records land where they are looked for."""
    cwd = Path.cwd()
    absolute = directory if directory.is_absolute() else cwd / directory
    try:
        steps, current = absolute.relative_to(cwd).parts, cwd
    except ValueError:
        # Outside the working folder only the last step is the user's to check.
        steps, current = (absolute.name,), absolute.parent
    for part in steps:
        current = current / part
        if current.is_symlink():
            shown = display_path(directory)
            raise UsageError(
                "--incidents-dir", f"{shown} leads through the symlink {part}; pass the real folder"
            )
    if directory.exists() and not directory.is_dir():
        raise UsageError("--incidents-dir", f"{display_path(directory)} is not a folder")
    return directory


def new_record(draft: Draft, directory: Path, templates_dir: Path, *, prompt: bool) -> Path:
    """Check, ask for what is missing, then create; nothing is written before the last step."""
    template = load_template(templates_dir)
    check_directory(directory)
    known = scan(directory)
    check_related(draft, known)
    missing = draft.missing()
    if missing and not prompt:
        raise UsageError(
            "",
            f"missing required values: {', '.join(missing)}"
            " (no prompts: --no-input was given or stdin is not a terminal)",
        )
    if missing:
        ask(draft, known)
    for note in note_new_services(draft, known):
        click.echo(note, err=True)
    if draft.dated_today:
        click.echo(
            f"note: dated {draft.date.isoformat()} (today); --date sets another day", err=True
        )
    return create(draft, directory, template)


def ask(draft: Draft, known: Known) -> Draft:
    """Prompt, on stderr, for each required value that is missing; bad answers ask again."""
    if not draft.title:
        draft.title = prompt_for("Title", parse_title)
    if draft.severity is None:
        for severity in draft.scale:
            click.echo(f"  {severity}  {SEVERITY_MEANING.get(severity, '')}".rstrip(), err=True)
        # The middle of the scale: most incidents are neither the worst nor trivial.
        middle = draft.scale[len(draft.scale) // 2]
        draft.severity = prompt_for(
            f"Severity ({', '.join(draft.scale)})",
            lambda v: parse_severity(v, draft.scale),
            middle,
        )
    if not draft.services:
        if known.services:
            click.echo(f"Known services: {', '.join(known.services)}", err=True)
        default = known.services[0] if known.services else None
        draft.services = prompt_for(
            "Services (comma-separated)", lambda v: _some(parse_slugs([v], "--service")), default
        )
    return draft


def _some(values: list[str]) -> list[str]:
    if not values:
        raise UsageError("--service", "name at least one service")
    return values


def prompt_for(text: str, parse: Callable[[str], T], default: str | None = None) -> T:
    """Ask on the terminal until `parse` takes the answer; its UsageError is asked again."""

    def convert(value: str) -> T:
        try:
            return parse(value)
        except UsageError as exc:
            raise click.BadParameter(exc.reason) from None

    result: T = click.prompt(text, default=default, value_proc=convert, err=True)
    return result


def note_new_services(draft: Draft, known: Known) -> list[str]:
    """Hints for new services that look like typos of known ones."""
    notes = []
    for service in draft.services:
        close = difflib.get_close_matches(service, known.services, n=1)
        if service not in known.services and close:
            notes.append(
                f"note: no record names the service {service!r}; did you mean {close[0]!r}?"
            )
    return notes


def create(draft: Draft, directory: Path, template: jinja2.Template) -> Path:
    """Write the record under the next free id and file name."""
    assert draft.title and draft.severity and draft.services, "ask() fills the required values"
    shown = f"{display_path(Path(str(template.filename)))} (rendered)"

    def make_text(incident_id: str) -> str:
        text = render(template, draft, incident_id)
        # The draft must validate as written, and quoting must not change a character.
        incident = parse_incident(text, shown, {"severities": list(draft.scale)})
        if (incident.title, incident.summary) != (draft.title, draft.summary):
            raise NexusError(message=f"{shown}: the title or summary did not read back exactly")
        return text

    return publish(directory, f"{draft.date.isoformat()}-{slugify(draft.title)}", make_text)


def load_template(templates_dir: Path) -> jinja2.Template:
    if templates_dir.exists() and not templates_dir.is_dir():
        raise UsageError("--templates-dir", f"{display_path(templates_dir)} is not a folder")
    # The output is YAML: what is not Safe (checked here, like the id and date) is quoted.
    env = template_environment(templates_dir, finalize=_yaml_value)
    env.filters.update(q=lambda value: Safe(yaml_string(str(value))), join=join)
    return env.get_template(TEMPLATE)


def _yaml_value(value: object) -> Safe:
    return value if isinstance(value, Safe) else Safe(yaml_string(str(value)))


def render(template: jinja2.Template, draft: Draft, incident_id: str) -> str:
    assert draft.severity is not None
    return template.render(
        # The id comes from claim.publish, in the ID pattern, and an ISO date is plain YAML.
        id=Safe(incident_id),
        title=draft.title,
        summary=draft.summary,
        date=Safe(draft.date.isoformat()),
        severity=draft.severity,
        status=draft.status.value,
        # A draft leads its author through a postmortem with TODOs; a record filed as
        # reviewed may hold none, so it gets only what was given.
        guide=draft.status is Status.DRAFT,
        services=draft.services,
        tags=draft.tags,
        authors=draft.authors,
        related=draft.related,
        # Comments, from the models: they may stay as they are.
        severities=[
            (Safe(yaml_string(s)[1:-1]), Safe(SEVERITY_MEANING.get(s, ""))) for s in draft.scale
        ],
    )


def check_after_edit(path: Path, directory: Path, scale: tuple[str, ...]) -> None:
    """Validate the folder again after editing; raise with the problems of the new file."""
    try:
        load_records([directory], context={"severities": list(scale)})
    except NexusError as exc:
        shown = display_path(path)
        mine = [p for p in exc.problems if p.path == shown]
        if mine:
            kept = f"{shown} is kept as it is; fix it and run nexus-pm validate"
            raise NexusError(mine, kept) from None
