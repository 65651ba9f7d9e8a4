"""Pages keep their records' facts: real postmortems, and format-1 records after migration."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from nexus_pm.loader import Record, parse_incident
from nexus_pm.migrate import migrate_text
from nexus_pm.render import Renderer

from .test_migrate import leaves

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALWORLD = FIXTURES / "realworld"
FORMAT1 = FIXTURES / "format1"
REAL_NAMES = sorted(p.stem for p in REALWORLD.glob("*.yaml"))
FORMAT1_NAMES = sorted(p.stem for p in FORMAT1.glob("*.yaml"))
_TAG = re.compile(r"</?(code|em|strong)>")
# A link shows its text, and its target is on the page as the link's address.
_LINK = re.compile(r"\[([^\]]*)\]\(<?([^)>]*)>?\)")


def page_text(markdown: str) -> str:
    """What a reader sees, as text: entities decoded, inline tags dropped, links as their text
    and address, table cells joined with `: ` (a figure reads `label: value`), spaces folded."""
    lines = []
    for line in markdown.splitlines():
        line = _LINK.sub(r"\1 \2", line).replace("<br>", " ")
        if line.startswith("|") and line.endswith("|"):
            line = ": ".join(cell.strip() for cell in line.strip("|").split("|"))
        lines.append(line)
    text = html.unescape(_TAG.sub("", "\n".join(lines)))
    return " ".join(text.replace("\\|", "|").replace("*", "").split())


def fold(value: str) -> str:
    """A record's value as page_text reads it back: inline tags and the marks that make them
    (backticks, emphasis stars) dropped."""
    return " ".join(_TAG.sub("", value.replace("`", "").replace("*", "")).split())


def render(text: str, name: str) -> str:
    incident = parse_incident(text, f"{name}.yaml")
    record = Record(Path(f"incidents/{name}.yaml"), incident, text)
    return Renderer().incident(record, {incident.id: record})


def facts(name: str) -> list[str]:
    lines = (REALWORLD / f"{name}.facts").read_text(encoding="utf-8").splitlines()
    return [line.split(": ", 1)[1] for line in lines if line.strip()]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_realworld_pages_show_their_facts(name: str) -> None:
    shown = page_text(render((REALWORLD / f"{name}.yaml").read_text(encoding="utf-8"), name))
    literals = facts(name)
    missing = [fact for fact in literals if fold(fact) not in shown]
    share = 1 - len(missing) / len(literals)
    assert share >= 0.95, f"{name}: {share:.0%} of the facts on the page; missing {missing}"


def test_the_page_measure_notices_a_missing_section() -> None:
    name = REAL_NAMES[0]
    data = yaml.safe_load((REALWORLD / f"{name}.yaml").read_text(encoding="utf-8"))
    data.pop("timeline")
    data.pop("action_items", None)
    shown = page_text(render(yaml.safe_dump(data), name))
    assert sum(fold(fact) not in shown for fact in facts(name)) > len(facts(name)) * 0.05


# Values migration re-encodes on purpose: the review state is renamed, `times` become
# timeline rows (shown in the record's zone), evidence kinds become block kinds, the
# total of a breakdown is recomputed, and a status row's flag becomes bold type.
RE_ENCODED = {
    ("status",),
    ("verification", "*", "kind"),
    ("metrics", "total"),
    ("system_status", "*", "subject"),
    ("action_items", "*", "status"),
}


def _shown_as(path: tuple[str, ...], value: Any) -> str | None:
    if path in RE_ENCODED or value is None or isinstance(value, bool):
        return None
    if path[0] == "times":
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    return fold(str(value))


@pytest.mark.parametrize("name", FORMAT1_NAMES)
def test_migrated_records_keep_every_value_on_their_page(name: str) -> None:
    original = (FORMAT1 / f"{name}.yaml").read_text(encoding="utf-8")
    migrated = migrate_text(original)
    assert migrate_text(migrated) == migrated, "a second migration changed the record"
    shown = page_text(render(migrated, name))
    missing = []
    for path, value in leaves(yaml.safe_load(original)):
        expected = _shown_as(path, value)
        if expected and expected not in shown:
            missing.append(f"{'.'.join(path)}: {expected[:80]!r}")
    assert not missing, f"{name}: values not on the migrated page:\n" + "\n".join(missing)
