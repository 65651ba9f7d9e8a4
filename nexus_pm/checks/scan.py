"""Run the rules on each file, honour suppressions, and spot reverted fixes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NexusError, Problem, display_path
from ..loader import locate
from .base import Finding, Kind, ParseError, Rule
from .declared import ALL_KINDS, Chooser
from .files import FS_ERRORS, Config, read_confined, real, relative, why
from .links import Guard, IncidentRef
from .registry import DRIFT, RULES, SUPPRESSION, kind_for, unknown_rule

_DIRECTIVE = re.compile(r"^\s*#\s*nexus-pm\s*:\s*(.*)$", re.IGNORECASE)
_IGNORE = re.compile(r"^ignore\[([^\]]*)\]\s*(.*)$")
_COMMENT = re.compile(r"^\s*#")


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


def check_text(
    text: str, shown: str, kind: Kind[Any] | None, declared: Sequence[Rule[Any]] = ()
) -> list[Finding]:
    """The rules of `kind`, and the `declared` rules given, on one file's text.

    Each kind of reading (a Dockerfile, lines, documents) is parsed once for all its rules;
    raises ParseError, with the kind's name in `kinds` of the error.
    """
    findings: list[Finding] = []
    trees: dict[str, Any] = {}
    groups: list[tuple[Kind[Any], Sequence[Rule[Any]]]] = [(kind, kind.rules)] if kind else []
    groups += [(ALL_KINDS[rule.kind], (rule,)) for rule in declared]
    for reader, rules in groups:
        if reader.name not in trees:
            try:
                trees[reader.name] = reader.parse(text, shown)
            except ParseError as exc:
                exc.kind = reader.name
                raise
        findings.extend(f for rule in rules for f in rule.check(trees[reader.name]))
    return sorted(findings)


def suppressions(
    text: str, shown: str, rules: dict[str, Rule[Any]] | None = None
) -> tuple[dict[int, list[Suppression]], list[Finding]]:
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
        known = RULES if rules is None else rules
        problems = [unknown_rule(i, known) for i in ids if i not in known] or (
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
    rules: dict[str, Rule[Any]] | None = None,
) -> Outcome:
    """Check every file, then look for guarded fixes that no longer hold."""
    known = RULES if rules is None else rules
    choose = Chooser(list(known.values()))
    outcome = Outcome()
    unsuppressed: dict[Path, list[Finding]] = {}
    # One tuple per rule, shared by its findings, rather than a copy for each.
    incidents = {rule_id: tuple(found) for rule_id, found in refs.items()}
    for path in files:
        shown = display_path(path)
        kind = kind_for(path.name)
        rel = relative(path, root) if choose else None
        mine_declared = choose(rel) if rel is not None else []
        if kind is None and not mine_declared:
            continue
        try:
            text = read_confined(path, root)
            findings = check_text(text, shown, kind, mine_declared)
        except NexusError as exc:
            outcome.errors.extend(exc.problems)
            continue
        except ParseError as exc:
            outcome.errors.append(Problem(shown, exc.line, exc.kind or "file", exc.message))
            continue
        outcome.files.append(shown)
        accepted, bad = suppressions(text, shown, known)
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
            unsuppressed[real(path)] = mine
        for group in accepted.values():
            for sup in group:
                for rule_id in sup.rules:
                    if (sup.line, rule_id) not in used:
                        message = f"ignore[{rule_id}] suppresses nothing here; remove it"
                        bad.append(Finding(shown, sup.line, SUPPRESSION, message))
        outcome.entries.extend(Entry(f) for f in bad)
    drifted, problems = _drift(guards, unsuppressed, root, walked, config or Config(), known)
    outcome.entries.extend(drifted)
    outcome.errors.extend(problems)
    outcome.entries.sort(key=lambda e: e.finding)
    outcome.errors.sort()
    return outcome


def _drift(
    guards: Sequence[Guard],
    unsuppressed: dict[Path, list[Finding]],
    root: Path,
    walked: Sequence[Path],
    config: Config,
    rules: dict[str, Rule[Any]],
) -> tuple[list[Entry], list[Problem]]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    firsts: dict[Path, dict[str, Finding]] = {}
    for guard in guards:
        try:
            entries.extend(_guard(guard, unsuppressed, firsts, root, walked, config, rules))
        except FS_ERRORS as exc:
            # A record may name a path the file system refuses: a loop, an over-long name.
            where = ("fix", "changes", guard.change, "path")
            line = locate(guard.text, where) if guard.text else 1
            message = f"{display_path(root / guard.path)} {why(exc)}; drift cannot be checked"
            problems.append(
                Problem(guard.incident.source, line, ".".join(map(str, where)), message)
            )
    return list(dict.fromkeys(entries)), problems


def _guard(
    guard: Guard,
    unsuppressed: dict[Path, list[Finding]],
    firsts: dict[Path, dict[str, Finding]],
    root: Path,
    walked: Sequence[Path],
    config: Config,
    rules: dict[str, Rule[Any]],
) -> list[Entry]:
    """Drift for one guarded fix; raises OSError or RuntimeError from the file system."""
    entries: list[Entry] = []
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
                message = (
                    f"{incident.id} fix reverted: {rule_id} fails again ({rules[rule_id].title})"
                )
                entries.append(
                    Entry(Finding(shown, first[rule_id].line, DRIFT, message), (incident,))
                )
    elif not target.exists() and _covers(walked, target, root, config):
        message = (
            f"{incident.id} fix file is gone: {guard.path} no longer exists; "
            f"update fix.changes.{guard.change}.path in {incident.source}"
        )
        entries.append(Entry(Finding(shown, 1, DRIFT, message), (incident,)))
    return entries


def _covers(walked: Sequence[Path], target: Path, root: Path, config: Config) -> bool:
    rel = relative(target, root)
    if rel is not None and config.excluded(rel):
        return False
    return any(target.is_relative_to(top.resolve()) for top in walked)
