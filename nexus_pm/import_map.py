"""Map a parsed postmortem onto format-2 fields; what has no field is kept as a supporting section."""

from __future__ import annotations

import datetime as dt

from . import import_blocks as ib
from .import_actions import ActionMapper
from .import_base import Data, Given, Mapped
from .import_fields import FieldMapper
from .import_inline import plain_fields
from .import_lead import LeadMapper, front_date, scalar
from .import_names import section_kind
from .import_timeline import TimelineMapper
from .import_times import parse_date, zone_line
from .importer import Block, Document, Part, inline_text

__all__ = ["Given", "Mapped", "Mapper", "map_document"]


class Mapper(TimelineMapper, ActionMapper, FieldMapper, LeadMapper):
    """Walks a Document once, filling fields; every block lands in a field or a section."""

    def run(self) -> Mapped:
        doc = self.doc
        front = {str(k).lower(): v for k, v in doc.front.items()}
        title = scalar(front.pop("title", None)) or doc.title or self.stem
        date = front_date(front)
        self._front(front)
        self._lead(doc.lead)
        self.zone = self.zone or _first_zone(doc)
        date = date or self.d.pop("_date", None) or parse_date(title) or parse_date(self.stem)
        date = date or _timeline_date(doc) or self.given.date
        self.day = date or dt.date(1970, 1, 1)
        if not doc.parts:
            self._whole(doc.lead)
        for part in doc.parts:
            self._part(part)
        if not self.summary:
            first = _first_text(doc)
            if first:
                self.summary.append(first)
        if self.timeline_rest:
            self.sections.insert(
                0, {"title": "Timeline", "blocks": ib.to_blocks(self.timeline_rest)}
            )
        if self.facts:
            self.sections.insert(
                0, {"title": "Details", "blocks": [{"kind": "facts", "facts": self.facts}]}
            )
        out: Data = {"format": 2, "title": title[: ib.LINE_MAX]}
        out["summary"] = "\n\n".join(self.summary)[: ib.TEXT_MAX] if self.summary else None
        out["date"] = date
        severity = self.d.pop("severity", None) or self.given.severity
        if severity:
            out["severity"] = severity
        out["status"] = self.given.status
        services = self.d.pop("services", []) + [s for s in self.given.services]
        if services:
            out["services"] = list(dict.fromkeys(services))
        for key in ("tags", "authors", "commander"):
            if key in self.d:
                out[key] = self.d.pop(key)
        if self.zone and self.d.get("timeline"):
            out["timezone"] = self.zone
        for key in ("timeline", "impact", "detection", "cause", "errors", "fix"):
            if self.d.get(key):
                out[key] = self.d[key]
        for key in ("action_items", "lessons", "prevention"):
            if self.d.get(key):
                out[key] = self.d[key]
        sections = ib.fit_sections(self.sections)
        if sections:
            out["sections"] = sections
        plain_fields(out)
        missing = [name for name, value in (("--date", date),) if value is None]
        if out["summary"] is None:
            missing.append("a summary (the file has no paragraph)")
        return Mapped(out, missing, self.notes)

    def _whole(self, blocks: list[Block]) -> None:
        # No headings: the text is kept whole, and its first paragraph also opens the record.
        first = next((b.text.strip() for b in blocks if b.kind == "text"), None)
        self.summary = [first] if first else []
        self.sections = [s for s in self.sections if s["title"] != "Introduction"]
        self.sections.append({"title": self.doc.title or self.stem, "blocks": ib.to_blocks(blocks)})
        self.notes.append((1, "no headings: the whole text is kept as one supporting section"))

    # Sections, by the name table.
    def _part(self, part: Part, parent: str | None = None) -> None:
        kind = section_kind(part.title)
        handler = getattr(self, f"_{kind}", None) if kind else None
        if handler is None:
            self._support(part, parent)
            return
        rest: list[Block] = handler(part)
        if rest:
            self.sections.append({"title": part.title, "blocks": ib.to_blocks(rest)})
            self.notes.append(
                (
                    rest[0].line,
                    f"{len(rest)} block(s) of {part.title!r} kept in a supporting section",
                )
            )

    def _support(self, part: Part, parent: str | None) -> None:
        title = f"{parent}: {part.title}" if parent else part.title
        section: Data = {"title": title, "blocks": ib.to_blocks(part.blocks)}
        self.sections.append(section)
        self.notes.append((part.line, f"section {part.title!r} kept as a supporting section"))
        for sub in part.parts:
            if section_kind(sub.title):
                self._part(sub)
            elif not sub.parts:
                section["blocks"] += ib.to_blocks(sub.blocks, sub.title)
            else:
                self._support(sub, title)


def _first_zone(doc: Document) -> str | None:
    stack = list(doc.parts)
    while stack:
        part = stack.pop(0)
        for block in part.blocks:
            if block.kind == "text" and zone_line(block.text):
                return zone_line(block.text)
        stack += part.parts
    return None


def _first_text(doc: Document) -> str | None:
    """The first paragraph of the sections, those of the timeline last (a zone line is no
    paragraph), else the first item of a list."""
    parts: list[Part] = []
    stack = list(doc.parts)
    while stack:
        part = stack.pop(0)
        parts.append(part)
        stack = part.parts + stack
    parts.sort(key=lambda p: section_kind(p.title) == "timeline")
    blocks = [b for part in parts for b in part.blocks]
    for block in blocks:
        if block.kind == "text" and block.text.strip() and not zone_line(block.text):
            return block.text.strip()
    items = [ib.item_text(b.items[0]) for b in blocks if b.kind == "list" and b.items]
    return next((t for t in items if t), None)


def _timeline_date(doc: Document) -> dt.date | None:
    """The first date a timeline section writes, for a file that names none elsewhere."""
    stack = list(doc.parts)
    while stack:
        part = stack.pop(0)
        if section_kind(part.title) != "timeline":
            stack += part.parts
            continue
        inner = [part]
        while inner:
            sub = inner.pop(0)
            for text in [sub.title, *(t for b in sub.blocks for t in inline_text(b))]:
                if parse_date(text):
                    return parse_date(text)
            inner = [*sub.parts, *inner]
    return None


def map_document(doc: Document, stem: str, given: Given) -> Mapped:
    """The format-2 values of a parsed postmortem; `stem` (the file name) names an untitled one."""
    return Mapper(doc, stem, given).run()
