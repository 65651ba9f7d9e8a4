"""What every check is made of: rules, the findings they return, and the file kinds they read."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from ..errors import Problem


class Parsed(Protocol):
    """A parsed file: rules read it, findings point into it by `path` and line."""

    @property
    def path(self) -> str: ...


P = TypeVar("P", bound=Parsed)


class ParseError(ValueError):
    """A file that cannot be read as its kind; carries the line to blame."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        #: The kind the file was read as, set by whoever knows it.
        self.kind = ""


#: One place where a rule fails, `path:line: rule: message`: the same type as any problem.
Finding = Problem


#: What a rule's function yields: the line and the message; the rule adds the rest.
Hit = tuple[int, str]


@dataclass(frozen=True)
class Rule(Generic[P]):
    """A prevention item made executable."""

    id: str
    title: str
    rationale: str
    kind: str
    func: Callable[[P], Iterable[Hit]] = field(repr=False, compare=False)
    #: A declared rule's repo globs; built-in rules read the files their kind names.
    files: tuple[str, ...] = ()
    #: Snippet languages that prove a declared rule, besides those of its kind.
    languages: tuple[str, ...] = ()
    severity: str = "error"
    #: The fix in one line (declared rules; a built-in rule's rationale says it).
    fix: str = ""
    #: Where a declared rule is written, `path:line`; empty for built-in rules.
    origin: str = ""
    #: Whether a repo-relative path is one the rule reads (declared rules only).
    wants: Callable[[str], bool] | None = field(default=None, repr=False, compare=False)

    def check(self, parsed: P) -> list[Finding]:
        """Every place in `parsed` that breaks the rule, in line order."""
        hits = sorted(set(self.func(parsed)))
        return [Finding(parsed.path, line, self.id, message) for line, message in hits]


@dataclass(frozen=True)
class Kind(Generic[P]):
    """A kind of file that rules read: how to find it by name and how to parse it."""

    name: str
    #: Glob patterns matched against the file name alone.
    patterns: tuple[str, ...]
    #: Patterns that look like a match but are something else (`Dockerfile.dockerignore`).
    not_patterns: tuple[str, ...]
    #: The `language` of record snippets that are fixtures for this kind's rules.
    languages: tuple[str, ...]
    #: Reads a whole file's text; raises ParseError.
    parse: Callable[[str, str], P] = field(repr=False)
    #: Reads a record snippet, which may be a fragment of a file; raises ParseError.
    parse_snippet: Callable[[str, str], P] = field(repr=False)
    rules: tuple[Rule[Any], ...] = ()

    def matches(self, name: str) -> bool:
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.not_patterns):
            return False
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.patterns)
