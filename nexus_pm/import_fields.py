"""Sections that fill record fields: summary, impact, detection, errors, cause, fix, prevention, lessons."""

from __future__ import annotations

from . import import_blocks as ib
from .import_base import _PARENS, LANGUAGE, Data, MapperState
from .import_names import section_kind
from .importer import Block, Part, label_line

LESSON_LISTS = {"went_well": "went_well", "went_wrong": "went_wrong", "lucky": "lucky"}


def add_paragraph(holder: Data, key: str, text: str) -> None:
    """Put `text` after the paragraphs `holder[key]` holds, as the source had them in order."""
    holder[key] = "\n\n".join(filter(None, [holder.get(key), text.strip()]))


class FieldMapper(MapperState):
    """The handlers of the name table's field sections; each returns the blocks it did not take."""

    def _summary(self, part: Part) -> list[Block]:
        self.summary += [b.text.strip() for b in part.blocks if b.kind == "text"]
        self._subparts(part)
        return [b for b in part.blocks if b.kind != "text"]

    def _detection(self, part: Part) -> list[Block]:
        return self._text_into(part, self.d, "detection")

    def _text_into(self, part: Part, holder: Data, key: str) -> list[Block]:
        """The section's paragraphs into one prose field, after any it holds already; when
        they would pass the field's cap they stay blocks, kept whole, instead."""
        texts = [b.text.strip() for b in part.blocks if b.kind == "text"]
        joined = "\n\n".join(filter(None, [holder.get(key), *texts]))
        self._subparts(part)
        if not texts or len(joined) > ib.TEXT_MAX:
            return list(part.blocks)
        holder[key] = joined
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
                    add_paragraph(impact, "text", block.text)
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
        steps: list[Data] = []
        for sub in part.parts:
            if section_kind(sub.title):
                self._part(sub)
                continue
            finding, details = _finding(sub.blocks)
            if finding:
                steps.append(
                    {
                        "title": _unnumbered(sub.title, len(steps) + 1),
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
        return self._text_into(part, self.d.setdefault("cause", {}), "trigger")

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
        for block in part.blocks:
            if block.kind == "text":
                add_paragraph(fix, "summary", block.text)
            elif block.kind == "list":
                fix.setdefault("steps", []).extend(
                    {"title": t} for t in (ib.item_text(i) for i in block.items) if t
                )
        rest = [b for b in part.blocks if b.kind not in ("text", "list")]
        for sub in part.parts:
            codes = [b for b in sub.blocks if b.kind == "code" and b.text.strip()]
            if section_kind(sub.title) or len(codes) != 1 or len(sub.blocks) != 1 or sub.parts:
                self._part(sub, part.title)
                continue
            step = {"title": sub.title, "command": codes[0].text}
            if LANGUAGE.fullmatch(codes[0].info):
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
            kind = section_kind(sub.title)
            if kind in LESSON_LISTS or kind is None:
                rest += self._lesson_blocks(sub.blocks, lessons, sub.title)
            else:
                self._part(sub)
        return rest

    def _went_well(self, part: Part) -> list[Block]:
        return self._lesson_blocks(part.blocks, self.d.setdefault("lessons", {}), part.title)

    _went_wrong = _lucky = _went_well

    def _lesson_blocks(self, blocks: list[Block], lessons: Data, title: str | None) -> list[Block]:
        kind = section_kind(title) if title else None
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


def _finding(blocks: list[Block]) -> tuple[str, list[str]]:
    """A step's finding (its paragraphs before the first list) and details (the rest of its
    paragraphs and items, in the order written)."""
    lists = [b.line for b in blocks if b.kind == "list"]
    first = min(lists, default=None)
    said = [
        b.text.strip() for b in blocks if b.kind == "text" and (first is None or b.line < first)
    ]
    details: list[str] = []
    for block in blocks:
        if block.kind == "list":
            details += [ib.item_text(i) for i in block.items]
        elif block.kind == "text" and first is not None and block.line > first:
            details += ib.chunks(block.text.strip(), ib.LINE_MAX)
    finding = "\n\n".join(said)
    if not finding and details:
        finding = details.pop(0)
    return finding, details


def _unnumbered(title: str, number: int) -> str:
    """A step heading without the number the page writes before it: `2. Delete` -> `Delete`."""
    head, _, rest = title.partition(" ")
    return rest.strip() if rest.strip() and head in (f"{number}.", f"{number})") else title
