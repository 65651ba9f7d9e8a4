"""`nexus-pm serve`: preview the site with live reload."""

from __future__ import annotations

from pathlib import Path


def run(config_file: Path, dev_addr: str) -> int:
    from ..site import serve_site  # MkDocs is slow to import: only when serving

    serve_site(config_file, dev_addr)
    return 0
