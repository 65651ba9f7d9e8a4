"""Map a parsed postmortem onto format-2 fields; what has no field is kept as a supporting section."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import import_blocks as ib
from .import_times import Moment, entry_time, parse_date, zone_line
from .importer import NAMES, Block, Document, Item, Part, label_line, normalize
from .record_types import URL_PATTERN

Data = dict[str, Any]
_OWNER = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.-]{0,38})")
_LINK = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")
_TICKET = re.compile(r"/(issues|pull|browse|tickets?)/|jira", re.IGNORECASE)
_DONE = re.compile(r"✅|✔|\((done|completed?|fixed)\)|\[(done|completed?)\]", re.IGNORECASE)
_PRIORITY = re.compile(r"\b(P[0-4])\b")
_PARENS = re.compile(r"\(([^()]*)\)\s*$")
HORIZONS = {"immediate": "immediate", "short": "short-term", "long": "long-term"}
LESSON_LISTS = {"went_well": "went_well", "went_wrong": "went_wrong", "lucky": "lucky"}
LEAD_FIELDS = {"date", "severity", "status", "author", "authors", "written by", "owner"}


@dataclass
class Given:
    """Values from the command line, used where the source gives none."""

    date: dt.date | None = None
    severity: str | None = None
    services: list[str] = field(default_factory=list)
    status: str = "draft"
    scale: tuple[str, ...] = ("SEV1", "SEV2", "SEV3", "SEV4")


@dataclass
class Mapped:
    """The record's values (all but the id), what the source lacked, and notes by line."""

    data: Data
    missing: list[str]
    notes: list[tuple[int, str]]


