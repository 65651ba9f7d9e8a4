"""Read a Markdown postmortem into front matter, a lead and a tree of sections, with markdown-it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .import_names import NAMES, normalize

_LABEL = re.compile(
    r"^\*\*([^*\n]{1,60}?):?\*\*:?[ \t]*(.*)$|^([A-Z][\w /&().-]{0,40}):[ \t]+(\S.*)$"
)
_TASK = re.compile(r"^\[([ xX])\]\s+")
# One parser for the whole run: building one (its rule chains) costs more than parsing a file.
_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")


@dataclass
class Item:
    """One list item: its inline Markdown, a task box if it had one, and nested items."""

    text: str
    line: int
    checked: bool | None = None
    children: list[Item] = field(default_factory=list)
    code: list[Block] = field(default_factory=list)


@dataclass
class Block:
    """One block of the source: text, list, code, table, quote or html."""

    kind: str
    line: int
    text: str = ""
    info: str = ""
    ordered: bool = False
    items: list[Item] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Part:
    """A heading and what follows it up to the next heading of its level or above."""

    title: str
    level: int
    line: int
    blocks: list[Block] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)


@dataclass
class Document:
    """A parsed postmortem."""

    title: str | None
    title_line: int
    front: dict[str, Any]
    lead: list[Block]
    parts: list[Part]
    front_problem: str | None = None


def label_line(line: str) -> tuple[str, str] | None:
    """`**Date:** May 1` or `Date: May 1` as (label, value); None for any other line."""
    match = _LABEL.match(line.strip())
    if not match:
        return None
    label, value = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    label = label.strip().rstrip(":").strip()
    return (label, value.strip()) if label and value.strip() else None


def split_front(text: str) -> tuple[dict[str, Any], str, int, str | None]:
    """Front matter (YAML `---` or TOML `+++`), the rest, the lines it took, and a problem."""
    lines = text.split("\n")
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++") or len(lines) < 2:
        return {}, text, 0, None
    for end in range(1, len(lines)):
        if lines[end].strip() == fence or (fence == "---" and lines[end].strip() == "..."):
            body = "\n".join(lines[1:end])
            rest = "\n".join([""] * (end + 1) + lines[end + 1 :])
            try:
                data = tomllib.loads(body) if fence == "+++" else yaml.safe_load(body)
            except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError) as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                return {}, text, 0, f"front matter is not valid: {first}"
            if data is None:
                data = {}
            if not isinstance(data, dict):
                return {}, text, 0, "front matter is not a mapping"
            return data, rest, end + 1, None
    return {}, text, 0, None


def parse(text: str) -> Document:
    """Parse Markdown into a Document; headings nest by level, ATX or setext alike."""
    front, body, _, problem = split_front(text)
    source = body.split("\n")
    tokens = _PARSER.parse(body)
    root = Part(title="", level=0, line=1)
    stack = [root]
    pieces = _top_level(tokens, source)
    for n, (kind, payload, line) in enumerate(pieces):
        if kind == "block" and _plain_heading(payload, pieces[n + 1 : n + 2]):
            # "Action Items" on a line of its own, then a list: a heading in all but markup.
            kind, payload = "heading", (stack[-1].level + 1, payload.text.strip())
        if kind == "heading":
            level, title = payload
            while stack[-1].level >= level:
                stack.pop()
            part = Part(title=title, level=level, line=line)
            stack[-1].parts.append(part)
            stack.append(part)
        else:
            stack[-1].blocks.append(payload)
    title, title_line = None, 1
    parts = root.parts
    lead = root.blocks
    # The first heading is the title when no other heading shares or tops its level.
    if parts and not lead_has_text(lead):
        first = parts[0]
        if all(p.level > first.level for p in parts[1:]) or len(parts) == 1:
            title, title_line = first.title, first.line
            lead = lead + first.blocks
            parts = first.parts + parts[1:]
    return Document(title, title_line, front, lead, parts, problem)


def _plain_heading(block: Block, after: list[tuple[str, Any, int]]) -> bool:
    if block.kind != "text" or "\n" in block.text.strip() or len(block.text) > 80:
        return False
    follows = after[0][1].kind if after and after[0][0] == "block" else None
    return follows in ("list", "table") and normalize(block.text) in NAMES


def lead_has_text(blocks: list[Block]) -> bool:
    return any(b.kind != "rule" for b in blocks)


def _top_level(tokens: list[Token], source: list[str]) -> list[tuple[str, Any, int]]:
    out: list[tuple[str, Any, int]] = []
    n = 0
    while n < len(tokens):
        token = tokens[n]
        line = token.map[0] + 1 if token.map else 1
        end = _close(tokens, n)
        if token.type == "heading_open":
            out.append(("heading", (int(token.tag[1]), tokens[n + 1].content.strip()), line))
        elif token.type == "paragraph_open":
            out.append(("block", Block("text", line, text=tokens[n + 1].content), line))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            items = _items(tokens[n + 1 : end], token.level + 1)
            ordered = token.type == "ordered_list_open"
            out.append(("block", Block("list", line, ordered=ordered, items=items), line))
        elif token.type in ("fence", "code_block"):
            info = token.info.strip().split()[0] if token.info.strip() else ""
            out.append(("block", Block("code", line, text=token.content, info=info), line))
        elif token.type == "table_open":
            out.append(("block", _table(tokens[n:end], line), line))
        elif token.type == "blockquote_open" and token.map:
            quoted = "\n".join(source[token.map[0] : token.map[1]]).rstrip("\n")
            out.append(("block", Block("quote", line, text=quoted), line))
        elif token.type == "html_block":
            out.append(("block", Block("html", line, text=token.content.rstrip("\n")), line))
        # A thematic break (`---`) holds no text: it is structure, like a heading's marks.
        n = end + 1
    return out


def _close(tokens: list[Token], start: int) -> int:
    """Index of the token that closes `tokens[start]` (itself when it closes nothing)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for n in range(start, len(tokens)):
        depth += tokens[n].nesting
        if depth == 0:
            return n
    return len(tokens) - 1


