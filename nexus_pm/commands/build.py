"""`nexus-pm build`: build the site strictly and swap it in whole."""

from __future__ import annotations

from pathlib import Path

from ..edge import err
from ..errors import display_path


def run(config_file: Path, site_dir: Path, *, drafts: bool = False) -> int:
    from ..site import build_site  # MkDocs is slow to import: only when building

    build_site(config_file, site_dir, drafts=drafts)
    err(f"site built in {display_path(site_dir)}/")
    return 0
