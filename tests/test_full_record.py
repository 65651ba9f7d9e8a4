"""A record that sets every field of format 2, checked against the models and pinned as rendered pages."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
from enum import Enum
from pathlib import Path
from typing import Any

import jsonschema
import markdown
import pytest
import yaml

from nexus_pm.models import Incident
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records

from .conftest import ROOT
from .fields import Slot, choices, models, slots
from .goldens import check_tree

FULL = Path(__file__).parent / "golden" / "full"
RECORD = FULL / "record.yaml"
RELATED = FULL / "related.yaml"
# Identifiers, not prose: a snippet's language and path repeat by nature.
IDENTIFIERS = {"language", "path"}
# Kept in the record, not shown on its page: patterns for matching errors, which the
# search reads (nexus_pm/signature_index.py). The language only picks the highlighting.
NOT_SHOWN = {"signatures", "language"}
# Rules written in a checklist item are described on the Rules page, not the incident's.
RULES_SHOWN = "prevention.checklist[].rule"


def full_incident() -> Incident:
    (record,) = [r for r in load_records([FULL]) if r.path.name == RECORD.name]
    return record.incident


def related_incident() -> Incident:
    (record,) = [r for r in load_records([FULL]) if r.path.name == RELATED.name]
    return record.incident


def full_slots() -> list[Slot]:
    return list(slots(Incident, [full_incident()]))


def is_set(value: Any, default: Any) -> bool:
    return value is not None and value != [] and value != default


def test_the_walk_reaches_every_model_and_nested_list() -> None:
    # Without this, a walk that stopped at the top level would find every field "set".
    walked = full_slots()
    assert {s.model for s in walked} == set(models())
    paths = {s.path for s in walked}
    assert {
        "fix.changes[].before.code",
        "cause.analysis.steps[].details",
        "timeline[].kind",
        "sections[].blocks[].facts[].value",
        "related.links[].url",
    } <= paths
    # Each kind of block is its own model at the same path.
    blocks = {s.model.__name__ for s in walked if s.path == "sections[].blocks[].kind"}
    assert len(blocks) == 9, blocks


def test_every_field_is_set() -> None:
    unset = []
    for s in full_slots():
        default = None if s.info.is_required() else s.info.get_default(call_default_factory=True)
        if not any(is_set(value, default) for value in s.values):
            unset.append(s.path)
    assert unset == [], f"set these in {RECORD.name} (non-default, non-empty): {unset}"


def test_optional_fields_inside_lists_are_also_left_out() -> None:
    # The template has a branch for each optional field that is absent: an action item
    # without an owner, an event without a kind, a block without a title. Inside a
    # list, one record can take both branches, so it must.
    always = []
    for s in full_slots():
        if "[]." not in s.path or s.info.is_required() or not s.values:
            continue
        default = s.info.get_default(call_default_factory=True)
        if all(is_set(value, default) for value in s.values):
            always.append(s.path)
    assert always == [], f"leave these out at least once in {RECORD.name}: {always}"


def test_the_related_record_holds_only_what_is_required() -> None:
    # The other end: every optional top-level field absent, so the pages pin what an
    # incident page looks like with nothing but a title, a summary and a date.
    related = related_incident()
    for name, info in Incident.model_fields.items():
        if not info.is_required():
            default = info.get_default(call_default_factory=True)
            assert not is_set(getattr(related, name), default), name


def test_every_choice_a_list_can_repeat_is_used() -> None:
    # A record has one severity and one status, so only fields inside a list can show
    # every choice (event kinds, action kinds, statuses and horizons, block kinds).
    unused = {}
    for s in full_slots():
        if s.repeated and choices(s.info):
            used = {str(v.value if isinstance(v, Enum) else v) for v in s.values}
            if missing := sorted(set(choices(s.info)) - used):
                unused[s.path] = missing
    assert unused == {}


def strings(value: Any) -> list[str]:
    """The strings of a value, through lists and lists of lists (table rows)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def texts(skip: set[str] = IDENTIFIERS) -> list[tuple[str, str]]:
    """Every prose value of the full record, with its path; empty table cells left out."""
    found = []
    for s in full_slots():
        if choices(s.info) or s.path.rsplit(".", 1)[-1] in skip:
            continue
        for value in s.values:
            found += [(s.path, text) for text in strings(value) if text]
    return found


