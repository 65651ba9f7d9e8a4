"""The front matter and the lines before the first section: date, authors, severity, key facts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import import_blocks as ib
from .import_base import Data, MapperState
from .import_names import NAMES, normalize
from .import_times import parse_date, zone_line
from .importer import Block, Part, label_line

_LIST_SPLIT = re.compile(r",\s*")
_AUTHORS_SPLIT = re.compile(r",\s*|\s+and\s+|\s+und\s+|\s+et\s+|\s+y\s+")
# Labels and front-matter keys, normalized, in the languages the section names cover.
DATE_LABELS = {"date", "datum", "fecha", "data", "day", "incident date", "date of incident"}
SEVERITY_LABELS = {"severity", "sev", "priority", "schweregrad", "sévérité", "severidad"}
AUTHOR_LABELS = {
    *("author", "authors", "written by", "autor", "autoren", "auteur", "auteurs", "autores"),
}
LIST_KEYS = {"authors": AUTHOR_LABELS, "services": {"service", "services"}, "tags": {"tag", "tags"}}
# A lead line labelled with one of these section names is that section, in one line:
# the Google SRE template opens with `**Summary:** ...`, `**Root Causes:** ...`.
LEAD_SECTIONS = {"summary", "impact", "cause", "trigger", "detection", "resolution", "contributing"}


class LeadMapper(MapperState):
    """Fills the record's head from the front matter and the lead, before the sections."""

    def _front(self, front: Data) -> None:
        for key, value in front.items():
            text = scalar(value)
            name = normalize(key)
            listed = next((k for k, names in LIST_KEYS.items() if name in names), None)
            if name in ("summary", "description") and text:
                self.summary.append(text)
            elif name in SEVERITY_LABELS and self._severity(text):
                pass
            elif listed:
                values = value if isinstance(value, list) else _LIST_SPLIT.split(text or "")
                self.d[listed] = [str(v).strip() for v in values if str(v).strip()]
            elif name in ("timezone", "time zone", "tz") and text:
                self.zone = text
            elif text:
                self.facts.append({"label": key, "value": text[: ib.LINE_MAX]})

    def _severity(self, text: str | None) -> bool:
        for level in self.given.scale:
            if text and text.strip().lower() == level.lower():
                self.d["severity"] = level
                return True
        return False

    def _lead(self, blocks: list[Block]) -> None:
        for block in blocks:
            pairs = _pairs(block)
            if pairs:
                for label, value in pairs:
                    self._label(label, value, block.line)
                continue
            if block.kind != "text" or zone_line(block.text):
                if block.kind == "text":
                    self.zone = self.zone or zone_line(block.text)
                    self.timeline_rest.append(block)
                elif block.kind != "rule":
                    self.sections.append({"title": "Introduction", "blocks": ib.to_blocks([block])})
                continue
            prose = []
            for line in block.text.split("\n"):
                pair = label_line(line)
                if pair is None:
                    prose.append(line.strip())
                else:
                    self._label(*pair, block.line)
            if any(prose):
                self.summary.append("\n".join(p for p in prose if p))

    def _label(self, label: str, value: str, line: int) -> None:
        name = normalize(label)
        kind = NAMES.get(name)
        if kind in LEAD_SECTIONS:
            self._part(Part(title=label, level=2, line=line, blocks=[Block("text", line, value)]))
            return
        self.facts.append({"label": label, "value": value})
        if (name in DATE_LABELS or name.endswith(" date")) and parse_date(value):
            self.d.setdefault("_date", parse_date(value))
        elif name in SEVERITY_LABELS:
            self._severity(value)
        elif name in AUTHOR_LABELS:
            self.d["authors"] = [a.strip() for a in _AUTHORS_SPLIT.split(value) if a.strip()]


def _pairs(block: Block) -> list[tuple[str, str]] | None:
    """A two-column table or a list of `Label: value` items, as label and value pairs (a wiki
    export's page properties); None for any other block."""
    if block.kind == "table" and len(block.columns) == 2:
        rows = [[*r, "", ""][:2] for r in block.rows]
        head = tuple(block.columns)
        if all(head) and (not rows or _known(head[0])):
            rows.insert(0, list(head))
        pairs = [(k.strip(), v.strip()) for k, v in rows if k.strip() and v.strip()]
        return pairs if pairs and len(pairs) == len([r for r in rows if any(r)]) else None
    if block.kind == "list":
        found = [label_line(ib.item_text(item)) for item in block.items]
        if found and all(found):
            return [p for p in found if p]
    return None


def _known(label: str) -> bool:
    name = normalize(label)
    return name in DATE_LABELS | SEVERITY_LABELS | AUTHOR_LABELS or NAMES.get(name) is not None


def scalar(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def front_date(front: Data) -> dt.date | None:
    """The date the front matter names, under any of the date keys; taken out of `front`."""
    for key in list(front):
        if normalize(key) in DATE_LABELS:
            value = front.pop(key)
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return parse_date(str(value)) if value is not None else None
    return None
