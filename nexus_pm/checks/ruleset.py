"""The rules of one run: the built-in ones, those under `rules/`, and those written in records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import NexusError, Problem, display_path
from ..loader import Record, locate, parse_yaml
from ..record_rules import RuleSpec
from .base import Rule
from .declared import compile_rule
from .files import read_confined
from .registry import RULES

#: Where shared rules live, under the repo root: one rule per `*.yaml` file.
RULES_DIR = "rules"


@dataclass(frozen=True)
class RuleSet:
    """Every rule a run knows, by id, and what was wrong with the rules that were written."""

    rules: dict[str, Rule[Any]] = field(default_factory=lambda: dict(RULES))
    problems: tuple[Problem, ...] = ()

    @property
    def declared(self) -> list[Rule[Any]]:
        return [r for r in self.rules.values() if r.wants is not None]


def load_shared(root: Path) -> tuple[list[Rule[Any]], list[Problem]]:
    """The rules in `root/rules/*.yaml`, and a problem for every one that is bad input."""
    folder = root / RULES_DIR
    if not folder.is_dir():
        return [], []
    rules: list[Rule[Any]] = []
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml"):
            continue
        shown = display_path(path)
        try:
            text = read_confined(path, root)
            data = parse_yaml(text, shown)
        except NexusError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(data, dict):
            problems.append(Problem(shown, 1, "rule", "must be a mapping: one rule per file"))
            continue
        try:
            spec = RuleSpec.model_validate(data)
        except ValidationError as exc:
            problems.extend(spec_problems(exc, text, shown))
            continue
        rules.append(compile_rule(spec, f"{shown}:1"))
    return rules, problems


def spec_problems(
    exc: ValidationError, text: str, shown: str, at: tuple[str | int, ...] = ()
) -> list[Problem]:
    """A rule's schema errors as `path:line: field: message`."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = (*at, *error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field; a rule has " + ", ".join(RuleSpec.model_fields)
        field_name = ".".join(str(p) for p in loc if isinstance(p, int) or _plain(p)) or "rule"
        problems.append(Problem(shown, locate(text, loc), field_name, message))
    return problems


def _plain(part: Any) -> bool:
    return isinstance(part, str) and part.replace("_", "").replace("-", "").isalnum()


def inline(records: Iterable[Record]) -> list[tuple[Record, int, Rule[Any]]]:
    """Each rule written in a checklist item, with its record and the item's index."""
    found = []
    for record in records:
        for index, item in enumerate(record.incident.prevention.checklist):
            if item.rule is not None:
                at = ("prevention", "checklist", index, "rule")
                origin = f"{display_path(record.path)}:{locate(record.text, at)}"
                found.append((record, index, compile_rule(item.rule, origin)))
    return found


def build(records: Sequence[Record], shared: Sequence[Rule[Any]] = ()) -> RuleSet:
    """Built-in, shared and inline rules; an id written twice, differently, is a problem."""
    rules: dict[str, Rule[Any]] = dict(RULES)
    specs: dict[str, RuleSpec | None] = {rule_id: None for rule_id in RULES}
    problems: list[Problem] = []
    for rule in shared:
        if rule.id in rules:
            path, _, line = rule.origin.rpartition(":")
            problems.append(Problem(path, int(line), "id", _taken(rule.id, rules[rule.id])))
            continue
        rules[rule.id] = rule
    for record, index, rule in inline(records):
        spec = record.incident.prevention.checklist[index].rule
        if rule.id in rules and (rule.id not in specs or specs[rule.id] != spec):
            at = ("prevention", "checklist", index, "rule", "id")
            problems.append(
                Problem(
                    display_path(record.path),
                    locate(record.text, at),
                    ".".join(map(str, at)),
                    _taken(rule.id, rules[rule.id]),
                )
            )
            continue
        rules.setdefault(rule.id, rule)
        specs[rule.id] = spec
    return RuleSet(rules, tuple(problems))


def _taken(rule_id: str, other: Rule[Any]) -> str:
    where = f"in {other.origin}" if other.origin else "as a built-in rule"
    return f"rule id '{rule_id}' is already defined {where}; give this rule its own id"
