"""What the site's Pagefind index holds for each page, read from its fragment files."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

# Pagefind writes each fragment as gzip of this marker and then the page's JSON.
_MARKER = b"pagefind_dcd"


@dataclass(frozen=True)
class Fragment:
    """One indexed page: its title, the text the search shows excerpts of, and the
    headings it can link into."""

    url: str
    title: str
    content: str
    anchors: tuple[str, ...]


def fragments(site: Path) -> dict[str, Fragment]:
    """Every page of the index, by its URL relative to the site's root (`incidents/inc-0001/`)."""
    found: dict[str, Fragment] = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(_MARKER), path
        page = json.loads(data[len(_MARKER) :])
        url = page["url"].lstrip("/")
        assert url not in found, f"{url} is indexed twice"
        anchors = tuple(a["text"] for a in page.get("anchors", []))
        found[url] = Fragment(url, page["meta"].get("title", ""), page["content"], anchors)
    return found
