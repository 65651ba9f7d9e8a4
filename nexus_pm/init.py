"""Start a knowledge base: `nexus-pm init` writes the files a team needs, never over its own."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import __version__
from .claim import publish
from .config import Settings, settings_from_mapping
from .errors import NexusError, UsageError, display_path
from .files import write_in_folders, write_new
from .loader import collect, parse_incident
from .markdown import Safe, escape
from .new import yaml_string
from .options import parse_text
from .record_types import DEFAULT_SEVERITIES
from .reference import json_schema_text
from .render import template_environment

#: Each file `init` writes, by its path in the knowledge base, and the template it comes from.
FILES = (
    ("mkdocs.yml", "mkdocs.yml.j2"),
    ("docs/index.md", "index.md.j2"),
    ("README.md", "README.md.j2"),
    ("requirements.txt", "requirements.txt.j2"),
    (".github/workflows/pages.yml", "pages.yml.j2"),
    (".pre-commit-config.yaml", "pre-commit-config.yaml.j2"),
    (".vscode/settings.json", "vscode-settings.json.j2"),
    (".gitignore", "gitignore.j2"),
)
SCHEMA = "schemas/incident.schema.json"
EXAMPLE_STEM = "example-report-exports-fail"
MAX_SITE_NAME = 200
DEFAULT_SCALE = DEFAULT_SEVERITIES


@dataclass
class Plan:
    """What the knowledge base is to be: its site name and severity scale, checked."""

    site_name: str
    severities: tuple[str, ...] = DEFAULT_SEVERITIES


@dataclass
class Report:
    """What `init` did: files created and skipped, and notes for the user."""

    created: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_site_name(value: str) -> str:
    name = parse_text(value, "--site-name", one_line=True, limit=MAX_SITE_NAME)
    # Material writes site_name into <title> and the header unescaped.
    if "<" in name or ">" in name:
        raise UsageError(
            "--site-name", "may not hold < or >: the theme writes the name into pages as it is"
        )
    return name


def parse_scale(value: str | Sequence[str]) -> tuple[str, ...]:
    """A severity scale, worst first, as `SEV1, SEV2` or a list; checked as pyproject.toml is."""
    names = [part.strip() for part in value.split(",")] if isinstance(value, str) else list(value)
    for name in names:
        if name:
            parse_text(name, "--severities", one_line=True, limit=200)
    try:
        settings = settings_from_mapping({"severities": names}, "--severities", lambda key: 1)
    except NexusError as exc:
        problem = exc.problems[0]
        index = problem.field.removeprefix("severities").lstrip(".")
        # Counted from 1, as a person reads the comma-separated list.
        where = f"item {int(index) + 1} " if index.isdigit() else ""
        raise UsageError("--severities", f"{where}{problem.message}") from None
    return settings.severities


def default_site_name(folder: Path) -> str:
    """The folder's name, as a title: `team-postmortems` becomes `Team postmortems`."""
    name = Path(os.path.realpath(folder)).name.replace("-", " ").replace("_", " ").strip()
    return (name[:1].upper() + name[1:]) if name else "Postmortems"


def initialise(folder: Path, plan: Plan) -> Report:
    """Write every file that is missing in `folder`; one that exists is listed as skipped."""
    if folder.exists() and not folder.is_dir():
        raise UsageError("DIR", f"{display_path(folder)} is not a folder")
    report = Report()
    env = _environment()
    # The README's example command sits in a shell code block, where one line cannot end it.
    middle = plan.severities[len(plan.severities) // 2]
    values = {
        "mkdocs.yml": {"site_name": Safe(yaml_string(plan.site_name))},
        "docs/index.md": {"site_name": escape(plan.site_name)},
        "README.md": {"site_name": escape(plan.site_name), "middle": Safe(shlex.quote(middle))},
        "requirements.txt": {"version": Safe(__version__)},
    }
    for target, template in FILES:
        text = env.get_template(f"init/{template}").render(**values.get(target, {}))
        _write(folder, target, text, report)
    _write(folder, SCHEMA, json_schema_text(Settings(severities=plan.severities)), report)
    _example(folder, plan, env, report)
    _settings(folder, plan, report)
    return report


def _environment() -> jinja2.Environment:
    # Every value arrives escaped for the file it goes into; anything else is a bug here.
    return template_environment(None, finalize=_refuse_unescaped)


def _refuse_unescaped(value: object) -> Safe:
    if not isinstance(value, Safe):
        raise TypeError(f"init template value {value!r} was not escaped")
    return value


def _write(folder: Path, target: str, text: str, report: Report) -> None:
    path = folder / target
    if os.path.lexists(path):
        report.skipped.append((path, "exists"))
        return
    try:
        write_in_folders(path, text, write_new)
    except FileExistsError:
        report.skipped.append((path, "exists"))
        return
    report.created.append(path)


def _example(folder: Path, plan: Plan, env: jinja2.Environment, report: Report) -> None:
    """One example record, unless the incidents folder already holds records."""
    incidents = folder / "incidents"
    if incidents.is_symlink() or (incidents.exists() and not incidents.is_dir()):
        report.skipped.append((incidents, "not a plain folder"))
        return
    if incidents.is_dir() and collect([incidents])[0]:
        report.skipped.append((incidents / f"{EXAMPLE_STEM}.yaml", "incidents/ holds records"))
        return
    template = env.get_template("init/example.yaml.j2")
    # A severity worse than the middle of the scale, where the scale has one.
    severity = plan.severities[max(0, len(plan.severities) // 2 - 1)]
    context: dict[str, object] = {"severities": list(plan.severities)}

    def make_text(incident_id: str) -> str:
        text = template.render(id=Safe(incident_id), severity=Safe(yaml_string(severity)))
        parse_incident(text, f"{display_path(Path(str(template.filename)))} (rendered)", context)
        return text

    report.created.append(publish(incidents, EXAMPLE_STEM, make_text))


def _settings(folder: Path, plan: Plan, report: Report) -> None:
    """`[tool.nexus-pm]` in pyproject.toml, only for a scale other than the default."""
    if plan.severities == DEFAULT_SEVERITIES:
        return
    table = toml_table(plan.severities)
    path = folder / "pyproject.toml"
    if os.path.lexists(path):
        report.skipped.append((path, "exists"))
        shown = display_path(path)
        report.notes.append(f"add this table to {shown} for your severity scale:\n{table}")
        return
    _write(folder, "pyproject.toml", table, report)


def toml_table(severities: Sequence[str]) -> str:
    # A JSON string is a TOML basic string; parse_scale let no control character through.
    names = ", ".join(json.dumps(name, ensure_ascii=False) for name in severities)
    return f"[tool.nexus-pm]\n# The severity scale, worst first.\nseverities = [{names}]\n"
