"""Problems found in input, and the one exception that carries them to the user."""

from __future__ import annotations

import os
import re
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

    @property
    def rule(self) -> str:
        """For a finding of `nexus-pm check`, the field is the id of the rule it breaks."""
        return self.field


class NexusError(Exception):
    """Raised with every problem found; the CLI prints `lines()` and exits with `exit_code`."""

    def __init__(
        self, problems: Iterable[Problem] = (), message: str = "", *, exit_code: int = 1
    ) -> None:
        self.problems = sorted(set(problems), key=_order)
        self.message = message
        self.exit_code = exit_code
        super().__init__(
            "\n".join([str(p) for p in self.problems] + ([message] if message else []))
        )

    def lines(self, command: str) -> list[str]:
        """What the CLI prints, given the command path: problems, message, then a count."""
        lines = [str(p) for p in self.problems] + ([self.message] if self.message else [])
        if self.problems:
            files = len({p.path for p in self.problems})
            count = len(self.problems)
            lines.append(
                f"{count} problem{'s' if count != 1 else ''}"
                f" in {files} file{'s' if files != 1 else ''}"
            )
        return lines


class UsageError(NexusError):
    """A bad or missing value from the user: one line naming the option, exit 2."""

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(message=f"{param}: {reason}" if param else reason, exit_code=2)
        self.param = param
        self.reason = reason

    def lines(self, command: str) -> list[str]:
        return [f"{command}: {self.message}"]


class InvalidValue(UsageError):
    """A value that passed its option's parser but not the command: said in Click's words."""

    def lines(self, command: str) -> list[str]:
        # As Click words a parser's refusal, so that both kinds of error read alike.
        text = f"Invalid value for {self.param}: {self.reason}"
        return [f"{command}: {one_line(' '.join(text.split()))}"]


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


# C0, DEL and C1 as `\x1b`, and the bidi embeddings, overrides and isolates as `\u202e`: a
# terminal acts on the first ones, and the others reorder the rest of the line as shown.
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(32), *range(127, 160))} | {
    code: f"\\u{code:04x}" for code in _BIDI
}
#: The bidi embeddings, overrides and isolates, which YAML and JSON carry as they are.
BIDI = re.compile("[" + "".join(map(chr, _BIDI)) + "]")
