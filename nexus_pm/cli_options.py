"""The `nexus-pm` typer app and the option types its commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .edge import Group, file_value, path_value

app = typer.Typer(
    cls=Group,
    help="Postmortems as code: validate incident records and build the site.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's own help layout: Typer's boxed one imports rich, which alone takes longer than
    # the rest of the start-up.
    rich_markup_mode=None,
)


def many(metavar: str, help: str) -> Any:
    """A repeatable option; typer reads it from the annotation."""
    return typer.Option(metavar=metavar, help=help)


def paths_argument(help: str) -> Any:
    """The PATHS argument: files or folders, none meaning the command's default."""
    return typer.Argument(help=help, show_default=False, parser=path_value, metavar="PATHS")


Paths = Annotated[
    list[Path] | None, paths_argument("Record files or folders. Default: incidents/.")
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
SiteUrl = Annotated[
    str | None, typer.Option(help="Base URL of incident pages. Default: mkdocs.yml site_url.")
]


def exit_with(code: int) -> None:
    """End with a command's exit code; its errors were raised, and edge.Group reports them."""
    if code:
        raise typer.Exit(code)


def chosen(**given: list[str] | None) -> dict[str, list[str]]:
    """Repeatable filter options as lists: Typer gives None for one never used."""
    return {name: value or [] for name, value in given.items()}


def linked(incidents: Path, config_file: Path, site_url: str | None) -> dict[str, Any]:
    """The options naming the records a command reads and the site its links point into."""
    return {"incidents": incidents, "config_file": config_file, "site_url": site_url}
