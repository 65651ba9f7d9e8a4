"""Where every page lives: docs paths, public URLs, relative links and anchors."""

from __future__ import annotations

import functools
import posixpath
import re
from typing import Protocol
from urllib.parse import urljoin

INCIDENT_INDEX = "incidents/index.md"
CHECKLIST = "checklist.md"
RULES = "rules.md"
REFERENCE = "reference/schema.md"
#: The kinds of group page, each a folder with an index of its groups.
GROUP_KINDS = ("services", "tags", "severity")


class HasId(Protocol):
    """Anything with an incident id: a record's incident, a reference to one."""

    @property
    def id(self) -> str: ...


def page_uri(incident: HasId) -> str:
    """The docs path of an incident's page, e.g. `incidents/inc-0001.md`."""
    return f"incidents/{incident.id.lower()}.md"


def group_uri(kind: str, name: str) -> str:
    """The docs path of one service's, tag's or severity's page."""
    return f"{kind}/{name.lower()}.md"


def image_uri(repo_path: str) -> str:
    """The docs path a repo image is published at, e.g. `assets/repo/docs/graph.png`."""
    return f"assets/repo/{repo_path}"


def groups_uri(kind: str) -> str:
    """The docs path of the page listing every group of a kind."""
    return f"{kind}/index.md"


def slug(value: str) -> str:
    """An anchor: lowercase ASCII letters and digits, every other run of characters a `-`."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def rule_anchor(rule_id: str) -> str:
    """The Rules page anchor of a rule."""
    return slug(rule_id)


@functools.lru_cache(maxsize=16384)
def relative(target: str, start: str) -> str:
    """A link from a page in folder `start` to the docs path `target`."""
    # Group pages link the same few thousand targets from a handful of folders; rooting
    # both paths also spares relpath an os.getcwd() call on every link.
    return posixpath.relpath("/" + target, "/" + start)


def page_url(site_url: str | None, page: str, *, directory_urls: bool = True) -> str | None:
    """The public URL of a docs page such as `incidents/inc-0001.md`, if the site has one."""
    if not site_url:
        return None
    stem = page.removesuffix(".md")
    path = (
        (stem.removesuffix("index") if stem.endswith("index") else stem + "/")
        if directory_urls
        else stem + ".html"
    )
    return urljoin(site_url.rstrip("/") + "/", path)
