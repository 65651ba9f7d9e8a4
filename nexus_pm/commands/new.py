"""`nexus-pm new`: draft a record from options and prompts, print its path, and maybe edit it."""

from __future__ import annotations

import sys
from pathlib import Path

from ..edge import err, out
from ..errors import NexusError, display_path
from . import settings


def should_prompt(flag: bool | None) -> bool:
    """--input or --no-input when given; otherwise prompt only when stdin is a terminal."""
    return sys.stdin.isatty() if flag is None else flag


def run(
    title: str | None,
    *,
    severity: str | None,
    services: list[str],
    date: str | None,
    status: str,
    tags: list[str],
    authors: list[str],
    summary: str | None,
    related: list[str],
    incidents_dir: Path,
    templates_dir: Path,
    edit: bool,
    prompt: bool | None,
) -> int:
    import click

    from .. import new as drafting  # Jinja and the renderer: only when drafting

    try:
        team = settings()
        draft = drafting.draft_from_options(
            title,
            severity,
            services,
            date,
            status,
            tags,
            authors,
            summary,
            related,
            team.severities,
        )
        path = drafting.new_record(
            draft, incidents_dir, templates_dir, prompt=should_prompt(prompt)
        )
    except (click.Abort, KeyboardInterrupt):
        err("")  # end the prompt line the interruption cut short
        raise NexusError(
            message="nexus-pm new: interrupted; nothing was written", exit_code=130
        ) from None
    out(display_path(path))
    if edit:
        try:
            click.edit(filename=str(path))
        except click.ClickException as exc:
            shown = display_path(path)
            raise NexusError(
                message=f"nexus-pm new: {exc.format_message()}; {shown} is kept"
            ) from None
        drafting.check_after_edit(path, incidents_dir, team.severities)
    return 0
