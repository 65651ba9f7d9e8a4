"""How records link to rules: `check:` ids, their proof on the fix's snippets, and drift guards."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import NexusError, Problem, display_path
from ..layout import page_uri, page_url
from ..loader import Record, locate
from ..models import Incident
from ..record_parts import Change
from .base import Finding, Kind, ParseError, Rule
from .files import read_confined
from .registry import KIND_BY_NAME, RULES, unknown_rule


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
    """A fix that names its repo file: the rules it satisfied must keep passing there."""

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
        if item.check:
            found.setdefault(item.check, []).append(index)
    return found


#: Snippets already read, by (kind, side, code): the tree, or why it cannot be read; and
#: rules already run, by (rule, side, code). Identical snippets cost one parse and one run.
Parsed = dict[tuple[str, str, str], Any]


def prove(rule: Rule[Any], incident: Incident, parsed: Parsed | None = None) -> list[Proof]:
    """Run `rule` on every before/after snippet of the incident in the rule's language.

    Pass the same `parsed` for every rule of one incident and each snippet is parsed once,
    and each rule runs once on it.
    """
    kind = KIND_BY_NAME[rule.kind]
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
    if snippet.language.lower() not in kind.languages:
        return None
    cache: Parsed = {} if parsed is None else parsed
    checked = ("rule " + rule.id, side, snippet.code)
    if checked in cache:
        findings: list[Finding] = cache[checked]
        return findings
    key = (kind.name, side, snippet.code)
    if key not in cache:
        try:
            cache[key] = kind.parse_snippet(snippet.code, side)
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


def record_check_problems(records: Iterable[Record]) -> list[Problem]:
    """Unknown rule ids, and linked rules that miss the incident's before or pass its after."""
    problems: list[Problem] = []
    for record in records:
        parsed: Parsed = {}
        # Items that link the same rule share its verdict: it is worked out once per record.
        verdicts: dict[str, list[str]] = {}
        for index, item in enumerate(record.incident.prevention.checklist):
            if not item.check:
                continue
            if item.check not in verdicts:
                rule = RULES.get(item.check)
                verdicts[item.check] = (
                    [unknown_rule(item.check)]
                    if rule is None
                    else _disproof(rule, record.incident, parsed)
                )
            messages = verdicts[item.check]
            if not messages:
                continue
            # Finding the line parses the YAML again, so only items with a problem pay for it.
            loc = ("prevention", "checklist", index, "check")
            line = locate(record.text, loc)
            field = ".".join(map(str, loc))
            problems.extend(Problem(display_path(record.path), line, field, m) for m in messages)
    return problems


def _disproof(rule: Rule[Any], incident: Incident, parsed: Parsed | None = None) -> list[str]:
    proofs = prove(rule, incident, parsed)
    name = f"rule {rule.id}"
    kind = KIND_BY_NAME[rule.kind].name
    messages = [f"{name} cannot be proved: {p.error}" for p in proofs if p.error]
    befores = [p for p in proofs if p.before is not None]
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


@dataclass(frozen=True)
class SiteSettings:
    """What findings need from mkdocs.yml to link to the site."""

    site_url: str | None = None
    directory_urls: bool = True
    repo_url: str | None = None


def site_settings(config_file: Path, root: Path | None = None) -> SiteSettings:
    """`site_url`, `use_directory_urls` and `repo_url` from mkdocs.yml; no file, no links.

    With `root`, a config file that links out of it is refused, as records are.
    """
    if not config_file.is_file():
        return SiteSettings()
    text = read_confined(config_file, root) if root is not None else None
    from mkdocs.utils.yaml import get_yaml_loader

    class Loader(get_yaml_loader()):  # type: ignore[misc]
        """mkdocs' loader (for !ENV), reading any other tag as nothing: few keys matter here."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    shown = display_path(config_file)
    try:
        if text is not None:
            data = yaml.load(text, Loader=Loader)  # built on yaml.SafeLoader
        else:
            with config_file.open(encoding="utf-8") as handle:
                data = yaml.load(handle, Loader=Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        message = f"cannot read the MkDocs configuration: {str(exc).splitlines()[0]}"
        raise NexusError([Problem(shown, 1, "site_url", message)]) from None
    if not isinstance(data, dict):
        return SiteSettings()
    site_url, repo_url = data.get("site_url"), data.get("repo_url")
    return SiteSettings(
        str(site_url) if site_url else None,
        bool(data.get("use_directory_urls", True)),
        str(repo_url) if repo_url else None,
    )


def incident_refs(
    records: Sequence[Record], site_url: str | None, *, directory_urls: bool = True
) -> tuple[dict[str, list[IncidentRef]], list[Guard]]:
    """For each rule, the incidents that link it; and the fixes to guard against drift."""
    refs: dict[str, list[IncidentRef]] = {}
    guards: list[Guard] = []
    for record in sorted(records, key=lambda r: r.incident.id):
        incident = record.incident
        url = page_url(site_url, page_uri(incident), directory_urls=directory_urls)
        checklist = incident.prevention.checklist
        changes = incident.fix.changes if incident.fix else []
        guarded: dict[int, list[str]] = {}
        links = sorted(linked(record).items())
        parsed: Parsed = {}
        for rule_id, items in links:
            rule = RULES.get(rule_id)
            if rule is None:
                continue
            proved = [p.change for p in prove(rule, incident, parsed) if p.before]
            ref = IncidentRef(
                incident.id,
                incident.title,
                url,
                display_path(record.path),
                tuple(checklist[i].text for i in items),
                tuple(_fix(changes[i]) for i in proved),
            )
            refs.setdefault(rule_id, []).append(ref)
            for index in proved:
                guarded.setdefault(index, []).append(rule_id)
        every_item = tuple(checklist[i].text for _, items in links for i in items)
        for index, rule_ids in sorted(guarded.items()):
            path = changes[index].path
            if path:
                whole = IncidentRef(
                    incident.id,
                    incident.title,
                    url,
                    display_path(record.path),
                    every_item,
                    (_fix(changes[index]),),
                )
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


def rule_entries(records: Iterable[Record]) -> list[RuleEntry]:
    """Every rule, by id, with the records that link it, by incident id."""
    behind: dict[str, list[tuple[Record, tuple[str, ...]]]] = {}
    for record in sorted(records, key=lambda r: r.incident.id):
        checklist = record.incident.prevention.checklist
        for rule_id, items in linked(record).items():
            behind.setdefault(rule_id, []).append((record, tuple(checklist[i].text for i in items)))
    return [
        RuleEntry(rule, KIND_BY_NAME[rule.kind].patterns, tuple(behind.get(rule_id, [])))
        for rule_id, rule in sorted(RULES.items())
    ]
