"""`nexus-pm init`: start a knowledge base in a folder, listing what it created and skipped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..edge import err, out
from ..errors import NexusError, display_path
from .new import should_prompt

T = TypeVar("T")


def run(folder: Path, *, site_name: str | None, severities: str | None, prompt: bool | None) -> int:
    import click

    from .. import init

    asking = should_prompt(prompt)
    try:
        if site_name is not None:
            name = init.parse_site_name(site_name)
        else:
            name = init.default_site_name(folder)
            if asking:
                name = _ask("Site name", name, init.parse_site_name)
        if severities is not None:
            scale = init.parse_scale(severities)
        else:
            scale = init.DEFAULT_SCALE
            if asking:
                scale = _ask("Severity scale, worst first", ", ".join(scale), init.parse_scale)
    except (click.Abort, KeyboardInterrupt):
        err("")
        raise NexusError(
            message="nexus-pm init: interrupted; nothing was written", exit_code=130
        ) from None
    report = init.initialise(folder, init.Plan(name, scale))
    for path in report.created:
        out(f"created {display_path(path)}")
    for path, why in report.skipped:
        out(f"skipped {display_path(path)} ({why})")
    for note in report.notes:
        err(f"note: {note}")
    where = "" if folder.resolve() == Path.cwd() else f"cd {display_path(folder)} && "
    err(f'next: {where}nexus-pm new "What broke" --service SLUG, then nexus-pm serve')
    return 0


def _ask(text: str, default: str, parse: Callable[[str], T]) -> T:
    import click

    from ..errors import UsageError

    def convert(value: str) -> T:
        try:
            return parse(value)
        except UsageError as exc:
            raise click.BadParameter(exc.reason) from None

    answer: T = click.prompt(text, default=default, value_proc=convert, err=True)
    return answer
