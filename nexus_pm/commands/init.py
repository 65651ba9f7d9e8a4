"""`nexus-pm init`: start a knowledge base in a folder, listing what it created and skipped."""

from __future__ import annotations

from pathlib import Path

from ..edge import err, out
from ..errors import NexusError, display_path
from .new import should_prompt


def run(folder: Path, *, site_name: str | None, severities: str | None, prompt: bool | None) -> int:
    import click

    from .. import init
    from ..new import prompt_for

    asking = should_prompt(prompt)
    try:
        if site_name is not None:
            name = init.parse_site_name(site_name)
        else:
            name = init.default_site_name(folder)
            if asking:
                name = prompt_for("Site name", init.parse_site_name, name)
        if severities is not None:
            scale = init.parse_scale(severities)
        else:
            scale = init.DEFAULT_SCALE
            if asking:
                scale = prompt_for(
                    "Severity scale, worst first", init.parse_scale, ", ".join(scale)
                )
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
