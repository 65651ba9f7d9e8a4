"""The site's "Seen this error?" page: its signature index, its page and its script."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from types import SimpleNamespace

from .layout import page_uri, page_url
from .loader import Record
from .memo import Last
from .record_types import ID_PATTERN
from .signature_shards import MANIFEST, shard_files
from .signatures import build_index, source_of

__all__ = [
    "PAGE",
    "SCRIPT",
    "SIGNATURES",
    "page",
    "script",
    "signature_files",
    "signature_files_kept",
]

#: Where the three live in the site (docs paths).
PAGE = "seen.md"
SIGNATURES = MANIFEST
SCRIPT = "assets/nexus-pm/seen.js"


def _page_address(*, directory_urls: bool) -> dict[str, str]:
    """An incident's page relative to the site's root: the text around its id in lower case,
    and the shape of an id (read without case)."""
    marker = "inc-0000"
    url = page_url("/", page_uri(SimpleNamespace(id=marker.upper())), directory_urls=directory_urls)
    before, _, after = (url or "")[1:].partition(marker)
    return {"prefix": before, "suffix": after, "id": ID_PATTERN}


def signature_files(records: Sequence[Record], *, directory_urls: bool = True) -> dict[str, str]:
    """The signature index in pieces (signature_shards), by docs path: manifest, shards, titles.

    Read off the very index `nexus-pm match` builds, so the browser reads the same lines,
    weights and patterns, plus the matcher's rules (signature_export.program). Incidents
    are numbered in id order, as the index numbers them.
    """
    ordered = sorted(records, key=lambda r: r.incident.id)
    index = build_index(source_of(r.incident) for r in ordered)
    titles = [r.incident.title for r in ordered]
    return shard_files(index, titles, _page_address(directory_urls=directory_urls))


def signature_files_kept(
    records: Sequence[Record], *, directory_urls: bool, last: Last[dict[str, str]]
) -> dict[str, str]:
    """`signature_files`, made again in `serve` only when what they are made of changed."""
    read = sorted(
        ((r.incident.id, r.incident.title, source_of(r.incident)) for r in records),
        key=lambda x: x[0],
    )
    return last.get(
        (directory_urls, read), lambda: signature_files(records, directory_urls=directory_urls)
    )


def script() -> str:
    """The page's script: it normalises and ranks a paste as `nexus-pm match` does."""
    return resources.files("nexus_pm").joinpath("templates/assets/seen.js").read_text("utf-8")


def page(*, directory_urls: bool = True) -> str:
    """The page: a text box, a status line and a list the script fills with text nodes."""
    # The page's own address decides how the signature file is reached from it.
    root = "../" if directory_urls else "./"
    signatures = root + SIGNATURES
    # The manifest is preloaded: it arrives with the page's styles and scripts, not after
    # them (crossorigin="anonymous" is what lets the script's fetch take the preload).
    return f"""---
title: Seen this error?
search:
  exclude: true
---

# Seen this error?

Paste an error, or a whole log, and the past incidents whose errors it holds appear
below, best match first. It is matched in this page, against the errors of every
incident on the site: nothing you paste is sent anywhere. `nexus-pm match` gives the
same answer in a terminal.

<link rel="preload" href="{signatures}" as="fetch" crossorigin="anonymous">
<div class="nexus-seen" markdown="0" data-root="{root}"
  data-signatures="{signatures}">
<textarea id="nexus-seen-input" rows="14" spellcheck="false" autocomplete="off"
  aria-label="Error or log" placeholder="Paste an error or a log here"
  style="width:100%;font-family:var(--md-code-font-family,monospace);font-size:.8rem"></textarea>
<p id="nexus-seen-status" role="status" aria-live="polite"></p>
<ol id="nexus-seen-results"></ol>
</div>
"""
