"""What a `serve` rebuild keeps of the generated pages: only a page whose inputs changed is rendered."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .connections import Connections
from .errors import display_path
from .loader import Record
from .memo import Memos
from .render import Renderer
from .views import Titled, titled


class PageCache:
    """Incident pages by their record and what they show of others; other pages by their views."""

    def __init__(self, memos: Memos | None = None) -> None:
        self._incidents: dict[str, _Incident] = {}
        self._listed: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        self._setup: object = None
        self._env: jinja2.Environment | None = None
        self.memos = memos or Memos()

    def renderer(self, *args: Any, **kwargs: Any) -> Renderer:
        """A `Renderer` that reuses the pages of the last build with the same setup."""
        setup = (repr(args), repr(sorted(kwargs.items())), _templates(args, kwargs))
        if setup != self._setup:
            # Another template, scale or day may change every page.
            self._incidents, self._listed, self._setup, self._env = {}, {}, setup, None
        renderer = _CachingRenderer(self._incidents, self._listed, *args, **kwargs)
        renderer.memos = self.memos
        # The same setup, the same environment: its templates stay compiled (about a
        # quarter of a rebuild's rendering at N=1,000 was compiling them again).
        if self._env is not None:
            renderer.env = self._env
        self._env = renderer.env
        return renderer


def _templates(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
    """A hash of every template override: an edited template renders every page afresh."""
    folder = kwargs.get("templates_dir", args[0] if args else None)
    if folder is None or not Path(folder).is_dir():
        return b""
    parts = [
        (p.relative_to(folder).as_posix().encode(), p.read_bytes())
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    ]
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


@dataclass(frozen=True)
class _Incident:
    """An incident page and all it was made from."""

    record: Record
    related: tuple[Titled | str, ...]
    source: str
    kb: Connections | None
    page: str


class _CachingRenderer(Renderer):
    def __init__(
        self,
        incidents: dict[str, _Incident],
        listed: dict[tuple[str, str], tuple[dict[str, Any], str]],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._incidents = incidents
        self._listed = listed

    def incident(
        self, record: Record, by_id: dict[str, Record], kb: Connections | None = None
    ) -> str:
        # The page shows its record (the same object while its file's bytes are the same),
        # the id, title and page of each incident it relates, where the record lives, and
        # its connections: with all of them the same, so is the page.
        related = tuple(
            titled(by_id[x]) if x in by_id else x for x in record.incident.related.incidents
        )
        source = display_path(record.path)
        kept = self._incidents.get(record.incident.id)
        if (
            kept is not None
            and kept.record is record
            and kept.related == related
            and kept.source == source
            and kept.kb == kb
        ):
            return kept.page
        page = super().incident(record, by_id, kb)
        self._incidents[record.incident.id] = _Incident(record, related, source, kb, page)
        return page

    def _render(self, template: str, uri: str, **context: Any) -> str:
        if template == "incident.md.j2":
            return super()._render(template, uri, **context)
        # Every other page is made from views of plain values (rows, links, counts): an equal
        # view renders the same page, and comparing views costs far less than rendering.
        kept = self._listed.get((template, uri))
        if kept is not None and kept[0] == context:
            return kept[1]
        page = super()._render(template, uri, **context)
        self._listed[(template, uri)] = (context, page)
        return page
