"""Findings as text for people, JSON for scripts, and SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..errors import NexusError, Problem
from ..layout import page_url, rule_anchor
from .base import Finding, Rule
from .escape import code_span, fence, json_safe, link_target, markdown_text, plain
from .files import FS_ERRORS, read_confined
from .links import IncidentRef, SiteSettings
from .registry import DRIFT, META_RULES, RULES
from .scan import Entry, Outcome

#: A declared rule's severity as a SARIF level.
_LEVELS = {"error": "error", "warning": "warning", "note": "note"}
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: Code scanning's tags for each rule, and its security severity (0.1-10) where the rule
#: is about security: GitHub ranks alerts tagged `security` by it.
RULE_TAGS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "dockerfile/root-user": (("security", "container"), "6.5"),
    "dockerfile/copy-from-root": (("reliability", "container", "permissions"), None),
    "dockerfile/env-path-root": (("reliability", "container", "permissions"), None),
    "dockerfile/pip-user-install": (("reliability", "container", "permissions"), None),
    "dockerfile/missing-healthcheck": (("reliability", "container"), None),
    DRIFT: (("regression",), None),
    "suppression": (("maintainability",), None),
}


def repeats(entry: Entry) -> str:
    if not entry.incidents or entry.finding.rule == DRIFT:
        return ""
    return " (repeats " + "; ".join(f"{i.id}: {i.title}" for i in entry.incidents) + ")"


def text_report(outcome: Outcome) -> str:
    """One line per finding, its incident pages below it, and each incident's fix once."""
    lines: list[str] = []
    shown: dict[str, IncidentRef] = {}
    for entry in outcome.active:
        lines.append(f"{entry.finding}{repeats(entry)}")
        for incident in entry.incidents:
            if incident.url:
                lines.append(f"    see {incident.url}")
            shown.setdefault(incident.id, incident)
    for incident in sorted(shown.values(), key=lambda i: i.id):
        for fix in incident.fixes:
            lines += ["", f"{incident.id} fixed it in {fix.path} ({fix.title}):"]
            lines += [f"    {line}".rstrip() for line in fix.code.rstrip("\n").split("\n")]
    # Every part comes from a Dockerfile or a record: escape what a terminal would obey.
    return "".join(plain(line) + "\n" for line in lines)


# The first line of a text report: a finding, `path:line: rule: message`.
_FINDING = re.compile(r"[^\n]*:[0-9]+: [a-z0-9-]+(/[a-z0-9-]+)?: [^\n]*")


def is_report(text: str) -> bool:
    """True for what `check --output` writes, in any format: only that may be written over."""
    if _FINDING.match(text):
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    if not isinstance(data, dict):
        return False
    if set(data) == {"findings", "suppressed", "errors", "files", "summary"}:
        return True
    runs = data.get("runs")
    return (
        data.get("version") == "2.1.0"
        and isinstance(runs, list)
        and all(
            isinstance(run, dict)
            and isinstance(run.get("tool"), dict)
            and isinstance(run["tool"].get("driver"), dict)
            and run["tool"]["driver"].get("name") == "nexus-pm"
            for run in runs
        )
    )


def summary(outcome: Outcome) -> str:
    files = len(outcome.files)
    count = len(outcome.active)
    text = f"{count or 'no'} finding{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    if outcome.suppressed:
        text += f" ({len(outcome.suppressed)} suppressed)"
    if outcome.errors:
        text += f"; {len(outcome.errors)} file{'s' if len(outcome.errors) != 1 else ''} could not be checked"
    return text


def _incident(incident: IncidentRef) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "url": incident.url,
        "record": incident.source,
        "checklist": list(incident.items),
        "fixes": [
            {"title": f.title, "path": f.path, "language": f.language, "code": f.code}
            for f in incident.fixes
        ],
    }


def _entry(entry: Entry) -> dict[str, Any]:
    f = entry.finding
    data: dict[str, Any] = {"path": f.path, "line": f.line, "rule": f.rule, "message": f.message}
    data["incidents"] = [_incident(i) for i in entry.incidents]
    if entry.suppression is not None:
        data["suppression"] = {"line": entry.suppression.line, "reason": entry.suppression.reason}
    return data


def _problem(problem: Problem) -> dict[str, Any]:
    return dataclasses.asdict(problem)


def json_report(outcome: Outcome) -> str:
    data = {
        "findings": [_entry(e) for e in outcome.active],
        "suppressed": [_entry(e) for e in outcome.suppressed],
        "errors": [_problem(p) for p in outcome.errors],
        "files": outcome.files,
        "summary": {
            "files": len(outcome.files),
            "findings": len(outcome.active),
            "suppressed": len(outcome.suppressed),
            "errors": len(outcome.errors),
        },
    }
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def _uri(path: str) -> str:
    posix = PurePosixPath(path)
    return posix.as_uri() if posix.is_absolute() else quote(path)


def _location(path: str, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(path)},
            "region": {"startLine": max(line, 1)},
        }
    }


