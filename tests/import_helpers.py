"""Shared by the import tests: run the importer on a file and render the record's page."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from nexus_pm.import_map import Given
from nexus_pm.import_record import prepare, record_text
from nexus_pm.loader import Record, parse_incident
from nexus_pm.render import Renderer

from .test_page_facts import fold, page_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCALE = ["SEV1", "SEV2", "SEV3", "SEV4"]


def imported(path: Path, **given: object) -> str:
    """The record `nexus-pm import` writes for `path`, as INC-0001."""
    mapped, source = prepare(path, Given(**given))  # type: ignore[arg-type]
    assert not mapped.missing, mapped.missing
    return record_text(mapped, source, path.name, "INC-0001", SCALE)


def page(text: str, name: str) -> str:
    incident = parse_incident(text, f"{name}.yaml", {"severities": SCALE})
    record = Record(Path(f"incidents/{name}.yaml"), incident, text)
    return Renderer().incident(record, {incident.id: record})


def seen(value: str) -> str:
    """Text compared without case, symbols (emoji, status marks) or table punctuation: the fact
    lists were written from pages where a table row reads `Auth Service healthy 8000`."""
    kept = "".join(" " if unicodedata.category(c)[0] == "S" else c for c in fold(value))
    return " ".join(kept.replace(": ", " ").replace(" | ", " ").casefold().split())


def missing_facts(facts: list[str], markdown_page: str) -> list[str]:
    shown = seen(page_text(markdown_page))
    return [fact for fact in facts if seen(fact) not in shown]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())