class Mapper:
    """Walks a Document once, filling fields; every block lands in a field or a section."""

    def __init__(self, doc: Document, stem: str, given: Given) -> None:
        self.doc, self.given, self.stem = doc, given, stem
        self.d: Data = {}
        self.summary: list[str] = []
        self.sections: list[Data] = []
        self.notes: list[tuple[int, str]] = []
        self.facts: list[Data] = []
        self.zone: str | None = None
        self.timeline_rest: list[Block] = []

    def run(self) -> Mapped:
        doc = self.doc
        front = {str(k).lower(): v for k, v in doc.front.items()}
        title = _scalar(front.pop("title", None)) or doc.title or self.stem
        date = _date(front.pop("date", None))
        self._front(front)
        self._lead(doc.lead)
        self.zone = self.zone or _first_zone(doc)
        date = date or self.d.pop("_date", None) or parse_date(title) or parse_date(self.stem)
        date = date or self.given.date
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
        missing = [name for name, value in (("--date", date),) if value is None]
        if out["summary"] is None:
            missing.append("a summary (the file has no paragraph)")
        return Mapped(out, missing, self.notes)

    # The front matter and the lines before the first section.
    def _front(self, front: Data) -> None:
        for key, value in front.items():
            text = _scalar(value)
            if key in ("summary", "description") and text:
                self.summary.append(text)
            elif key in ("severity", "sev", "priority") and self._severity(text):
                pass
            elif key in ("authors", "author", "services", "service", "tags", "tag"):
                name = key if key.endswith("s") else key + "s"
                values = value if isinstance(value, list) else re.split(r",\s*", text or "")
                self.d[name] = [str(v).strip() for v in values if str(v).strip()]
            elif key in ("timezone", "time zone", "tz") and text:
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
                    continue
                label = pair[0].lower()
                self.facts.append({"label": pair[0], "value": pair[1]})
                if label == "date" and parse_date(pair[1]):
                    self.d["_date"] = parse_date(pair[1])
                elif label == "severity":
                    self._severity(pair[1])
                elif label in ("author", "authors", "written by"):
                    self.d["authors"] = [a.strip() for a in re.split(r",\s*|\s+and\s+", pair[1])]
            if any(prose):
                self.summary.append("\n".join(p for p in prose if p))

    def _whole(self, blocks: list[Block]) -> None:
        # No headings: the text is kept whole, and its first paragraph also opens the record.
        first = next((b.text.strip() for b in blocks if b.kind == "text"), None)
        self.summary = [first] if first else []
        self.sections = [s for s in self.sections if s["title"] != "Introduction"]
        self.sections.append({"title": self.doc.title or self.stem, "blocks": ib.to_blocks(blocks)})
        self.notes.append((1, "no headings: the whole text is kept as one supporting section"))

    # Sections, by the name table.
    def _part(self, part: Part, parent: str | None = None) -> None:
        kind = NAMES.get(normalize(part.title))
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
            if NAMES.get(normalize(sub.title)):
                self._part(sub)
            elif not sub.parts:
                section["blocks"] += ib.to_blocks(sub.blocks, sub.title)
            else:
                self._support(sub, title)

    def _subparts(self, part: Part) -> None:
        for sub in part.parts:
            self._part(sub, part.title)

    def _summary(self, part: Part) -> list[Block]:
        self.summary += [b.text.strip() for b in part.blocks if b.kind == "text"]
        self._subparts(part)
        return [b for b in part.blocks if b.kind != "text"]

    def _detection(self, part: Part) -> list[Block]:
        texts = [b.text.strip() for b in part.blocks if b.kind == "text"]
        if texts:
            self.d["detection"] = "\n\n".join(texts)[: ib.TEXT_MAX]
        self._subparts(part)
        return [b for b in part.blocks if b.kind != "text"]

    def _impact(self, part: Part) -> list[Block]:
        impact = self.d.setdefault("impact", {})
        rest = []
        for block in part.blocks:
            if block.kind == "text":
                facts = ib.facts_of(block.text.split("\n"))
                if facts:
                    impact.setdefault("figures", []).extend(facts)
                else:
                    impact["text"] = "\n\n".join(
                        filter(None, [impact.get("text"), block.text.strip()])
                    )
            elif block.kind == "list":
                for item in block.items:
                    pair = label_line(ib.item_text(item))
                    if pair:
                        impact.setdefault("figures", []).append(
                            {"label": pair[0], "value": pair[1]}
                        )
                    else:
                        impact.setdefault("details", []).extend(
                            ib.chunks(ib.item_text(item), ib.LINE_MAX)
                        )
            elif block.kind == "table" and len(block.columns) == 2 and block.rows:
                impact.setdefault("figures", []).extend(
                    {"label": r[0], "value": r[1]} for r in block.rows if r[0] and r[1]
                )
            else:
                rest.append(block)
        self._subparts(part)
        return rest

    def _symptom(self, part: Part) -> list[Block]:
        for block in part.blocks:
            if block.kind == "code" and block.text.strip():
                self._error(block, part.title)
        self._subparts(part)
        return [b for b in part.blocks if not (b.kind == "code" and b.text.strip())]

    def _error(self, block: Block, where: str) -> None:
        language = (
            block.info if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9+#._-]{0,39}", block.info) else "text"
        )
        for piece in ib.chunks(block.text, ib.VERBATIM_MAX):
            self.d.setdefault("errors", []).append(
                {"where": where, "language": language, "output": piece}
            )

    def _cause(self, part: Part) -> list[Block]:
        cause = self.d.setdefault("cause", {})
        rest: list[Block] = []
        texts = [b for b in part.blocks if b.kind == "text"]
        lists = [b for b in part.blocks if b.kind == "list"]
        for block in part.blocks:
            if block.kind == "text":
                if (
                    lists
                    and block is texts[0]
                    and block.line < lists[0].line
                    and "summary" not in cause
                ):
                    cause["summary"] = block.text.strip()
                else:
                    cause.setdefault("root_causes", []).append(block.text.strip())
            elif block.kind == "list":
                cause.setdefault("root_causes", []).extend(ib.item_text(i) for i in block.items)
            else:
                rest.append(block)
        method = _PARENS.search(part.title)
        steps = []
        for sub in part.parts:
            if NAMES.get(normalize(sub.title)):
                self._part(sub)
                continue
            finding = "\n\n".join(b.text.strip() for b in sub.blocks if b.kind == "text")
            details = [ib.item_text(i) for b in sub.blocks if b.kind == "list" for i in b.items]
            if not finding and details:
                finding = details.pop(0)
            if finding:
                steps.append(
                    {
                        "title": sub.title,
                        "finding": finding[: ib.TEXT_MAX],
                        **({"details": details} if details else {}),
                    }
                )
            others = [b for b in sub.blocks if b.kind not in ("text", "list")]
            if others or not finding:
                self.sections.append(
                    {"title": sub.title, "blocks": ib.to_blocks(others or sub.blocks)}
                )
        if steps:
            cause["analysis"] = {**({"method": method.group(1)} if method else {}), "steps": steps}
        return rest

    def _contributing(self, part: Part) -> list[Block]:
        cause = self.d.setdefault("cause", {})
        factors = cause.setdefault("contributing_factors", [])
        for block in part.blocks:
            if block.kind == "text":
                factors.append(block.text.strip())
            elif block.kind == "list":
                factors.extend(ib.item_text(i) for i in block.items)
        self._subparts(part)
        return [b for b in part.blocks if b.kind not in ("text", "list")]

    def _trigger(self, part: Part) -> list[Block]:
        texts = [b.text.strip() for b in part.blocks if b.kind == "text"]
        if texts:
            self.d.setdefault("cause", {})["trigger"] = "\n\n".join(texts)
        self._subparts(part)
        return [b for b in part.blocks if b.kind != "text"]

    def _whys(self, part: Part) -> list[Block]:
        steps = [
            {"finding": ib.item_text(i)} for b in part.blocks if b.kind == "list" for i in b.items
        ]
        if steps:
            self.d.setdefault("cause", {})["analysis"] = {"method": part.title, "steps": steps}
        self._subparts(part)
        return [b for b in part.blocks if b.kind != "list"]

    def _resolution(self, part: Part) -> list[Block]:
        fix = self.d.setdefault("fix", {})
        rest = []
        for block in part.blocks:
            if block.kind == "text":
                fix["summary"] = "\n\n".join(filter(None, [fix.get("summary"), block.text.strip()]))
            elif block.kind == "list":
                fix.setdefault("steps", []).extend(
                    {"title": t} for t in (ib.item_text(i) for i in block.items) if t
                )
            else:
                rest.append(block)
        for sub in part.parts:
            codes = [b for b in sub.blocks if b.kind == "code" and b.text.strip()]
            if (
                NAMES.get(normalize(sub.title))
                or len(codes) != 1
                or len(sub.blocks) != 1
                or sub.parts
            ):
                self._part(sub, part.title)
                continue
            step = {"title": sub.title, "command": codes[0].text}
            if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9+#._-]{0,39}", codes[0].info):
                step["language"] = codes[0].info
            fix.setdefault("steps", []).append(step)
        return rest

    def _prevention(self, part: Part) -> list[Block]:
        prevention = self.d.setdefault("prevention", {})
        rest = []
        for block in part.blocks + [b for sub in part.parts for b in sub.blocks]:
            if block.kind != "list":
                rest.append(block)
                continue
            for item in block.items:
                text = ib.item_text(item) if item.checked is None else item.text.strip()
                key = "practices" if item.checked is None else "checklist"
                prevention.setdefault(key, []).append(
                    text if key == "practices" else {"text": text}
                )
        return rest

    def _lessons(self, part: Part) -> list[Block]:
        lessons = self.d.setdefault("lessons", {})
        rest = self._lesson_blocks(part.blocks, lessons, None)
        for sub in part.parts:
            kind = NAMES.get(normalize(sub.title))
            if kind in LESSON_LISTS or kind is None:
                rest += self._lesson_blocks(sub.blocks, lessons, sub.title)
            else:
                self._part(sub)
        return rest

    def _went_well(self, part: Part) -> list[Block]:
        return self._lesson_blocks(part.blocks, self.d.setdefault("lessons", {}), part.title)

    _went_wrong = _lucky = _went_well

    def _lesson_blocks(self, blocks: list[Block], lessons: Data, title: str | None) -> list[Block]:
        kind = NAMES.get(normalize(title)) if title else None
        rest, items = [], []
        for block in blocks:
            if block.kind == "list":
                items += [ib.item_text(i) for i in block.items]
            elif block.kind == "text" and (title or len(ib.lines_of(block.text)) > 1):
                items += ib.lines_of(block.text) if title else []
                if not title:
                    lessons.setdefault("learned", []).extend(ib.lines_of(block.text))
            elif block.kind == "text":
                lessons["summary"] = "\n\n".join(
                    filter(None, [lessons.get("summary"), block.text.strip()])
                )
            else:
                rest.append(block)
        if not items:
            return rest
        if title is None:
            lessons.setdefault("learned", []).extend(items)
        elif kind in LESSON_LISTS:
            lessons.setdefault(LESSON_LISTS[kind], []).extend(items)
        else:
            lessons.setdefault("groups", []).append({"title": title.rstrip(":"), "items": items})
        return rest

    def _actions(self, part: Part) -> list[Block]:
        rest = self._action_blocks(part.blocks, {})
        for sub in part.parts:
            words = normalize(sub.title).split()
            horizon = HORIZONS.get(words[0].split("-")[0]) if words else None
            if horizon is None:
                self._part(sub, part.title)
                continue
            base: Data = {"horizon": horizon}
            extra = _PARENS.search(sub.title)
            heading_link = _LINK.search(sub.title)
            if heading_link and re.fullmatch(
                URL_PATTERN, heading_link.group(1) or heading_link.group(2)
            ):
                # A tracking issue linked from the heading tracks every item under it.
                base["ticket"] = heading_link.group(1) or heading_link.group(2)
            elif extra:
                said = extra.group(1)
                link = _LINK.search(said)
                if re.fullmatch(r"(completed?|done)", said.strip(), re.IGNORECASE):
                    base["status"] = "done"
                elif link and re.fullmatch(URL_PATTERN, link.group(1) or link.group(2)):
                    base["ticket"] = link.group(1) or link.group(2)
                else:
                    base["timeframe"] = said.strip()
            rest += self._action_blocks(sub.blocks, base)
        return rest

    def _action_blocks(self, blocks: list[Block], base: Data) -> list[Block]:
        items = self.d.setdefault("action_items", [])
        rest = []
        for block in blocks:
            if block.kind == "list":
                items += [_action(item, base) for item in block.items if item.text.strip()]
            elif block.kind == "table":
                items += _action_rows(block, base)
            else:
                rest.append(block)
        return rest

    def _timeline(self, part: Part) -> list[Block]:
        events = self.d.setdefault("timeline", [])
        rest: list[Block] = []
        for block in part.blocks:
            if block.kind == "text" and zone_line(block.text) and not self._entry(block.text):
                self.zone = self.zone or zone_line(block.text)
                self.timeline_rest.append(block)
            elif block.kind == "list":
                loose = [i for i in block.items if not self._item_event(i, events)]
                if loose:
                    rest.append(Block("list", block.line, items=loose))
            elif (block.kind == "table" and self._rows(block, events)) or (
                block.kind == "text" and self._paragraph(block.text, events)
            ):
                pass  # read as events
            elif block.kind == "code" and block.text.strip():
                self._error(block, part.title)
            else:
                rest.append(block)
        for sub in part.parts:
            moment = entry_time(sub.title, self.day, alone=True)
            text = "\n\n".join(b.text.strip() for b in sub.blocks if b.kind == "text")
            if moment is None or not (text or moment.rest):
                self._part(sub, part.title)
                continue
            self._event(events, moment, "\n\n".join(filter(None, [moment.rest, text])))
            rest += [b for b in sub.blocks if b.kind != "text"]
        self.timeline_rest += rest
        return []

    def _entry(self, text: str) -> Moment | None:
        return entry_time(text.strip(), self.day)

    def _item_event(self, item: Item, events: list[Data]) -> bool:
        moment = self._entry(item.text)
        if moment is None:
            return False
        nested = "; ".join(ib.item_text(c) for c in item.children)
        self._event(events, moment, "; ".join(filter(None, [moment.rest, nested])))
        for code in item.code:
            self._error(code, "Timeline")
        return True

    def _paragraph(self, text: str, events: list[Data]) -> bool:
        lines = ib.lines_of(text)
        if not lines or self._entry(lines[0]) is None:
            return False
        for line in lines:
            moment = self._entry(line)
            if moment:
                self._event(events, moment, moment.rest)
            else:
                events[-1]["text"] += "\n" + line
        return True

    def _rows(self, block: Block, events: list[Data]) -> bool:
        heads = [normalize(c) for c in block.columns]
        at = next(
            (
                n
                for n, h in enumerate(heads)
                if h.split(" ")[0] in ("time", "date", "when", "timestamp")
            ),
            None,
        )
        if at is None or not block.rows:
            return False
        moments = [
            entry_time(row[at], self.day, alone=True) if at < len(row) else None
            for row in block.rows
        ]
        if any(m is None for m in moments):
            return False
        who = next((n for n, h in enumerate(heads) if h in ("who", "owner", "actor", "by")), None)
        for row, moment in zip(block.rows, moments, strict=True):
            assert moment is not None
            text = " | ".join(c for n, c in enumerate(row) if n not in (at, who) and c)
            self._event(
                events,
                moment,
                text or moment.as_written,
                row[who] if who is not None and who < len(row) else None,
            )
        return True

    def _event(self, events: list[Data], moment: Moment, text: str, who: str | None = None) -> None:
        if moment.dated:
            self.day = moment.at.date()
        zone = moment.zone
        self.zone = self.zone or zone
        at = moment.at.strftime("%Y-%m-%d %H:%M")
        if zone and zone != self.zone:
            at = f"{moment.at:%Y-%m-%dT%H:%M}{'+00:00' if zone == 'UTC' else zone}"
        event: Data = {"at": at}
        if moment.approximate:
            event["approximate"] = True
        event["as_written"] = moment.as_written[:80]
        if who:
            event["who"] = who
        event["text"] = (text.strip() or moment.as_written)[: ib.TEXT_MAX]
        if len(events) >= ib.ITEMS_MAX:
            # Past the timeline's cap, entries are kept as the source wrote them.
            line = f"{moment.as_written} {event['text']}"
            self.timeline_rest.append(Block("list", 0, items=[Item(text=line, line=0)]))
            return
        events.append(event)