def _items(tokens: list[Token], level: int) -> list[Item]:
    items: list[Item] = []
    n = 0
    while n < len(tokens):
        token = tokens[n]
        if token.type == "list_item_open" and token.level == level:
            end = _close(tokens, n)
            items.append(_item(tokens[n + 1 : end], level + 1, token))
            n = end
        n += 1
    return items


def _item(tokens: list[Token], level: int, opening: Token) -> Item:
    texts: list[str] = []
    item = Item(text="", line=opening.map[0] + 1 if opening.map else 1)
    n = 0
    while n < len(tokens):
        token = tokens[n]
        end = _close(tokens, n)
        if token.level == level:
            if token.type == "paragraph_open":
                texts.append(tokens[n + 1].content)
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                item.children += _items(tokens[n + 1 : end], level + 1)
            elif token.type in ("fence", "code_block"):
                info = token.info.strip().split()[0] if token.info.strip() else ""
                item.code.append(Block("code", item.line, text=token.content, info=info))
            elif token.type == "html_block":
                texts.append(token.content.rstrip("\n"))
        n = end + 1
    text = "\n".join(texts)
    box = _TASK.match(text)
    if box:
        item.checked = box.group(1) != " "
        text = text[box.end() :]
    item.text = text
    return item


def _table(tokens: list[Token], line: int) -> Block:
    block = Block("table", line)
    row: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline":
            row.append(token.content.strip())
        elif token.type == "tr_close":
            if not block.columns:
                block.columns = row
            else:
                block.rows.append(row)
    return block


def inline_text(block: Block) -> list[str]:
    """Every piece of text a block holds, as written: what an import must keep."""
    if block.kind == "list":
        return [t for item in block.items for t in _item_text(item)]
    if block.kind == "table":
        return block.columns + [cell for row in block.rows for cell in row]
    return [block.text]


def _item_text(item: Item) -> list[str]:
    found = [item.text]
    for child in item.children:
        found += _item_text(child)
    for code in item.code:
        found.append(code.text)
    return found
