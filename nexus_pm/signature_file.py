"""The site's "Seen this error?" page: its signature file, its page and its script."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

from .layout import page_uri, page_url
from .loader import Record
from .signature_export import program
from .signatures import build_index, source_of

__all__ = ["PAGE", "SCRIPT", "SIGNATURES", "page", "script", "signature_data", "signature_file"]

#: Where the three live in the site (docs paths).
PAGE = "seen.md"
SIGNATURES = "assets/nexus-pm/signatures.json"
SCRIPT = "assets/nexus-pm/seen.js"


def signature_data(records: Sequence[Record], *, directory_urls: bool = True) -> dict[str, Any]:
    """Per incident (by id): its title, page and signature lines and patterns, as indexed.

    Read off the very index `nexus-pm match` builds, so the browser indexes the same
    lines in the same order, plus the matcher's rules (signature_export.program).
    """
    ordered = sorted(records, key=lambda r: r.incident.id)
    index = build_index(source_of(r.incident) for r in ordered)
    incidents: list[dict[str, Any]] = [
        {
            "id": r.incident.id,
            "title": r.incident.title,
            # Relative to the site's root; the page resolves it against its own address.
            "url": (page_url("/", page_uri(r.incident), directory_urls=directory_urls) or "")[1:],
            "lines": [],
            "patterns": [],
        }
        for r in ordered
    ]
    for entry in index.entries:
        incidents[entry.incident]["lines"].append(entry.signature)
    for pattern in index.patterns:
        incidents[pattern.incident]["patterns"].append(
            {"raw": pattern.raw, "pieces": list(pattern.pieces)}
        )
    return {"format": 1, "program": program(), "incidents": incidents}


def signature_file(records: Sequence[Record], *, directory_urls: bool = True) -> str:
    """The signature file: compact JSON, `<` escaped so that no reader can take it for markup."""
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
