"""`nexus-pm check`: run the prevention rules and report findings as text, JSON or SARIF."""

from __future__ import annotations

import sys
from pathlib import Path

from ..edge import err
from ..errors import InvalidValue, NexusError, display_path
from ..files import write_output


class Unreadable(NexusError):
    """Records or settings `check` cannot use: exit 2, so that 1 always means findings."""

    def __init__(self, error: NexusError) -> None:
        message = error.message or "nexus-pm check: fix the problems above, then check again"
        super().__init__(error.problems, message, exit_code=2)

    def lines(self, command: str) -> list[str]:
        from ..checks.escape import plain

        # Problems quote records and Dockerfiles: what a terminal would obey is escaped.
        # The last line says what to do; a count of problems would only repeat them.
        return [plain(line) for line in (*(str(p) for p in self.problems), self.message)]


def run(
    paths: list[Path] | None,
    *,
    fmt: str,
    output: Path | None,
    incidents: Path,
    config_file: Path,
    site_url: str | None,
) -> int:
    from ..checks.command import Format, render, run_check
    from ..checks.escape import plain
    from ..checks.report import is_report, summary
    from ..validate import load_records
    from . import settings

    try:
        chosen = Format(fmt)
    except ValueError:
        raise InvalidValue("--format", "must be text, json or sarif") from None
    for path in paths or []:
        if not path.exists():
            raise InvalidValue("PATHS", f"{display_path(path)} does not exist")
    try:
        result = run_check(
            paths or [],
            root=Path("."),
            load=lambda: (
                load_records([incidents], context=settings().context())
                if incidents.exists() or incidents.is_symlink()
                else []
            ),
            config_file=config_file,
            site_url=site_url,
        )
    except NexusError as exc:
        raise Unreadable(exc) from None
    report = render(result, chosen)
    if output is None:
        sys.stdout.write(report)
    else:
        write_output(output, report, is_report, "a report nexus-pm check wrote")
    for problem in result.outcome.errors:
        err(plain(str(problem)))
    err(summary(result.outcome))
    return result.outcome.exit_code
