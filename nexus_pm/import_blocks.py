"""Markdown blocks as the blocks of supporting sections, verbatim, within the record's caps."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from .importer import Block, Item, label_line
from .record_types import LANGUAGE_PATTERN, URL_PATTERN

# The caps of record_types and record_sections: a block over one is split, not cut.
TEXT_MAX = 20_000
LINE_MAX = 2_000
VERBATIM_MAX = 100_000
ITEMS_MAX = 1_000
BLOCKS_MAX = 100
SECTIONS_MAX = 100
Data = dict[str, Any]
_LANGUAGE = re.compile(LANGUAGE_PATTERN)
_URL = re.compile(URL_PATTERN)


def chunks(text: str, most: int) -> list[str]:
    """`text` in pieces of at most `most` characters, cut at line ends where it can be."""
    pieces: list[str] = []
    while len(text) > most:
        cut = text.rfind("\n", 0, most)
        cut = cut + 1 if cut > most // 2 else most
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text] if text else pieces


def item_text(item: Item) -> str:
    """A list item's text with its nested items after it, so nothing of it is lost."""
    text = item.text.strip()
    if item.checked is not None:
        text = f"[{'x' if item.checked else ' '}] {text}"
    out = text
    for child in item.children:
        nested = item_text(child)
        if not nested:
            continue
        # `Apply the fix:` then its sub-items reads on: `Apply the fix: remove; copy`.
        out = f"{out}{' ' if out.endswith(':') else '; '}{nested}" if out else nested
    return out


def facts_of(lines: list[str]) -> list[Data] | None:
    """Label/value facts when every line is `Label: value`; otherwise None."""
    pairs = [label_line(line) for line in lines if line.strip()]
    if not pairs or any(p is None for p in pairs):
        return None
    return [{"label": p[0][:LINE_MAX], "value": p[1][:LINE_MAX]} for p in pairs if p]


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def to_blocks(blocks: list[Block], title: str | None = None) -> list[Data]:
    """The record blocks for `blocks`, the first titled `title` when its kind takes a title."""
    out: list[Data] = []
    for block in blocks:
        out += _one(block)
    if title and out and out[0]["kind"] != "text" and "title" not in out[0]:
        out[0] = {"kind": out[0]["kind"], "title": title[:LINE_MAX], **out[0]}
    elif title and out:
        out.insert(0, {"kind": "text", "text": title})
    return out


def _one(block: Block) -> list[Data]:
    if block.kind == "text":
        facts = facts_of(block.text.split("\n"))
        if facts and len(block.text) <= TEXT_MAX:
            return [{"kind": "facts", "facts": facts}]
        return [{"kind": "text", "text": t} for t in chunks(block.text.strip(), TEXT_MAX)]
    if block.kind == "list":
        texts = [item_text(item) for item in block.items]
        facts = facts_of(texts)
        out: list[Data] = []
        if facts and all(len(t) <= LINE_MAX for t in texts):
            out.append({"kind": "facts", "facts": facts})
        else:
            out += list_blocks(texts, ordered=block.ordered)
        for item in block.items:
            out += [b for code in _codes(item) for b in _one(code)]
        return out
    if block.kind == "code":
        return code_blocks(block.text, block.info)
    if block.kind == "table":
        return [_table(block)] if block.columns else []
    if block.kind == "quote":
        return [{"kind": "log", "content": t} for t in chunks(block.text, VERBATIM_MAX)]
    if block.kind == "html":
        found = [{"kind": "text", "text": t} for t in chunks(block.text.strip(), TEXT_MAX) if t]
        links = images(block.text)
        return found + ([{"kind": "links", "links": links[:BLOCKS_MAX]}] if links else [])
    return []


def _codes(item: Item) -> list[Block]:
    return item.code + [code for child in item.children for code in _codes(child)]


def list_blocks(texts: list[str], *, ordered: bool = False) -> list[Data]:
    """List blocks for `texts`: a long item is split over items, a long list over blocks."""
    items = [piece for text in texts for piece in chunks(text, LINE_MAX) if piece.strip()]
    return [
        {
            "kind": "list",
            **({"ordered": True} if ordered else {}),
            "items": items[n : n + ITEMS_MAX],
        }
        for n in range(0, len(items), ITEMS_MAX)
    ]


def code_blocks(code: str, info: str) -> list[Data]:
    """A fenced block: json, code in its language, or a log when it names none."""
    if not code.strip():
        return []
    language = info if _LANGUAGE.fullmatch(info) else ""
    out: list[Data] = []
    for piece in chunks(code, VERBATIM_MAX):
        if language.lower() == "json":
            out.append({"kind": "json", "content": piece})
        elif language:
            out.append({"kind": "code", "language": language, "code": piece})
        else:
            out.append({"kind": "log", "content": piece})
    return out


def _table(block: Block) -> Data:
    width = min(len(block.columns), 20)
    columns = [(c or f"Column {n + 1}")[:LINE_MAX] for n, c in enumerate(block.columns[:width])]
    rows = [[cell[:LINE_MAX] for cell in (row + [""] * width)[:width]] for row in block.rows]
    if not rows:
        rows = [[""] * width]
    return {"kind": "table", "columns": columns, "rows": rows[:ITEMS_MAX]}


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Data] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        src = values.get("src") or ""
        if tag == "img" and _URL.fullmatch(src):
            alt = (values.get("alt") or "").strip() or "Image"
            self.found.append({"title": alt[:LINE_MAX], "url": src})


def images(html: str) -> list[Data]:
    """An `<img>`'s address and alt text as a link: the image stays a link, nothing loads."""
    parser = _Images()
    parser.feed(html)
    parser.close()
    return parser.found


def fit_sections(sections: list[Data]) -> list[Data]:
    """Sections within the caps: one over the block cap continues in another of its title."""
    out: list[Data] = []
    for section in sections:
        blocks = section.get("blocks", [])
        if not blocks and not section.get("text"):
            continue
        for n in range(0, max(len(blocks), 1), BLOCKS_MAX):
            part = dict(section) if n == 0 else {"title": f"{section['title']} (continued)"}
            part["blocks"] = blocks[n : n + BLOCKS_MAX]
            if not part["blocks"]:
                del part["blocks"]
            out.append(part)
    return out