def test_text_values_are_distinct() -> None:
    # Distinct values let a test look each one up on the page and know where it came from.
    found = texts()
    paths = {p for p, _ in found}
    assert {"fix.changes[].notes", "sections[].blocks[].facts[].value"} <= paths
    assert "sections[].blocks[].rows" in paths
    seen: dict[str, str] = {}
    repeats = []
    for path, text in found:
        if text in seen:
            repeats.append((seen[text], path, text))
        seen.setdefault(text, path)
    assert repeats == []


def test_the_json_schema_accepts_it_too() -> None:
    schema = json.loads((ROOT / "schemas" / "incident.schema.json").read_text(encoding="utf-8"))
    record = json.loads(json.dumps(yaml.safe_load(RECORD.read_text(encoding="utf-8")), default=str))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(record)]
    assert errors == []


def pages(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    # Pages name the record's path relative to the working directory: from the repo
    # root it reads tests/golden/full/record.yaml on every machine.
    monkeypatch.chdir(ROOT)
    return Renderer(ROOT / "templates").site(load_records([FULL]))


def test_pages_match_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    check_tree(FULL / "pages", pages(monkeypatch))


def as_read(markdown: str) -> str:
    """The page's text as a reader sees it: entities decoded, code and breaks as text."""
    text = html.unescape(re.sub("</?code>", "", markdown.replace("<br>", " ")))
    return " ".join(text.split())


def test_every_value_is_on_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    # No field may be dropped on the way to the page: every string of the record, its
    # dates and its numbers are there, as a reader would read them.
    page = as_read(pages(monkeypatch)["incidents/inc-0102.md"])
    incident = full_incident()
    missing = []
    for path, text in texts(skip=NOT_SHOWN):
        if path.startswith(RULES_SHOWN):
            continue  # on the Rules page: see the test below
        if " ".join(text.replace("`", "").split()) not in page:
            missing.append((path, text))
    dates = [a.due for a in incident.action_items if a.due] + [incident.date]
    missing += [("date", d.isoformat()) for d in dates if d.isoformat() not in page]
    minutes = [f"| {p.phase} | {p.minutes:g} |" for p in incident.effort]
    missing += [("effort", m) for m in minutes if m not in page]
    assert missing == []


def test_rules_written_in_the_record_are_on_the_rules_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The incident page links each rule; the Rules page says what it is, what it reads and
    # how to fix what it finds.
    page = as_read(pages(monkeypatch)["rules.md"])
    shown = ("id", "title", "message", "fix", "files")
    rules = [i.rule for i in full_incident().prevention.checklist if i.rule]
    assert len(rules) == 7
    missing = [
        (rule.id, name, value)
        for rule in rules
        for name in shown
        for value in strings(getattr(rule, name))
        if " ".join(value.split()) not in page
    ]
    assert missing == []


def test_times_are_shown_in_the_record_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    page = as_read(pages(monkeypatch)["incidents/inc-0102.md"])
    incident = full_incident()
    assert "Times are in Europe/Berlin." in page
    berlin = dt.timezone(dt.timedelta(hours=1))
    for event in incident.timeline:
        shown = incident.moment(event).astimezone(berlin).strftime("%Y-%m-%d %H:%M")
        assert f"| {'~ ' if event.approximate else ''}{shown}" in page, event
    # Durations come from the milestones: detect 7 min, impact 55 min, resolve 1 h 10 min.
    for fact in ("| **Duration** | 55 min |", "| **Time to detect** | 7 min |"):
        assert fact in page
    assert "| **Time to resolve** | 1 h 10 min |" in page


def test_each_list_block_is_a_list_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    # Markdown continues a list with the next one when only a blank line is between:
    # two list or links blocks in a row must still come out as two lists.
    # The body: between the front matter and the source line, each after a `---`.
    source = pages(monkeypatch)["incidents/inc-0102.md"].split("\n---\n")[1]
    extensions = ["admonition", "attr_list", "tables", "pymdownx.superfences"]
    page = markdown.markdown(source, extensions=[*extensions, "pymdownx.tabbed"])
    chunks = {chunk.split(">", 1)[1].split("<", 1)[0]: chunk for chunk in page.split("<h2")[1:]}
    adjacent = 0
    for section in full_incident().sections:
        kinds = [b.kind for b in section.blocks]
        expected = sum(kind in ("list", "links") for kind in kinds)
        adjacent += sum(
            a in ("list", "links") and b in ("list", "links") for a, b in itertools.pairwise(kinds)
        )
        html_lists = re.findall(r"<(?:ul|ol)>", chunks[section.title])
        assert len(html_lists) == expected, section.title
    assert adjacent >= 2  # the record has such pairs to test
