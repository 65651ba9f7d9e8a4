"""Action items from lists, task lists and tables, grouped by horizon headings."""

from __future__ import annotations

import re

from . import import_blocks as ib
from .import_base import _PARENS, Data, MapperState
from .import_names import normalize
from .importer import Block, Item, Part
from .record_types import URL_PATTERN

_OWNER = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.-]{0,38})")
_LINK = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")
_TICKET = re.compile(r"/(issues|pull|browse|tickets?)/|jira", re.IGNORECASE)
_DONE = re.compile(r"✅|✔|\((done|completed?|fixed)\)|\[(done|completed?)\]", re.IGNORECASE)
_PRIORITY = re.compile(r"\b(P[0-4])\b")
_URL = re.compile(URL_PATTERN)
_BARE_URL = re.compile(r"()(https?://\S+)")
_LINK_TEXT = re.compile(r"\[([^\]]*)\]\(")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DONE_WORD = re.compile(r"(completed?|done)", re.IGNORECASE)
HORIZONS = {"immediate": "immediate", "short": "short-term", "long": "long-term"}
# The values a status column writes, normalized, and the status each means.
STATUSES = {
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


class ActionMapper(MapperState):
    """The action items section and its horizon subsections."""

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
            if heading_link and _URL.fullmatch(heading_link.group(1) or heading_link.group(2)):
                # A tracking issue linked from the heading tracks every item under it.
                base["ticket"] = heading_link.group(1) or heading_link.group(2)
            elif extra:
                said = extra.group(1)
                link = _LINK.search(said)
                if _DONE_WORD.fullmatch(said.strip()):
                    base["status"] = "done"
                elif link and _URL.fullmatch(link.group(1) or link.group(2)):
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
        if _TICKET.search(url) and _URL.fullmatch(url):
            action["ticket"] = url
            break
    return action


def _action_rows(block: Block, base: Data) -> list[Data]:
    heads = [normalize(c) for c in block.columns]
    roles = {
        "owner": ("owner", "assignee", "who"),
        "status": ("status", "state"),
        "priority": ("priority",),
        "ticket": ("ticket", "issue", "link", "jira", "bug", "tracking"),
        "due": ("due", "due date", "deadline", "target date", "eta"),
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
                url = _LINK.search(value) or _BARE_URL.match(value)
                if url and _URL.fullmatch(url.group(1) or url.group(2)):
                    item["ticket"] = url.group(1) or url.group(2)
                    # The page links the ticket by its address: a name such as PAY-881 stays.
                    name = _LINK_TEXT.match(value)
                    if name and name.group(1).strip() and name.group(1) != item["ticket"]:
                        item["text"] += f" ({block.columns[n]}: {name.group(1).strip()})"
                else:
                    item["text"] += f" ({block.columns[n]}: {value})"
            elif key == "due" and _ISO_DAY.fullmatch(value):
                item["due"] = value
            elif key == "due":
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
    return STATUSES.get(word) or ("done" if _DONE.search(value) else None)