def _action(item: Item, base: Data) -> Data:
    text = (
        ib.item_text(item)
        if item.checked is None
        else "; ".join(filter(None, [item.text.strip(), *(ib.item_text(c) for c in item.children)]))
    )
    action: Data = {"text": text[: ib.LINE_MAX]}
    owner = _OWNER.search(text)
    if owner:
        action["owner"] = "@" + owner.group(1)
    if item.checked is not None:
        action["status"] = "done" if item.checked else "open"
    elif _DONE.search(text):
        action["status"] = "done"
    priority = _PRIORITY.search(text)
    if priority:
        action["priority"] = priority.group(1)
    for key, value in base.items():
        action.setdefault(key, value)
    for match in _LINK.finditer(text):
        url = match.group(1) or match.group(2)
        if _TICKET.search(url) and re.fullmatch(URL_PATTERN, url):
            action["ticket"] = url
            break
    return action


def _action_rows(block: Block, base: Data) -> list[Data]:
    heads = [normalize(c) for c in block.columns]
    roles = {
        "owner": ("owner", "assignee", "who"),
        "status": ("status", "state"),
        "priority": ("priority",),
        "ticket": ("ticket", "issue", "link", "jira"),
    }
    found = {
        key: next((n for n, h in enumerate(heads) if h in names), None)
        for key, names in roles.items()
    }
    used = {n for n in found.values() if n is not None}
    out = []
    for row in block.rows:
        text = " | ".join(c for n, c in enumerate(row) if n not in used and c)
        if not text:
            continue
        item = _action(Item(text=text, line=block.line), base)
        for key, n in found.items():
            if n is None or n >= len(row) or not row[n].strip():
                continue
            value = row[n].strip()
            if key == "owner":
                item["owner"] = value
            elif key == "priority":
                item["priority"] = value[:80]
            elif key == "ticket":
                url = _LINK.search(value) or re.match(r"()(https?://\S+)", value)
                if url and re.fullmatch(URL_PATTERN, url.group(1) or url.group(2)):
                    item["ticket"] = url.group(1) or url.group(2)
                else:
                    item["text"] += f" ({block.columns[n]}: {value})"
            elif key == "status":
                status = _status(value)
                item["text"] += "" if status else f" ({block.columns[n]}: {value})"
                if status:
                    item["status"] = status
        out.append(item)
    return out


def _status(value: str) -> str | None:
    word = normalize(value).replace(" ", "-")
    table = {
        "done": "done",
        "completed": "done",
        "complete": "done",
        "fixed": "done",
        "open": "open",
        "todo": "open",
        "in-progress": "in-progress",
        "blocked": "blocked",
        "wont-do": "wont-do",
        "wontfix": "wont-do",
    }
    return table.get(word) or ("done" if _DONE.search(value) else None)


def _scalar(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value)) if value is not None else None


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
    stack = list(doc.parts)
    while stack:
        part = stack.pop(0)
        for block in part.blocks:
            if block.kind == "text" and block.text.strip():
                return block.text.strip()
        stack = part.parts + stack
    return None


def map_document(doc: Document, stem: str, given: Given) -> Mapped:
    """The format-2 values of a parsed postmortem; `stem` (the file name) names an untitled one."""
    return Mapper(doc, stem, given).run()
