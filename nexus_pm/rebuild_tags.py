"""Material's tags plugin in a dirty rebuild: it is told the tags of the pages not read again.

The plugin learns each page's tags while MkDocs reads the page, and fills the tag listings,
and writes `tags.json`, from what it learnt. A dirty build reads only the changed pages, so
without this a rebuilt listing, and the export, would hold those pages alone.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files


def _tags_plugin(config: MkDocsConfig) -> Any:
    """Material's tags plugin, if the site uses it (as `tags` or `material/tags`)."""
    for name, plugin in config.plugins.items():
        if name.split("/")[-1] == "tags" and hasattr(plugin, "mappings"):
            enabled = getattr(getattr(plugin, "config", None), "enabled", True)
            if hasattr(plugin, "listings") and hasattr(plugin, "filter") and enabled:
                return plugin
    return None


class TagListings:
    """The pages that hold a tag listing: every build reads them, as a full build does.

    A listing shows every tagged page, and each page's tags link to the closest listing of
    those the plugin knows: so the listings are read each time, and the plugin is told the
    tags of the pages that were not read.
    """

    def __init__(self) -> None:
        #: By source path; a page that gains a listing is read anyway, as its source changed.
        self.pages: set[str] = set()

    def sync(self, config: MkDocsConfig, files: Files, read: set[str]) -> None:
        """Once the pages in `read` are read and the others restored, before the plugin fills
        its listings: give it the others' tags, in the order a full build reads them."""
        plugin = _tags_plugin(config)
        if plugin is None:
            self.pages = set()
            return
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        for page in pages:
            if page.file.src_uri not in read and plugin.filter(page.file):
                plugin.mappings.add(page, page.markdown or "")
        # A full build learns them in the order of the pages, which the export keeps.
        order = {page.url: n for n, page in enumerate(pages)}
        plugin.mappings.data = dict(
            sorted(plugin.mappings.data.items(), key=lambda item: order.get(item[0], len(order)))
        )
        self.pages = {listing.page.file.src_uri for listing in plugin.listings}

    def forget(self) -> None:
        self.pages = set()
