"""Every page and asset the site generates from the records: the plugin and `generate` share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import feeds
from .images import repo_images
from .index_script import INDEX_SCRIPT, index_script
from .layout import page_uri
from .loader import Record
from .memo import Memos
from .models import Status
from .reference import reference_page
from .render import Renderer
from .search import SEARCH_SCRIPT, search_script
from .signature_file import PAGE, SCRIPT, page, script, signature_files, signature_files_kept


@dataclass
class Generated:
    """Markdown pages, generated files and repo images, each by its path in the docs tree."""

    pages: dict[str, str] = field(default_factory=dict)
    #: Made here (the signature index and its script, the feed, the export).
    files: dict[str, bytes] = field(default_factory=dict)
    #: Copied from the repo; a copy already in the docs folder serves as well.
    images: dict[str, bytes] = field(default_factory=dict)
    #: The record behind each incident page, for its "edit this page" link.
    sources: dict[str, Path] = field(default_factory=dict)
    #: With `generate(html=True)`: the pages `page_html` makes, their templates and views.
    views: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


def shown(records: Sequence[Record], *, drafts: bool) -> list[Record]:
    """The records a site publishes: drafts only when asked for."""
    return [r for r in records if drafts or r.incident.status is not Status.DRAFT]


def repo_files(repo_url: str | None) -> str | None:
    """The web address repo paths are appended to, for links from prose."""
    # GitHub's and GitLab's web views both serve a file of the default branch under this.
    return f"{repo_url.rstrip('/')}/blob/HEAD/" if repo_url else None


def generate(
    records: Sequence[Record],
    *,
    root: Path,
    templates: Path,
    severities: Sequence[str],
    repo_url: str | None,
    directory_urls: bool = True,
    today: dt.date | None = None,
    site: tuple[str, str | None] = ("", None),
    html: bool = False,
    renderer: Callable[..., Renderer] = Renderer,
    memos: Memos | None = None,
) -> Generated:
    """The pages of `records` (already filtered by `shown`); raises NexusError for a bad image.

    `renderer` makes the `Renderer` and `memos` keeps per-record parts of the files; `serve`
    passes ones that keep what an edit did not change.
    """
    images = repo_images(records, root)
    made = renderer(templates, severities, repo_files(repo_url), today)
    pages = made.site(records, html=html)
    pages["reference/schema.md"] = reference_page()
    # "Seen this error?": the page, and the signature index its script matches against.
    pages[PAGE] = page(directory_urls=directory_urls)
    files = {
        path: text.encode()
        for path, text in (
            signature_files_kept(records, directory_urls=directory_urls, last=memos.signatures)
            if memos
            else signature_files(records, directory_urls=directory_urls)
        ).items()
    }
    files |= {
        SCRIPT: script().encode(),
        INDEX_SCRIPT: index_script().encode(),
        SEARCH_SCRIPT: search_script().encode(),
    }
    # The feed and the export, for other tools to read the knowledge base; `site` is the
    # site's name and URL, which the feed's links need.
    name, url = site
    files[feeds.FEED] = feeds.atom(records, name, url, directory_urls).encode()
    files[feeds.EXPORT] = feeds.export(records, memos.export if memos else None).encode()
    sources = {page_uri(r.incident): r.path for r in records}
    return Generated(pages, files, images, sources, made.views)
