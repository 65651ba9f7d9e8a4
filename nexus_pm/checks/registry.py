"""Every file kind and rule `nexus-pm check` knows, looked up by id or file name."""

from __future__ import annotations

import difflib
from typing import Any

from . import dockerfile
from .base import Kind, Rule

KINDS: tuple[Kind[Any], ...] = (dockerfile.KIND,)
RULES: dict[str, Rule[Any]] = {r.id: r for kind in KINDS for r in kind.rules}
KIND_BY_NAME: dict[str, Kind[Any]] = {kind.name: kind for kind in KINDS}

#: Findings about the check itself rather than about a file's content.
DRIFT = "drift"
SUPPRESSION = "suppression"

#: Findings about the check itself, described like rules so that SARIF can name them.
META_RULES = {
    DRIFT: (
        "A fix recorded in an incident was reverted",
        "An incident names the file its fix lives in (`fix.changes[].path`), and a rule linked "
        "from the incident proves the fix on the incident's snippets. The rule fails on that "
        "file again, or the file is gone: the incident's fix no longer holds.",
    ),
    SUPPRESSION: (
        "A suppression comment is malformed, unexplained or unused",
        "`# nexus-pm: ignore[rule-id] reason` accepts a finding on the next instruction. It must "
        "name known rules, give a reason, and suppress something.",
    ),
}


def kind_for(name: str) -> Kind[Any] | None:
    """The kind of a file, judged by its name alone."""
    return next((kind for kind in KINDS if kind.matches(name)), None)


def unknown_rule(rule_id: str, rules: dict[str, Rule[Any]] | None = None) -> str:
    """Why `rule_id` is not a rule, with the closest id when there is one."""
    known = sorted(RULES if rules is None else rules)
    close = difflib.get_close_matches(rule_id, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known rules: {', '.join(known)}"
    return f"unknown rule '{rule_id}'{hint}"