def _help_markdown(rule_id: str, rationale: str, incidents: list[IncidentRef]) -> str:
    # The rationale is ours; titles, paths and code come from records, so each is escaped,
    # code-spanned or fenced such that it cannot add a link, an image or HTML to the alert.
    # Incident ids need nothing: they match ID_PATTERN, letters, digits and '-'.
    parts = [rationale]
    if incidents:
        parts.append("Incidents behind this rule:")
        parts.append("\n".join(_incident_item(i) for i in incidents))
        for incident in incidents:
            for fix in incident.fixes:
                parts.append(f"How {incident.id} fixed it, in {code_span(fix.path)}:")
                parts.append(fence(fix.code, fix.language))
    else:
        parts.append(f"No incident links `{rule_id}` yet.")
    return "\n\n".join(parts)


def _incident_item(incident: IncidentRef) -> str:
    text = f"{incident.id}: {markdown_text(incident.title)}"
    target = link_target(incident.url)
    return f"- [{text}]({target})" if target else f"- {text}"


def sarif_report(
    outcome: Outcome,
    refs: dict[str, list[IncidentRef]],
    site: SiteSettings,
    rules_known: dict[str, Rule[Any]] | None = None,
) -> str:
    """A SARIF 2.1.0 log: every rule with its incidents, results with in-source suppressions."""
    known = RULES if rules_known is None else rules_known
    described = {rid: (r.title, r.rationale) for rid, r in sorted(known.items())} | META_RULES
    levels = {rid: _LEVELS.get(r.severity, "error") for rid, r in known.items()}
    rules_url = page_url(site.site_url, "rules.md", directory_urls=site.directory_urls)
    rules: list[dict[str, Any]] = []
    for rule_id, (title, rationale) in described.items():
        incidents = refs.get(rule_id, [])
        rule: dict[str, Any] = {
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.replace("/", "-").split("-")),
            "shortDescription": {"text": title},
            "fullDescription": {"text": rationale},
            "help": {"text": rationale, "markdown": _help_markdown(rule_id, rationale, incidents)},
            "defaultConfiguration": {"level": levels.get(rule_id, "error")},
            "properties": _rule_properties(rule_id, incidents),
        }
        if rules_url:
            rule["helpUri"] = f"{rules_url}#{rule_anchor(rule_id)}"
        rules.append(rule)
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    fingerprints = _fingerprints(outcome.entries)
    results = [
        _result(entry, index, levels, fp)
        for entry, fp in zip(outcome.entries, fingerprints, strict=True)
    ]
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{p.field}: {p.message}"},
            "locations": [_location(p.path, p.line)],
        }
        for p in outcome.errors
    ]
    driver: dict[str, Any] = {"name": "nexus-pm", "version": __version__, "rules": rules}
    if site.repo_url:
        driver["informationUri"] = site.repo_url
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [
            {"executionSuccessful": not outcome.errors, "toolExecutionNotifications": notifications}
        ],
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_safe(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _rule_properties(rule_id: str, incidents: list[IncidentRef]) -> dict[str, Any]:
    tags, severity = RULE_TAGS.get(rule_id, ((), None))
    properties: dict[str, Any] = {
        "incidents": [i.id for i in incidents],
        "tags": ["nexus-pm", "postmortem", *tags],
    }
    if severity is not None:
        properties["security-severity"] = severity
    return properties


def _fingerprints(entries: list[Entry]) -> list[str]:
    """For each result, a hash of its rule, its file and the text of its line, not the
    line's number: an edit elsewhere in the file keeps it, so code scanning keeps the alert.

    Identical lines breaking one rule in one file are told apart by their order, as
    code scanning's own `primaryLocationLineHash` does (`hash:1`, `hash:2`, ...).
    """
    texts: dict[str, list[str] | None] = {}
    seen: dict[str, int] = {}
    found = []
    for entry in entries:
        f = entry.finding
        if f.path not in texts:
            texts[f.path] = _lines(f.path)
        lines = texts[f.path]
        if lines is not None and 0 < f.line <= len(lines):
            text = " ".join(lines[f.line - 1].split())
        else:
            # No line to read (drift names a file that may be gone): the message stands in.
            text = f.message
        key = "\0".join((f.rule, f.path, text))
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        found.append(f"{digest}:{seen[digest]}")
    return found


def _lines(path: str) -> list[str] | None:
    """The lines of a file that was just checked, read confined as the scan read it."""
    try:
        return read_confined(Path(path), Path.cwd()).splitlines()
    except (NexusError, *FS_ERRORS):
        return None


def _result(
    entry: Entry, index: dict[str, int], levels: dict[str, str], fingerprint: str
) -> dict[str, Any]:
    f: Finding = entry.finding
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": levels.get(f.rule, "error"),
        "message": {"text": f.message + repeats(entry)},
        "locations": [_location(f.path, f.line)],
        "partialFingerprints": {"primaryLocationLineHash": fingerprint},
        "properties": {"incidents": [i.id for i in entry.incidents]},
    }
    if entry.suppression is not None:
        result["suppressions"] = [
            {
                "kind": "inSource",
                "justification": entry.suppression.reason,
                "location": _location(f.path, entry.suppression.line),
            }
        ]
    return result
