"""Shared by the import tests: run the importer on a file and render the record's page."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
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
    kept = "".join(
        " " if unicodedata.category(c)[0] == "S" or c == "\ufe0f" else c for c in fold(value)
    )
    return " ".join((kept + " ").replace(": ", " ").replace(" | ", " ").casefold().split())


def missing_facts(facts: list[str], markdown_page: str) -> list[str]:
    shown = seen(page_text(markdown_page))
    return [fact for fact in facts if seen(fact) not in shown]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


class _Visible(HTMLParser):
    """The text a reader sees in a page's article: no script, style or hidden element; each
    block (a paragraph, a table cell, a list item) apart from the next."""

    SKIP = frozenset({"script", "style", "template", "svg"})
    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.article = 0
        self.hidden: list[bool] = []
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.article += tag == "article"
        self.out.append(" ")
        if tag not in self.VOID:
            self.hidden.append(tag in self.SKIP or "hidden" in dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self.article -= tag == "article"
        self.out.append(" ")
        if tag not in self.VOID and self.hidden:
            self.hidden.pop()

    def handle_data(self, data: str) -> None:
        if self.article and not any(self.hidden):
            self.out.append(data)


def html_text(page: str) -> str:
    """The visible text of a built page's article, spaces folded."""
    parser = _Visible()
    parser.feed(page)
    parser.close()
    return " ".join("".join(parser.out).split())
