"""The site's "Seen this error?" page: its signature file, its page and its script."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from types import SimpleNamespace
from typing import Any

from .layout import page_uri, page_url
from .loader import Record
from .memo import Last
from .signature_export import program
from .signatures import build_index, source_of

__all__ = ["PAGE", "SCRIPT", "SIGNATURES", "page", "script", "signature_data", "signature_file"]

#: Where the three live in the site (docs paths).
PAGE = "seen.md"
SIGNATURES = "assets/nexus-pm/signatures.json"
SCRIPT = "assets/nexus-pm/seen.js"


def _page_address(*, directory_urls: bool) -> dict[str, str]:
    """An incident's page relative to the site's root, as the text around its id in lower case."""
    marker = "inc-0000"
    url = page_url("/", page_uri(SimpleNamespace(id=marker.upper())), directory_urls=directory_urls)
    before, _, after = (url or "")[1:].partition(marker)
    return {"prefix": before, "suffix": after}


def signature_data(records: Sequence[Record], *, directory_urls: bool = True) -> dict[str, Any]:
    """Per incident (by id): its title and its signature lines and patterns, as indexed.

    Read off the very index `nexus-pm match` builds, so the browser indexes the same
    lines in the same order, plus the matcher's rules (signature_export.program). Each
    distinct line is written once (`lines`) and an incident names its lines by position,
    and pages are named after ids (`page`), which keeps the file small at thousands of
    incidents: many share an error, and ids and titles are most of what is left.
    """
    ordered = sorted(records, key=lambda r: r.incident.id)
    index = build_index(source_of(r.incident) for r in ordered)
    incidents: list[dict[str, Any]] = [
        {"id": r.incident.id, "title": r.incident.title, "lines": [], "patterns": []}
        for r in ordered
    ]
    lines: dict[str, int] = {}
    for entry in index.entries:
        number = lines.setdefault(entry.signature, len(lines))
        incidents[entry.incident]["lines"].append(number)
    for pattern in index.patterns:
        incidents[pattern.incident]["patterns"].append(
            {"raw": pattern.raw, "pieces": list(pattern.pieces)}
        )
    for incident in incidents:
        # Most incidents have neither; the script reads a missing list as an empty one.
        for key in ("lines", "patterns"):
            if not incident[key]:
                del incident[key]
    return {
        "format": 2,
        "program": program(),
        "page": _page_address(directory_urls=directory_urls),
        "lines": list(lines),
        "incidents": incidents,
    }


def signature_file(
    records: Sequence[Record], *, directory_urls: bool = True, last: Last[str] | None = None
) -> str:
    """The signature file: compact JSON, `<` escaped so that no reader can take it for markup.

    With `last` (serve), the file is written again only when what it is made of changed.
    """
    if last is None:
        return _signature_file(records, directory_urls)
    read = sorted(
        ((r.incident.id, r.incident.title, source_of(r.incident)) for r in records),
        key=lambda x: x[0],
    )
    return last.get((directory_urls, read), lambda: _signature_file(records, directory_urls))


def _signature_file(records: Sequence[Record], directory_urls: bool) -> str:
    data = signature_data(records, directory_urls=directory_urls)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def script() -> str:
    """The page's script: it normalises and ranks a paste as `nexus-pm match` does."""
    return resources.files("nexus_pm").joinpath("templates/assets/seen.js").read_text("utf-8")


def page(*, directory_urls: bool = True) -> str:
    """The page: a text box, a status line and a list the script fills with text nodes."""
    # The page's own address decides how the signature file is reached from it.
    root = "../" if directory_urls else "./"
    signatures = root + SIGNATURES
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

<div class="nexus-seen" markdown="0" data-root="{root}"
  data-signatures="{signatures}">
<textarea id="nexus-seen-input" rows="14" spellcheck="false" autocomplete="off"
  aria-label="Error or log" placeholder="Paste an error or a log here"
  style="width:100%;font-family:var(--md-code-font-family,monospace);font-size:.8rem"></textarea>
<p id="nexus-seen-status" role="status" aria-live="polite"></p>
<ol id="nexus-seen-results"></ol>
</div>
"""
