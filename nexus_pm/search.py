"""The site's search: a Pagefind index of the built site, and the header's search box that reads it.

Material's own search downloads its whole index before the first result (39 MB at 5,000
incidents) and reads `-`, `+`, `~`, `*` and `^` as query syntax, so a pasted `--user`
finds nothing. The box in the header keeps Material's look but asks two others: the
"Seen this error?" matcher, whose matching incidents come first, and Pagefind, which
fetches only the index shards a query needs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import NexusError
from .layout import GROUP_KINDS

if TYPE_CHECKING:
    from mkdocs.structure.pages import Page

__all__ = [
    "INDEX_DIR",
    "SEARCH_SCRIPT",
    "index_site",
    "leave_out_of_material_index",
    "search_script",
    "theme_dir",
]

SEARCH_SCRIPT = "assets/nexus-pm/search.js"
#: The index's folder in the built site.
INDEX_DIR = "pagefind"
# Only the page's content is indexed, without the permalink signs of its headings.
_ARGS = ["--root-selector", "article", "--exclude-selectors", ".headerlink"]
# A name at the top of the site that --glob reads as itself.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+")
# Pagefind's own failure, shown in a line: enough to see what went wrong.
_SHOWN_CHARS = 400


def search_script() -> str:
    """The search box's script: it queries the matcher and Pagefind, and shows results as text."""
    return resources.files("nexus_pm").joinpath("templates/assets/search.js").read_text("utf-8")


def theme_dir() -> Path:
    """The folder whose `partials/search.html` takes the place of Material's search box."""
    return Path(str(resources.files("nexus_pm").joinpath("templates/theme")))


def leave_out_of_material_index(page: Page) -> None:
    """Keep `page` out of Material's `search_index.json`, which nothing on the site reads.

    Material's plugin stays on, as its header shows a search box only then, but the box is
    this module's, asking Pagefind: building Material's index as well took a third of a
    build at 1,000 incidents and wrote 39 MB at 5,000 that no browser would fetch.
    """
    meta = page.meta.get("search")
    page.meta["search"] = {**meta, "exclude": True} if isinstance(meta, dict) else {"exclude": True}


def _pages(site_dir: Path) -> list[str]:
    """Pagefind's `--glob` for every page but those that browse by service, tag or severity.

    Those only list incidents, which have pages of their own; indexed too, they took a
    seventh of Pagefind's time. No glob when there is nothing to leave out, or when a name
    could be read as glob syntax.
    """
    top = sorted(path.name for path in site_dir.iterdir())
    if not set(GROUP_KINDS) & set(top) or not all(_PLAIN_NAME.fullmatch(n) for n in top):
        return []
    kept = [
        f"{name}/**/*.html" if (site_dir / name).is_dir() else name
        for name in top
        if name not in GROUP_KINDS and name != INDEX_DIR
        and ((site_dir / name).is_dir() or name.endswith(".html"))
    ]  # fmt: skip
    if len(kept) < 2:
        return ["--glob", *kept] if kept else []
    return ["--glob", "{" + ",".join(kept) + "}"]


def _pagefind() -> str:
    try:
        import pagefind_bin  # ships the binary
    except ImportError:
        raise NexusError(
            message="nexus-pm: the site's search needs Pagefind: pip install 'pagefind[bin]'"
        ) from None
    return str(pagefind_bin.get_executable())


def index_site(site_dir: Path, output: Path | None = None) -> None:
    """Write the Pagefind index of the built site in `site_dir` into its `pagefind/` folder,
    or into `output` instead."""
    where = ["--output-subdir", INDEX_DIR] if output is None else ["--output-path", str(output)]
    command = [_pagefind(), "--site", str(site_dir), *where, *_ARGS, *_pages(site_dir)]
    # A rebuild into the same folder (serve) would leave the last index's shards beside
    # the new ones, which are named by their content: the folder is the build's own.
    index = site_dir / INDEX_DIR if output is None else output
    if index.is_dir() and not index.is_symlink():
        shutil.rmtree(index)
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise NexusError(message=f"nexus-pm: Pagefind did not start: {exc}") from None
    if done.returncode != 0:
        why = " ".join((done.stderr or done.stdout).split())[-_SHOWN_CHARS:]
        raise NexusError(message=f"nexus-pm: Pagefind failed (exit {done.returncode}): {why}")
