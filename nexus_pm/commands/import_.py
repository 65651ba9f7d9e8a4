"""`nexus-pm import`: turn Markdown postmortems into format-2 records, printing each new path."""

from __future__ import annotations

from pathlib import Path

from ..edge import err, out
from ..errors import InvalidValue, NexusError, UsageError, display_path
from . import settings
from .new import should_prompt


def sources(paths: list[Path]) -> list[Path]:
    """The Markdown files named, and every `*.md` in a folder named, in order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() == ".md")
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InvalidValue("PATHS", f"{display_path(path)} does not exist")
    return found


def run(
    paths: list[Path],
    *,
    incidents_dir: Path,
    status: str,
    dry_run: bool,
    date: str | None,
    severity: str | None,
    services: list[str],
    prompt: bool | None,
) -> int:
    import click

    from .. import import_record as importing
    from ..import_map import Given
    from ..new import check_directory
    from ..options import parse_date, parse_severity, parse_slugs, parse_status

    if not paths:
        raise UsageError("PATHS", "name at least one Markdown file or folder")
    team = settings()
    given = Given(
        date=parse_date(date) if date is not None else None,
        severity=parse_severity(severity, team.severities) if severity is not None else None,
        services=parse_slugs(services, "--service"),
        status=parse_status(status).value,
        scale=team.severities,
    )
    check_directory(incidents_dir)
    asking = should_prompt(prompt)
    number = importing.next_number(incidents_dir) if dry_run else None
    code = 0
    try:
        for path in sources(paths):
            shown = display_path(path)
            try:
                mapped, source = importing.prepare(path, given)
            except NexusError as exc:
                for line in exc.lines("nexus-pm import"):
                    err(line)
                code = max(code, exc.exit_code)
                continue
            if mapped.data["date"] is None and asking:
                day = click.prompt(f"{shown}: date (YYYY-MM-DD)", err=True, value_proc=_date)
                mapped.data["date"] = day
                mapped.missing.remove("--date")
            if mapped.missing:
                why = (
                    ""
                    if asking
                    else " (no prompts: --no-input was given or stdin is not a terminal)"
                )
                err(importing.missing_message(shown, mapped.missing) + why)
                code = max(code, 2)
                continue
            outcome = importing.import_file(
                path, mapped, source, incidents_dir, list(team.severities), number
            )
            for note in outcome.notes:
                err(note)
            if outcome.path is None:
                out(outcome.text.rstrip("\n"))
                number = (number or 0) + 1
            else:
                out(display_path(outcome.path))
    except (click.Abort, KeyboardInterrupt):
        err("")
        raise NexusError(
            message="nexus-pm import: interrupted; the records printed above were written whole, "
            "nothing else was",
            exit_code=130,
        ) from None
    return code


def _date(value: str) -> object:
    import click

    from ..options import parse_date

    try:
        return parse_date(value)
    except UsageError as exc:
        raise click.BadParameter(exc.reason) from None
