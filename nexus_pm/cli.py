"""The `nexus-pm` command line: options and help texts; each body is in nexus_pm.commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# cli_site registers validate, migrate, build, generate, serve and schema first, so that
# --help lists the commands in the order they have always had.
from . import cli_site  # noqa: F401
from .cli_options import (
    ConfigFile,
    Output,
    PathOption,
    Paths,
    SiteUrl,
    app,
    chosen,
    exit_with,
    linked,
    many,
    paths_argument,
)
from .edge import path_value

__all__ = ["app", "main"]

TEMPLATES = Path("templates")


@app.command()
def new(
    title: Annotated[
        str | None, typer.Argument(help="One line: what broke. Names the file.", show_default=False)
    ] = None,
    severity: Annotated[
        str | None,
        typer.Option(metavar="SEV", help="On the team's scale; default SEV1 (worst) to SEV4."),
    ] = None,
    service: Annotated[list[str] | None, many("SLUG", "Affected service; repeatable.")] = None,
    date: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Default: today.")] = None,
    status: Annotated[str, typer.Option(help="draft, in-review or published.")] = "draft",
    tag: Annotated[list[str] | None, many("SLUG", "Free tag; repeatable.")] = None,
    author: Annotated[list[str] | None, many("NAME", "Who writes it; repeatable.")] = None,
    summary: Annotated[
        str | None, typer.Option(help="One paragraph. Default: a TODO placeholder.")
    ] = None,
    related: Annotated[
        list[str] | None, many("ID", "An existing related incident; repeatable.")
    ] = None,
    incidents_dir: Annotated[Path, typer.Option(help="Where records live.", **PathOption)] = Path(
        "incidents"
    ),
    templates_dir: Annotated[
        Path, typer.Option(help="Holds incident.yaml.j2.", **PathOption)
    ] = TEMPLATES,
    edit: Annotated[bool, typer.Option(help="Open $VISUAL or $EDITOR on the new file.")] = False,
    prompt: Annotated[
        bool | None,
        typer.Option(
            "--input/--no-input",
            help="Prompt for missing values, or never. Default: only when stdin is a terminal.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create a draft record that validates, and print its path (and nothing else) on stdout."""
    from .commands import new as command

    exit_with(
        command.run(
            title,
            severity=severity,
            services=service or [],
            date=date,
            status=status,
            tags=tag or [],
            authors=author or [],
            summary=summary,
            related=related or [],
            incidents_dir=incidents_dir,
            templates_dir=templates_dir,
            edit=edit,
            prompt=prompt,
        )
    )


