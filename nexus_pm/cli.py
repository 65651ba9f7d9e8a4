"""The `nexus-pm` command line: a thin layer over the library."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .edge import Group, address_value, err, fail, file_value, path_value
from .errors import NexusError, UsageError, display_path
from .files import write_output
from .loader import MAX_BYTES, collect, load_records

app = typer.Typer(
    cls=Group,
    help="Postmortems as code: validate incident records and build the site.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Record files or folders. Default: incidents/.",
        show_default=False,
        parser=path_value,
        metavar="PATHS",
    ),
]
MaxBytes = Annotated[int, typer.Option(help="Largest record file accepted, in bytes.", min=1)]
ConfigFile = Annotated[
    Path,
    typer.Option(
        "--config-file", "-f", help="The MkDocs configuration.", parser=file_value, metavar="FILE"
    ),
]
# Path options go through path_value: an empty value must not mean "here".
PathOption = {"parser": path_value, "metavar": "PATH"}
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here, not to stdout.", **PathOption)
]


def _existing(paths: list[Path] | None) -> list[Path]:
    chosen = paths or [Path("incidents")]
    for path in chosen:
        if not path.exists() and not path.is_symlink():
            raise typer.BadParameter(f"{display_path(path)} does not exist", param_hint="PATHS")
    return chosen


@app.command()
def validate(
    paths: Paths = None,
    max_bytes: MaxBytes = MAX_BYTES,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Name skipped files.")] = False,
) -> None:
    """Check records against the schema; print every problem as path:line: field: message."""
    chosen = _existing(paths)
    if verbose:
        for skipped in collect(chosen)[1]:
            err(f"{display_path(skipped)}: skipped: not a .yaml or .yml file")
    try:
        records = load_records(chosen, max_bytes=max_bytes)
    except NexusError as exc:
        fail(exc)
    typer.echo(f"{len(records)} record{'s' if len(records) != 1 else ''} valid")


@app.command()
def build(
    config_file: ConfigFile = Path("mkdocs.yml"),
    site_dir: Annotated[Path, typer.Option(help="Where the site goes.", **PathOption)] = Path(
        "site"
    ),
) -> None:
    """Build the site strictly; the previous site is replaced only if the build succeeds."""
    from .site import build_site

    try:
        build_site(config_file, site_dir)
    except NexusError as exc:
        fail(exc)
    err(f"site built in {display_path(site_dir)}/")


@app.command()
def serve(
    config_file: ConfigFile = Path("mkdocs.yml"),
    dev_addr: Annotated[
        str, typer.Option(help="Address to serve on.", parser=address_value, metavar="HOST:PORT")
    ] = "127.0.0.1:8000",
) -> None:
    """Preview the site with live reload; edits to records and templates rebuild it."""
    from .site import serve_site

    try:
        serve_site(config_file, dev_addr)
    except NexusError as exc:
        fail(exc)


@app.command()
def schema(
    output: Output = None,
    check: Annotated[
        bool, typer.Option(help="Exit 1 if OUTPUT differs from the generated schema.")
    ] = False,
) -> None:
    """Print the JSON Schema (draft-07) generated from the models."""
    from .reference import json_schema_text

    text = json_schema_text()
    if output is None:
        if check:
            raise typer.BadParameter("--check needs --output", param_hint="--check")
        sys.stdout.write(text)
        return
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            err(f"{display_path(output)}:1: schema: stale; run nexus-pm schema -o {output}")
            raise typer.Exit(1)
        return
    write_output(output, text)
    err(f"wrote {display_path(output)}")


TEMPLATES = Path("templates")


@app.command()
def new(
    title: Annotated[
        str | None, typer.Argument(help="One line: what broke. Names the file.", show_default=False)
    ] = None,
    severity: Annotated[
        str | None, typer.Option(metavar="SEV", help="SEV1 (worst) to SEV4.")
    ] = None,
    service: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Affected service; repeatable.")
    ] = None,
    date: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="Default: today.")] = None,
    status: Annotated[str, typer.Option(help="draft, investigating, resolved, closed.")] = "draft",
    tag: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Free tag; repeatable.")
    ] = None,
    author: Annotated[
        list[str] | None, typer.Option(metavar="NAME", help="Who writes it; repeatable.")
    ] = None,
    summary: Annotated[
        str | None, typer.Option(help="One paragraph. Default: a TODO placeholder.")
    ] = None,
    related: Annotated[
        list[str] | None,
        typer.Option(metavar="ID", help="An existing related incident; repeatable."),
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
    import click

    from . import new as creating

    try:
        draft = creating.draft_from_options(
            title, severity, service, date, status, tag, author, summary, related
        )
        path = creating.new_record(
            draft, incidents_dir, templates_dir, prompt=creating.should_prompt(prompt)
        )
    except UsageError as exc:
        err(f"nexus-pm new: {exc}")
        raise typer.Exit(2) from None
    except NexusError as exc:
        fail(exc)
    except (click.Abort, KeyboardInterrupt):
        err("\nnexus-pm new: interrupted; nothing was written")
        raise typer.Exit(130) from None
    typer.echo(display_path(path))
    if edit:
        try:
            click.edit(filename=str(path))
            creating.check_after_edit(path, incidents_dir)
        except click.ClickException as exc:
            err(f"nexus-pm new: {exc.format_message()}; {display_path(path)} is kept")
            raise typer.Exit(1) from None
        except NexusError as exc:
            fail(exc)


@app.command("list")
def list_(
    paths: Paths = None,
    service: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Only these services.")
    ] = None,
    severity: Annotated[
        list[str] | None, typer.Option(metavar="SEV", help="Only these severities.")
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option(metavar="STATUS", help="Only these statuses.")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option(metavar="SLUG", help="Only records with these tags.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array, for scripts.")] = False,
) -> None:
    """Show incidents, newest first: id, date, severity, status, services, title."""
    from . import listing

    try:
        filters = listing.Filters.parse(service or (), severity or (), status or (), tag or ())
    except UsageError as exc:
        err(f"nexus-pm list: {exc}")
        raise typer.Exit(2) from None
    try:
        records = listing.select(load_records(_existing(paths)), filters)
    except NexusError as exc:
        fail(exc)
    if as_json:
        sys.stdout.write(listing.to_json(records))
    elif records:
        sys.stdout.write(listing.to_table(records))
    else:
        err("no incidents match")


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to check. Default: the repo (.).",
            show_default=False,
            parser=path_value,
            metavar="PATHS",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, json or sarif.")] = "text",
    output: Output = None,
    incidents: Annotated[
        Path, typer.Option(help="Records whose lessons the rules enforce.", **PathOption)
    ] = Path("incidents"),
    config_file: ConfigFile = Path("mkdocs.yml"),
    site_url: Annotated[
        str | None, typer.Option(help="Base URL of incident pages. Default: mkdocs.yml site_url.")
    ] = None,
) -> None:
    """Run the prevention rules; exit 0 clean, 1 findings, 2 unreadable input."""
    from .checks.command import Format, render, run_check
    from .checks.escape import plain

    try:
        chosen = Format(fmt)
    except ValueError:
        raise typer.BadParameter("must be text, json or sarif", param_hint="--format") from None
    for path in paths or []:
        if not path.exists():
            raise typer.BadParameter(f"{display_path(path)} does not exist", param_hint="PATHS")
    try:
        result = run_check(
            paths or [],
            root=Path("."),
            incidents=incidents,
            config_file=config_file,
            site_url=site_url,
        )
    except NexusError as exc:
        # Problems quote records and Dockerfiles: what a terminal would obey is escaped.
        for problem in exc.problems:
            err(plain(str(problem)))
        err(plain(exc.message or "nexus-pm check: fix the problems above, then check again"))
        raise typer.Exit(2) from None
    report = render(result, chosen)
    if output is None:
        sys.stdout.write(report)
    else:
        write_output(output, report)
    for problem in result.outcome.errors:
        err(plain(str(problem)))
    from .checks.report import summary

    err(summary(result.outcome))
    raise typer.Exit(result.outcome.exit_code)


def main() -> None:
    # edge.Group runs every command: a file-system error anywhere ends as one line.
    app()
