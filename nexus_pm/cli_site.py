"""The `nexus-pm` commands that check records and build the site: options and help texts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cli_options import ConfigFile, MaxBytes, Output, PathOption, Paths, app, exit_with
from .edge import address_value
from .limits import MAX_BYTES


@app.command()
def validate(
    paths: Paths = None,
    max_bytes: MaxBytes = MAX_BYTES,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Name skipped files.")] = False,
) -> None:
    """Check records against the schema; print every problem as path:line: field: message."""
    from .commands import validate as command

    exit_with(command.run(paths, max_bytes=max_bytes, verbose=verbose))


@app.command()
def migrate(
    check: Annotated[
        bool, typer.Option(help="Change nothing; exit 1 if a record is still format 1.")
    ] = False,
    paths: Paths = None,
) -> None:
    """Rewrite format-1 records as format 2, in place, keeping comments and key order."""
    from .commands import migrate as command

    exit_with(command.run(paths, check=check))


@app.command()
def build(
    config_file: ConfigFile = Path("mkdocs.yml"),
    site_dir: Annotated[Path, typer.Option(help="Where the site goes.", **PathOption)] = Path(
        "site"
    ),
    drafts: Annotated[
        bool, typer.Option("--drafts", help="Include draft records, with a draft banner.")
    ] = False,
) -> None:
    """Build the site strictly; the previous site is replaced only if the build succeeds."""
    from .commands import build as command

    exit_with(command.run(config_file, site_dir, drafts=drafts))


@app.command()
def generate(
    out: Annotated[
        Path, typer.Option(help="The folder to write the docs tree into.", **PathOption)
    ],
    config_file: ConfigFile = Path("mkdocs.yml"),
    drafts: Annotated[bool, typer.Option("--drafts", help="Include draft records.")] = False,
) -> None:
    """Write every page, generated ones included, as plain Markdown: no plugin needed to build."""
    from .commands import generate as command

    exit_with(command.run(config_file, out, drafts=drafts))


@app.command()
def serve(
    config_file: ConfigFile = Path("mkdocs.yml"),
    dev_addr: Annotated[
        str, typer.Option(help="Address to serve on.", parser=address_value, metavar="HOST:PORT")
    ] = "127.0.0.1:8000",
) -> None:
    """Preview the site with live reload; edits to records and templates rebuild it."""
    from .commands import serve as command

    exit_with(command.run(config_file, dev_addr))


@app.command()
def schema(
    output: Output = None,
    check: Annotated[
        bool, typer.Option(help="Exit 1 if OUTPUT differs from the generated schema.")
    ] = False,
) -> None:
    """Print the JSON Schema (draft-07) generated from the models."""
    from .commands import schema as command

    exit_with(command.run(output, check=check))