@app.command("import")
def import_(
    paths: Annotated[
        list[Path] | None,
        paths_argument("Markdown files, or folders whose *.md files are imported."),
    ] = None,
    incidents_dir: Annotated[Path, typer.Option(help="Where records go.", **PathOption)] = Path(
        "incidents"
    ),
    status: Annotated[str, typer.Option(help="draft, in-review or published.")] = "draft",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print each record instead of writing it.")
    ] = False,
    date: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="For a file that names no date.")
    ] = None,
    severity: Annotated[
        str | None, typer.Option(metavar="SEV", help="For a file that names no severity.")
    ] = None,
    service: Annotated[list[str] | None, many("SLUG", "Affected service; repeatable.")] = None,
    prompt: Annotated[
        bool | None,
        typer.Option(
            "--input/--no-input",
            help="Ask for a missing date, or never. Default: only when stdin is a terminal.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Turn Markdown postmortems into new records; print each new path on stdout."""
    from .commands import import_ as command

    exit_with(
        command.run(
            paths or [],
            incidents_dir=incidents_dir,
            status=status,
            dry_run=dry_run,
            date=date,
            severity=severity,
            services=service or [],
            prompt=prompt,
        )
    )


SiteName = Annotated[
    str | None, typer.Option(help="Default: from the folder's name.", show_default=False)
]
Scale = Annotated[
    str | None,
    typer.Option(metavar="SEV1,SEV2,...", help="The scale, worst first. Default: SEV1-SEV4."),
]


@app.command()
def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="The knowledge base's folder; made if missing.", parser=path_value, metavar="DIR"
        ),
    ] = Path("."),
    site_name: SiteName = None,
    severities: Scale = None,
    prompt: Annotated[
        bool | None,
        typer.Option(
            "--input/--no-input",
            help="Ask for the site name and scale, or take defaults. Default: ask on a terminal.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start a postmortem knowledge base; files that exist are skipped, never overwritten."""
    from .commands import init as command

    exit_with(command.run(folder, site_name=site_name, severities=severities, prompt=prompt))


@app.command("list")
def list_(
    paths: Paths = None,
    service: Annotated[list[str] | None, many("SLUG", "Only these services.")] = None,
    severity: Annotated[list[str] | None, many("SEV", "Only these severities.")] = None,
    status: Annotated[list[str] | None, many("STATUS", "Only these statuses.")] = None,
    tag: Annotated[list[str] | None, many("SLUG", "Only records with these tags.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, for scripts.")] = False,
) -> None:
    """Show incidents, newest first: id, date, severity, status, services, title."""
    from .commands import list as command

    filters = chosen(services=service, severities=severity, statuses=status, tags=tag)
    exit_with(command.run(paths, as_json=as_json, **filters))


@app.command()
def actions(
    paths: Paths = None,
    owner: Annotated[list[str] | None, many("NAME", "Only items these people own.")] = None,
    service: Annotated[list[str] | None, many("SLUG", "Only items of these services.")] = None,
    status: Annotated[
        list[str] | None, many("STATUS", "Only these statuses (done and wont-do included).")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only items past due.")] = False,
    today: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD", help="The day to judge by. Default: SOURCE_DATE_EPOCH, or today."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON, for scripts.")] = False,
    fail: Annotated[
        bool, typer.Option("--fail", help="Exit 1 if any item is listed, e.g. with --overdue.")
    ] = False,
) -> None:
    """Show open action items across incidents: unowned first, then overdue, then by due date."""
    from .commands import actions as command

    filters = chosen(owners=owner, services=service, statuses=status)
    exit_with(
        command.run(paths, overdue=overdue, today=today, as_json=as_json, fail=fail, **filters)
    )


@app.command()
def check(
    paths: Annotated[
        list[Path] | None, paths_argument("Files or folders to check. Default: the repo (.).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, json or sarif.")] = "text",
    output: Output = None,
    incidents: Annotated[
        Path, typer.Option(help="Records whose lessons the rules enforce.", **PathOption)
    ] = Path("incidents"),
    config_file: ConfigFile = Path("mkdocs.yml"),
    site_url: SiteUrl = None,
) -> None:
    """Run the prevention rules; exit 0 clean, 1 findings, 2 unreadable input."""
    from .commands import check as command

    exit_with(
        command.run(paths, fmt=fmt, output=output, **linked(incidents, config_file, site_url))
    )


@app.command()
def match(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A log or an error; stdin when none or `-`.",
            show_default=False,
            parser=path_value,
            metavar="FILE",
        ),
    ] = None,
    incidents: Annotated[Path, typer.Option(help="Records to match against.", **PathOption)] = Path(
        "incidents"
    ),
    config_file: ConfigFile = Path("mkdocs.yml"),
    site_url: SiteUrl = None,
    limit: Annotated[int, typer.Option(help="Show at most this many incidents.", min=1)] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, for tools.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read every record, not .cache/nexus-pm/.")
    ] = False,
) -> None:
    """Past incidents whose errors a log holds, best first; exit 0 matched, 1 none, 2 bad input."""
    from .commands import match as command

    options = linked(incidents, config_file, site_url)
    exit_with(command.run(file, limit=limit, as_json=as_json, cache=not no_cache, **options))


def main() -> None:
    # edge.Group runs every command: a NexusError or a file-system error ends as lines.
    app()
