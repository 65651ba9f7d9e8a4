"""How records link to rules: `check:` ids, their proof on the fix's snippets, and drift guards."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, display_path
from ..layout import page_uri, page_url
from ..loader import Record, locate
from ..memo import ByRecord
from ..models import Incident
from ..record_parts import Change
from .base import Finding, Kind, ParseError, Rule
from .declared import ALL_KINDS, format_of
from .registry import RULES, unknown_rule
from .ruleset import build, load_shared
from .site_settings import SiteSettings as SiteSettings
from .site_settings import site_settings as site_settings


@dataclass(frozen=True)
class Fix:
    """A fix to show next to a finding: the incident's after snippet."""

    title: str
    path: str
    language: str
    code: str


@dataclass(frozen=True)
class IncidentRef:
    """An incident behind a rule: what a finding names and links to."""

    id: str
    title: str
    url: str | None
    source: str
    items: tuple[str, ...]
    fixes: tuple[Fix, ...]


@dataclass(frozen=True)
class Guard:
    """A fix that names its repo file: the rules it satisfied must keep passing there
    (`change`: that change's index in the fix's `changes`)."""

    incident: IncidentRef
    path: str
    change: int
    rules: tuple[str, ...]
    #: The record's text, to find the line of `fix.changes[change].path` if it cannot be read.
    text: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class Proof:
    """What a rule makes of one change's snippets."""

    change: int
    before: list[Finding] | None
    after: list[Finding] | None
    error: str | None = None


def linked(record: Record) -> dict[str, list[int]]:
    """Rule ids that the record's checklist links, with the items that link each."""
    found: dict[str, list[int]] = {}
    for index, item in enumerate(record.incident.prevention.checklist):
        rule_id = item.rule.id if item.rule is not None else item.check
        if rule_id:
            found.setdefault(rule_id, []).append(index)
    return found


#: Snippets already read, by (kind, name, side, code): the tree, or why it cannot be read; and
#: rules already run, by (rule, name, side, code). Identical snippets cost one parse and one run.
Parsed = dict[tuple[str, str, str, str], Any]


def prove(rule: Rule[Any], incident: Incident, parsed: Parsed | None = None) -> list[Proof]:
    """Run `rule` on every before/after snippet of the incident in the rule's language.

    Pass the same `parsed` for every rule of one incident and each snippet is parsed once,
    and each rule runs once on it.
    """
    kind = ALL_KINDS[rule.kind]
    proofs = []
    for index, change in enumerate(incident.fix.changes if incident.fix else []):
        try:
            before = _run(rule, kind, change, index, "before", parsed)
            after = _run(rule, kind, change, index, "after", parsed)
        except ParseError as exc:
            proofs.append(Proof(index, None, None, exc.message))
            continue
        if before is not None or after is not None:
            proofs.append(Proof(index, before, after))
    return proofs


def _run(
    rule: Rule[Any],
    kind: Kind[Any],
    change: Change,
    index: int,
    side: str,
    parsed: Parsed | None = None,
) -> list[Finding] | None:
    snippet = change.before if side == "before" else change.after
    language = snippet.language.lower()
    name = side
    if rule.wants is not None:
        # A declared rule proves on snippets of the files it reads, or in its languages.
        if not (rule.wants(snippet.path) or language in (*rule.languages, *kind.languages)):
            return None
        name = snippet.path if format_of(snippet.path) else f"{snippet.path}.{language}"
    elif language not in kind.languages:
        return None
    cache: Parsed = {} if parsed is None else parsed
    checked = ("rule " + rule.id, name, side, snippet.code)
    if checked in cache:
        findings: list[Finding] = cache[checked]
        return findings
    key = (kind.name, name, side, snippet.code)
    if key not in cache:
        try:
            cache[key] = kind.parse_snippet(snippet.code, name)
        except ParseError as exc:
            cache[key] = exc
    tree = cache[key]
    if isinstance(tree, ParseError):
        where = f"fix.changes.{index}.{side}"
        message = (
            f"cannot read the {side} snippet ({where}) at its line {tree.line}: {tree.message}"
        )
        raise ParseError(tree.line, message)
    findings = cache[checked] = rule.check(tree)
    return findings


def record_check_problems(
    records: Sequence[Record], shared: Sequence[Rule[Any]] = (), memo: ByRecord[Any] | None = None
) -> list[Problem]:
    """Unknown rule ids, clashing rule ids, and rules that miss the before or pass the after.

    `shared` are the rules under `rules/`; rules written in checklist items come from records.
    With `memo` (serve), a record is proved again only if it, or a rule it links, changed.
    """
    ruleset = build(records, shared)
    rules = ruleset.rules
    problems: list[Problem] = list(ruleset.problems)
    # One cache for all records: many repeat the same snippet, and a verdict depends only on
    # the rule, the snippet's name and side, and its code.
    parsed: Parsed = {}

    def one(record: Record) -> list[Problem]:
        return link_problems(record, rules, parsed)

    def linked_rules(record: Record) -> tuple[object, ...]:
        # The rule objects themselves: a rule written anew (shared or inline) is a new
        # object, and an unknown id's message names the known ones, so it is never reused.
        return tuple(rules.get(rule_id) or object() for rule_id in linked(record))

    found = map(one, records) if memo is None else memo.all(records, one, linked_rules)
    for record_problems in found:
        problems.extend(record_problems)
    return problems


