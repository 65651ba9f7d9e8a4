"""Imported postmortems validate, and their pages show the facts of the source."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from nexus_pm.import_names import NAMES, normalize
from nexus_pm.importer import Block, Part, inline_text, label_line, parse

from .import_helpers import FIXTURES, imported, missing_facts, page, words

REALWORLD = FIXTURES / "realworld"
REAL = sorted(p.stem for p in REALWORLD.glob("*.md") if p.stem != "README")
SEED = FIXTURES / "seed" / "voice-service-fix-2025-11-09.md"
SEED_FACTS = FIXTURES.parent / "golden" / "seed_facts.txt"


def real_facts(name: str) -> list[str]:
    lines = (REALWORLD / f"{name}.facts").read_text(encoding="utf-8").splitlines()
    return [line.split(": ", 1)[1] for line in lines if line.strip()]


def share(missing: list[str], facts: list[str]) -> float:
    return 1 - len(missing) / len(facts)


def test_the_seed_imports_and_its_page_shows_its_facts() -> None:
    text = imported(SEED, severity="SEV2", services=["voice-service"])
    facts = [
        line.strip()
        for line in SEED_FACTS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    missing = missing_facts(facts, page(text, "seed"))
    assert share(missing, facts) >= 0.9, f"{share(missing, facts):.0%}; missing {missing}"


@pytest.mark.parametrize("name", REAL)
def test_real_postmortems_import_and_show_their_facts(name: str) -> None:
    text = imported(REALWORLD / f"{name}.md")
    facts = real_facts(name)
    missing = missing_facts(facts, page(text, name))
    assert share(missing, facts) >= 0.9, f"{name}: {share(missing, facts):.0%}; missing {missing}"


def test_the_measure_notices_a_lost_timeline() -> None:
    name = "dfds-total-node-failure-2023-02-14"
    data = yaml.safe_load(imported(REALWORLD / f"{name}.md"))
    data.pop("timeline")
    data["sections"] = [s for s in data["sections"] if s["title"] != "Timeline"]
    facts = real_facts(name)
    assert share(missing_facts(facts, page(yaml.safe_dump(data), name)), facts) < 0.9


def blocks(parts: list[Part]) -> list[Block]:
    return [b for part in parts for b in [*part.blocks, *blocks(part.parts)]]


def strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [] if node is None or isinstance(node, bool) else [str(node)]


def lost(source: Path, record: str) -> list[str]:
    """Each block of the source whose words the record's values do not all hold, counted: a
    word the source says three times must be in the record three times. Headings and table
    headers are structure (a "Timeline" heading, a "Time | Event" header) and not counted, nor
    are a lead line's label that names a section (`**Summary:** ...` is a one-line section),
    an entity's name (`&nbsp;`) or a `<br>` tag."""
    doc = parse(source.read_text(encoding="utf-8"))
    kept = Counter(w for value in strings(yaml.safe_load(record)) for w in words(value))
    gone = []
    for block in [*doc.lead, *blocks(doc.parts)]:
        texts = (
            inline_text(block)[len(block.columns) :]
            if block.kind == "table"
            else inline_text(block)
        )
        need = Counter(w for text in texts for w in words(_text_only(text, block in doc.lead)))
        short = need - kept
        if short:
            gone.append(f"line {block.line}: {sorted(short)[:8]}")
        kept -= need
    return gone


SHAPES = sorted(p.stem for p in (FIXTURES / "import").glob("*.md"))


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _text_only(text: str, lead: bool) -> str:
    lines = []
    for line in html.unescape(_BREAK.sub(" ", text)).split("\n"):
        pair = label_line(line) if lead else None
        lines.append(pair[1] if pair and NAMES.get(normalize(pair[0])) else line)
    return "\n".join(lines)


@pytest.mark.parametrize("name", [*REAL, "seed", *SHAPES])
def test_nothing_in_the_source_is_lost(name: str) -> None:
    source = (
        SEED
        if name == "seed"
        else REALWORLD / f"{name}.md"
        if name in REAL
        else FIXTURES / "import" / f"{name}.md"
    )
    assert lost(source, imported(source)) == []


def test_the_loss_check_notices_a_dropped_block() -> None:
    source = REALWORLD / "k8s-boskos-2019-03-26.md"
    data = yaml.safe_load(imported(source))
    data["sections"] = [s for s in data["sections"] if not s["title"].startswith("Apendix")]
    assert lost(source, yaml.safe_dump(data))
