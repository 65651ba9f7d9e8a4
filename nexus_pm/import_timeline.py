"""Timeline events from lists, paragraphs, tables and time headings, with their zone and day."""

from __future__ import annotations

import datetime as dt
import re

from . import import_blocks as ib
from .import_base import Data, MapperState
from .import_names import normalize
from .import_times import Moment, entry_time, offset, parse_date, zone_line
from .importer import Block, Item, Part

# The heads of a timeline table's time and date columns, by their first word.
TIME_HEADS = {"time", "when", "timestamp", "zeit", "uhrzeit", "hora", "heure", "ora"}
_ZONE_HEAD = re.compile(r"\(\s*([A-Z]{1,5})\s*([+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)")
DATE_HEADS = {"date", "day", "datum", "fecha", "data", "tag", "jour"}


def _moment(
    row: list[str], at: int, day: int | None, clock: int | None, carried: dt.date
) -> Moment | None:
    if day is not None and clock is not None:
        if max(day, clock) >= len(row):
            return None
        return entry_time(f"{row[day]} {row[clock]}", carried, alone=True)
    return entry_time(row[at], carried, alone=True) if at < len(row) else None


class TimelineMapper(MapperState):
    """The timeline section: each entry that starts with a time is an event."""

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
            day = parse_date(sub.title) if moment is None else None
            if day is not None:
                # A heading per day (`### 2024-04-09`), its entries under it.
                self.day = day
                self._timeline(sub)
                continue
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
        heads = [normalize(c).split(" ")[0] for c in block.columns]
        at = next((n for n, h in enumerate(heads) if h in TIME_HEADS | DATE_HEADS), None)
        if at is None or not block.rows:
            return False
        # A date column and a time column beside it are read as one time.
        clock = next((n for n, h in enumerate(heads) if h in TIME_HEADS and n != at), None)
        day = at if heads[at] in DATE_HEADS and clock is not None else None
        moments = [_moment(row, at, day, clock, self.day) for row in block.rows]
        # A zone in the time column's head, `Time (UTC)`, is the zone of every row.
        head_zone = _ZONE_HEAD.search(block.columns[at if clock is None else clock])
        if head_zone and all(moments):
            self.zone = self.zone or offset(head_zone.group(1), head_zone.group(2))
        if any(m is None for m in moments):
            return False
        who = next((n for n, h in enumerate(heads) if h in ("who", "owner", "actor", "by")), None)
        for row, moment in zip(block.rows, moments, strict=True):
            assert moment is not None
            used = (at, who, clock if day is not None else None)
            text = " | ".join(c for n, c in enumerate(row) if n not in used and c)
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