def link_problems(record: Record, rules: dict[str, Rule[Any]], parsed: Parsed) -> list[Problem]:
    """One record's links: unknown rule ids, and rules its own snippets do not prove."""
    problems: list[Problem] = []
    # Items that link the same rule share its verdict: it is worked out once per record.
    verdicts: dict[str, list[str]] = {}
    for index, item in enumerate(record.incident.prevention.checklist):
        rule_id = item.rule.id if item.rule is not None else item.check
        if not rule_id:
            continue
        if rule_id not in verdicts:
            rule = rules.get(rule_id)
            verdicts[rule_id] = (
                [unknown_rule(rule_id, rules)]
                if rule is None
                else _disproof(rule, record.incident, parsed)
            )
        messages = verdicts[rule_id]
        if not messages:
            continue
        # Finding the line parses the YAML again, so only items with a problem pay for it.
        written = "rule" if item.rule is not None else "check"
        loc = ("prevention", "checklist", index, written)
        line = locate(record.text, loc)
        field = ".".join(map(str, loc))
        problems.extend(Problem(display_path(record.path), line, field, m) for m in messages)
    return problems


def _disproof(rule: Rule[Any], incident: Incident, parsed: Parsed | None = None) -> list[str]:
    proofs = prove(rule, incident, parsed)
    name = f"rule {rule.id}"
    kind = ALL_KINDS[rule.kind].name
    messages = [f"{name} cannot be proved: {p.error}" for p in proofs if p.error]
    befores = [p for p in proofs if p.before is not None]
    if not befores and not messages and rule.wants is not None:
        return [
            f"{name} reads {', '.join(rule.files)}, but no before/after snippet of the incident "
            "(fix.changes) has a path it matches or a language it reads "
            f"({', '.join(rule.languages) or 'none'}); add one or drop the rule"
        ]
    if not befores and not messages:
        return [
            f"{name} checks {kind} files, but the incident has no {kind} before/after snippet "
            "(fix.changes) to prove it on; add one or drop the check"
        ]
    if befores and not any(p.before for p in befores):
        where = ", ".join(f"fix.changes.{p.change}.before" for p in befores)
        messages.append(
            f"{name} does not flag the incident's before snippet ({where}); the lesson is not encoded"
        )
    for proof in proofs:
        for finding in (proof.after or [])[:1]:
            messages.append(
                f"{name} flags the incident's after snippet (fix.changes.{proof.change}.after) "
                f"at its line {finding.line}: {finding.message}; the fix does not pass the rule"
            )
    return messages


def incident_refs(
    records: Sequence[Record],
    site_url: str | None,
    *,
    directory_urls: bool = True,
    rules: dict[str, Rule[Any]] | None = None,
) -> tuple[dict[str, list[IncidentRef]], list[Guard]]:
    """For each rule, the incidents that link it; and the fixes to guard against drift."""
    known = RULES if rules is None else rules
    refs: dict[str, list[IncidentRef]] = {}
    guards: list[Guard] = []
    for record in sorted(records, key=lambda r: r.incident.id):
        incident = record.incident
        url = page_url(site_url, page_uri(incident), directory_urls=directory_urls)
        # The incident as a finding names it; the items and fixes differ by use.
        ref_of = functools.partial(
            IncidentRef, incident.id, incident.title, url, display_path(record.path)
        )
        checklist = incident.prevention.checklist
        changes = incident.fix.changes if incident.fix else []
        guarded: dict[int, list[str]] = {}
        links = sorted(linked(record).items())
        parsed: Parsed = {}
        for rule_id, items in links:
            rule = known.get(rule_id)
            if rule is None:
                continue
            proved = [p.change for p in prove(rule, incident, parsed) if p.before]
            ref = ref_of(
                tuple(checklist[i].text for i in items), tuple(_fix(changes[i]) for i in proved)
            )
            refs.setdefault(rule_id, []).append(ref)
            for index in proved:
                guarded.setdefault(index, []).append(rule_id)
        every_item = tuple(checklist[i].text for _, items in links for i in items)
        for index, rule_ids in sorted(guarded.items()):
            path = changes[index].path
            if path:
                whole = ref_of(every_item, (_fix(changes[index]),))
                guards.append(Guard(whole, path, index, tuple(rule_ids), record.text))
    return refs, guards


def _fix(change: Change) -> Fix:
    return Fix(change.title, change.after.path, change.after.language, change.after.code)


@dataclass(frozen=True)
class RuleEntry:
    """One rule on the Rules page, with the incidents and checklist items behind it."""

    rule: Rule[Any]
    patterns: tuple[str, ...]
    incidents: tuple[tuple[Record, tuple[str, ...]], ...]


def rule_entries(
    records: Sequence[Record], rules: dict[str, Rule[Any]] | None = None
) -> list[RuleEntry]:
    """Every rule, by id, with the records that link it, by incident id.

    Without `rules`: the built-in ones, those of `rules/` in the working folder, and those
    the records write.
    """
    if rules is None:
        rules = build(records, load_shared(Path("."))[0]).rules
    behind: dict[str, list[tuple[Record, tuple[str, ...]]]] = {}
    for record in sorted(records, key=lambda r: r.incident.id):
        checklist = record.incident.prevention.checklist
        for rule_id, items in linked(record).items():
            behind.setdefault(rule_id, []).append((record, tuple(checklist[i].text for i in items)))
    return [
        RuleEntry(rule, rule.files or ALL_KINDS[rule.kind].patterns, tuple(behind.get(rule_id, [])))
        for rule_id, rule in sorted(rules.items())
    ]
