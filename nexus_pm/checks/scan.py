"""Find the files to check, run their rules, honour suppressions, and spot reverted fixes."""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NexusError, Problem, display_path
from ..loader import MAX_BYTES, read_text
from .base import Finding, Kind, ParseError
from .links import Guard, IncidentRef
from .registry import DRIFT, RULES, SUPPRESSION, kind_for, unknown_rule

#: Folders never worth scanning: VCS data, build output, dependencies and caches.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox"}
    | {".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}
)
_DIRECTIVE = re.compile(r"^\s*#\s*nexus-pm\s*:\s*(.*)$", re.IGNORECASE)
_IGNORE = re.compile(r"^ignore\[([^\]]*)\]\s*(.*)$")
_COMMENT = re.compile(r"^\s*#")


@dataclass(frozen=True)
class Config:
    """`[tool.nexus-pm.check]` in pyproject.toml."""

    exclude: tuple[str, ...] = ()

    def excluded(self, rel: str) -> bool:
        return any(fnmatch.fnmatchcase(rel, pattern) for pattern in self.exclude)


def load_config(root: Path) -> Config:
    """Read the check settings; a malformed table is an error, a missing one means defaults."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return Config()
    shown = display_path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        at = re.search(r"line (\d+)", str(exc))
        raise _error(
            shown, int(at.group(1)) if at else 1, "toml", f"cannot be read: {exc}"
        ) from None
    table = data.get("tool", {}).get("nexus-pm", {}).get("check", {})
    line = _line_of(path, "[tool.nexus-pm.check]")
    field_name = "tool.nexus-pm.check"
    if not isinstance(table, dict):
        raise _error(shown, line, field_name, "must be a table")
    unknown = sorted(set(table) - {"exclude"})
    if unknown:
        raise _error(
            shown, line, f"{field_name}.{unknown[0]}", "unknown setting; expected 'exclude'"
        )
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(p, str) and p for p in exclude):
        raise _error(shown, line, f"{field_name}.exclude", "must be a list of glob patterns")
    return Config(tuple(p.strip("/") for p in exclude))


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith(needle):
            return number
    return 1


def _error(path: str, line: int, field_name: str, message: str) -> NexusError:
    return NexusError([Problem(path, line, field_name, message)])


def discover(paths: Sequence[Path], root: Path, config: Config) -> tuple[list[Path], list[Problem]]:
    """Files to check: named files as given; under folders, files whose name has a kind."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(_walk(path, root, config))
        elif kind_for(path.name) is None:
            kinds = "Dockerfile, *.Dockerfile, Dockerfile.*"
            problems.append(
                Problem(
                    display_path(path), 1, "file", f"no rules check this kind of file ({kinds})"
                )
            )
        else:
            files.append(path)
    unique = {p.resolve(): p for p in reversed(files)}
    return sorted(unique.values(), key=display_path), problems


def _walk(top: Path, root: Path, config: Config) -> list[Path]:
    found: list[Path] = []
    for current, dirs, names in os.walk(top):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not _skip_dir(here / d, root, config))
        for name in sorted(names):
            path = here / name
            rel = _relative(path, root)
            if kind_for(name) is not None and not (rel and config.excluded(rel)) and path.is_file():
                found.append(path)
    return found


def _skip_dir(path: Path, root: Path, config: Config) -> bool:
    rel = _relative(path, root)
    if path.name in SKIP_DIRS or rel == "site" or (path / "pyvenv.cfg").exists():
        return True
    return rel is not None and (config.excluded(rel) or config.excluded(rel + "/"))


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


@dataclass(frozen=True)
class Suppression:
    """`# nexus-pm: ignore[rule-id] reason`: accepts that rule's finding on the next instruction."""

    line: int
    rules: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Entry:
    """A finding with the incidents it repeats, and the suppression that accepts it, if any."""

    finding: Finding
    incidents: tuple[IncidentRef, ...] = ()
    suppression: Suppression | None = None


@dataclass
class Outcome:
    """Everything one run found."""

    entries: list[Entry] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def active(self) -> list[Entry]:
        return [e for e in self.entries if e.suppression is None]

    @property
    def suppressed(self) -> list[Entry]:
        return [e for e in self.entries if e.suppression is not None]

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else 1 if self.active else 0


def check_text(text: str, shown: str, kind: Kind[Any]) -> list[Finding]:
    """Every rule of `kind` on one file's text; raises ParseError."""
    parsed = kind.parse(text, shown)
    return sorted(f for rule in kind.rules for f in rule.check(parsed))


