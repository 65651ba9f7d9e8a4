"""Inline Markdown as the plain text a field shows when the page writes it without markup."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Emphasis, links and images are markup only in prose fields (summary, cause, text blocks);
# every other text (a timeline entry, an action, a list item, a table cell) is shown as it is
# written, so `**Problem:**` would show its stars. These paths take plain text instead.
PLAIN = [
    "title",
    "timeline.*.text",
    "timeline.*.who",
    "impact.details.*",
    "impact.figures.*.label",
    "impact.figures.*.value",
    "errors.*.where",
    "cause.analysis.steps.*.title",
    "cause.analysis.steps.*.details.*",
    "fix.steps.*.title",
    "fix.steps.*.result",
    "action_items.*.text",
    "action_items.*.timeframe",
    "lessons.learned.*",
    "lessons.went_well.*",
    "lessons.went_wrong.*",
    "lessons.lucky.*",
    "lessons.groups.*.title",
    "lessons.groups.*.items.*",
    "prevention.practices.*",
    "prevention.checklist.*.text",
    "sections.*.title",
    "sections.*.blocks.*.title",
    "sections.*.blocks.*.items.*",
    "sections.*.blocks.*.columns.*",
    "sections.*.blocks.*.rows.*.*",
    "sections.*.blocks.*.facts.*.label",
    "sections.*.blocks.*.facts.*.value",
]
# Prose fields keep their Markdown, but an entity (`&nbsp;`, `&eacute;`) would show as
# written: the page escapes `&`. It is decoded, unless it writes a character Markdown reads.
PROSE = [
    "summary",
    "impact.text",
    "detection",
    "cause.summary",
    "cause.root_causes.*",
    "cause.trigger",
    "cause.contributing_factors.*",
    "cause.analysis.steps.*.finding",
    "fix.summary",
    "lessons.summary",
    "sections.*.blocks.*.text",
]
_PLAIN = [tuple(path.split(".")) for path in PLAIN]
_PROSE = [tuple(path.split(".")) for path in PROSE]
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SYNTAX = set("\\`*_{}[]()#!|<>&~")


def entities(text: str) -> str:
    """`the&nbsp;payments` -> `the payments`; `&lt;` and `&#42;` stay, as Markdown needs them."""
    return _ENTITY.sub(_decoded, text) if "&" in text else text


def _decoded(match: re.Match[str]) -> str:
    char = html.unescape(match.group())
    if char == match.group() or char in _SYNTAX:
        return match.group()
    return " " if char == "\u00a0" else char


_PARSER = MarkdownIt("commonmark", {"html": True})
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MARKS = re.compile(r"[*_\[\]<>!&\\]")


def plain(text: str) -> str:
    """`**Problem:** see [the log](https://x.test/l)` -> `Problem: see the log (https://x.test/l)`.

    Code spans keep their backticks (the page shows them as code); a link's address follows
    its text, and an image is its alt text and address; raw HTML stays, shown as text, but for
    a `<br>`, which is a line break. Nothing but markup is dropped."""
    if not _MARKS.search(text):
        return text
    out: list[str] = []
    hrefs: list[str] = []
    starts: list[int] = []
    for line in _PARSER.parseInline(text):
        for token in line.children or []:
            _write(token, out, hrefs, starts)
    return "".join(out).strip()


def _write(token: Token, out: list[str], hrefs: list[str], starts: list[int]) -> None:
    kind = token.type
    if kind == "text":
        out.append(token.content.replace("\u00a0", " "))
    elif kind == "code_inline":
        out.append(f"{token.markup}{token.content}{token.markup}")
    elif kind in ("softbreak", "hardbreak"):
        out.append("\n")
    elif kind == "html_inline":
        out.append("\n" if _BREAK_TAG.fullmatch(token.content.strip()) else token.content)
    elif kind == "link_open":
        hrefs.append(str(token.attrs.get("href", "")))
        starts.append(len(out))
    elif kind == "link_close" and hrefs:
        href, start = hrefs.pop(), starts.pop()
        shown = "".join(out[start:])
        if href and href != shown and f"mailto:{shown}" != href:
            out.append(f" ({href})")
    elif kind == "image":
        alt = "".join(c.content for c in token.children or [])
        src = str(token.attrs.get("src", ""))
        out.append(f"{alt} ({src})" if alt else src)
    elif kind not in ("em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"):
        out.append(token.content or token.markup)


def plain_fields(data: dict[str, Any]) -> None:
    """Every value at a PLAIN path of a record's data as plain text, and at a PROSE path with
    its entities decoded; in place."""
    for path in _PLAIN:
        _visit(data, path, plain)
    for path in _PROSE:
        _visit(data, path, entities)


def _visit(node: Any, path: tuple[str, ...], change: Callable[[str], str]) -> None:
    head, rest = path[0], path[1:]
    if head == "*":
        keys: list[Any] = list(range(len(node))) if isinstance(node, list) else []
    else:
        keys = [head] if isinstance(node, dict) and head in node else []
    for key in keys:
        value = node[key]
        if rest:
            _visit(value, rest, change)
        elif isinstance(value, str):
            node[key] = change(value)
