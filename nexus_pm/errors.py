"""Problems found in input, and the one exception that carries them to the user."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, printed as `path:line: field: message`."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class NexusError(Exception):
    """Raised with every problem found; the CLI prints them one per line and exits 1."""

    def __init__(self, problems: Iterable[Problem] = (), message: str = "") -> None:
        self.problems = sorted(set(problems), key=_order)
        self.message = message
        super().__init__(
            "\n".join([str(p) for p in self.problems] + ([message] if message else []))
        )


def _order(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.path, problem.line, problem.field, problem.message)


def display_path(path: Path | str) -> str:
    """Show a path relative to the working directory when it lies below it, on one line."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        rel = ".."
    shown = text if rel.startswith("..") else rel.replace(os.sep, "/")
    # A line break in a file name would split one problem across two lines.
    return shown.translate(_CONTROL)


def one_line(text: str) -> str:
    """`text` with control characters escaped, so that it prints as one plain line."""
    return text.translate(_CONTROL)


_CONTROL = {code: f"\\x{code:02x}" for code in (*range(32), 127)}