def suppressions(text: str, shown: str) -> tuple[dict[int, list[Suppression]], list[Finding]]:
    """Valid suppressions by the line they apply to, and findings for malformed ones."""
    lines = text.split("\n")
    found: dict[int, list[Suppression]] = {}
    bad: list[Finding] = []
    # A suppression covers the instruction below it, past any comments in between. Which line
    # that is gets worked out once, from the bottom up, not by a scan down from each directive.
    covered = [0] * (len(lines) + 2)
    covered[len(lines) + 1] = len(lines) + 1
    for number in range(len(lines), 0, -1):
        comment = _COMMENT.match(lines[number - 1])
        covered[number] = covered[number + 1] if comment else number
    for number, line in enumerate(lines, 1):
        directive = _DIRECTIVE.match(line)
        if not directive:
            continue
        match = _IGNORE.match(directive.group(1).strip())
        if not match:
            bad.append(
                Finding(shown, number, SUPPRESSION, "write '# nexus-pm: ignore[rule-id] reason'")
            )
            continue
        ids = tuple(part.strip() for part in match.group(1).split(",") if part.strip())
        reason = match.group(2).strip()
        problems = [unknown_rule(i) for i in ids if i not in RULES] or (
            ["ignore[] names no rule"] if not ids else []
        )
        if not reason:
            problems.append(
                f"ignore[{', '.join(ids)}] gives no reason; say why the finding is accepted"
            )
        bad.extend(Finding(shown, number, SUPPRESSION, p) for p in problems)
        if problems:
            continue
        found.setdefault(covered[number + 1], []).append(Suppression(number, ids, reason))
    return found, bad


def scan(
    files: Sequence[Path],
    refs: dict[str, list[IncidentRef]],
    guards: Sequence[Guard],
    *,
    root: Path,
    walked: Sequence[Path] = (),
    config: Config | None = None,
) -> Outcome:
    """Check every file, then look for guarded fixes that no longer hold."""
    outcome = Outcome()
    unsuppressed: dict[Path, list[Finding]] = {}
    # One tuple per rule, shared by its findings, rather than a copy for each.
    incidents = {rule_id: tuple(found) for rule_id, found in refs.items()}
    for path in files:
        shown = display_path(path)
        kind = kind_for(path.name)
        if kind is None:
            continue
        try:
            text = read_text(path, max_bytes=MAX_BYTES)
            findings = check_text(text, shown, kind)
        except NexusError as exc:
            outcome.errors.extend(exc.problems)
            continue
        except ParseError as exc:
            outcome.errors.append(Problem(shown, exc.line, kind.name, exc.message))
            continue
        outcome.files.append(shown)
        accepted, bad = suppressions(text, shown)
        # The first suppression of each (line, rule), so that a finding looks its cover up
        # instead of trying every suppression of its line.
        covers: dict[tuple[int, str], Suppression] = {}
        for line, group in accepted.items():
            for sup in group:
                for rule_id in sup.rules:
                    covers.setdefault((line, rule_id), sup)
        used: set[tuple[int, str]] = set()
        mine: list[Finding] = []
        for finding in findings:
            cover = covers.get((finding.line, finding.rule))
            if cover is not None:
                used.add((cover.line, finding.rule))
            else:
                mine.append(finding)
            outcome.entries.append(Entry(finding, incidents.get(finding.rule, ()), cover))
        if mine:
            unsuppressed[path.resolve()] = mine
        for group in accepted.values():
            for sup in group:
                for rule_id in sup.rules:
                    if (sup.line, rule_id) not in used:
                        message = f"ignore[{rule_id}] suppresses nothing here; remove it"
                        bad.append(Finding(shown, sup.line, SUPPRESSION, message))
        outcome.entries.extend(Entry(f) for f in bad)
    outcome.entries.extend(_drift(guards, unsuppressed, root, walked, config or Config()))
    outcome.entries.sort(key=lambda e: e.finding)
    outcome.errors.sort()
    return outcome


def _drift(
    guards: Sequence[Guard],
    unsuppressed: dict[Path, list[Finding]],
    root: Path,
    walked: Sequence[Path],
    config: Config,
) -> list[Entry]:
    entries: list[Entry] = []
    firsts: dict[Path, dict[str, Finding]] = {}
    for guard in guards:
        target = (root / guard.path).resolve()
        shown = display_path(root / guard.path)
        incident = guard.incident
        if target in unsuppressed:
            first = firsts.get(target)
            if first is None:
                # The first finding of each rule in the file, found once for all its guards.
                first = firsts[target] = {}
                for finding in unsuppressed[target]:
                    first.setdefault(finding.rule, finding)
            for rule_id in guard.rules:
                if rule_id in first:
                    message = f"{incident.id} fix reverted: {rule_id} fails again ({RULES[rule_id].title})"
                    entries.append(
                        Entry(Finding(shown, first[rule_id].line, DRIFT, message), (incident,))
                    )
        elif not target.exists() and _covers(walked, target, root, config):
            message = (
                f"{incident.id} fix file is gone: {guard.path} no longer exists; "
                f"update fix.changes.{guard.change}.path in {incident.source}"
            )
            entries.append(Entry(Finding(shown, 1, DRIFT, message), (incident,)))
    return list(dict.fromkeys(entries))


def _covers(walked: Sequence[Path], target: Path, root: Path, config: Config) -> bool:
    rel = _relative(target, root)
    if rel is not None and config.excluded(rel):
        return False
    return any(target.is_relative_to(top.resolve()) for top in walked)
