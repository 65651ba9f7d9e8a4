"""Material's tags plugin in a dirty rebuild: it is told the tags of the pages not read again.

The plugin learns each page's tags while MkDocs reads the page, and fills the tag listings,
and writes `tags.json`, from what it learnt. A dirty build reads only the changed pages, so
without this a rebuilt listing, and the export, would hold those pages alone.
"""

from __future__ import annotations

import copy
from typing import Any

from mkdocs.commands.build import _populate_page
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
    """What the last builds told the tags plugin: each page's tags, and each page's listings.

    A listing shows the tagged pages it features, and a page's tags link to the nearest
    listing of all the plugin knows. A listing's page that was not read is read again only if
    a page it features changed its title or tags; otherwise its listings are given to the
    plugin after it filled the others, for the tags' links alone.
    """

    def __init__(self) -> None:
        self._mapped: dict[str, object] = {}
        self._mappings: dict[str, Any] = {}
        self._listings: dict[str, list[Any]] = {}
        self._late: list[Any] = []
        self._plugin: Any = None

    def sync(self, config: MkDocsConfig, files: Files, read: set[str]) -> set[str]:
        """Once the pages in `read` are read and the others restored, before the plugin fills
        its listings: give it the others' tags, in the order a full build reads them; read
        again the listings' pages that must show a change, and return them."""
        plugin = self._plugin = _tags_plugin(config)
        if plugin is None:
            self.forget()
            return set()
        pages = {f.src_uri: f.page for f in files.documentation_pages() if f.page is not None}
        for uri, page in pages.items():
            if uri in read or not plugin.filter(page.file):
                continue
            # The page's front matter is the last build's: so is what the plugin made of it.
            kept = self._mappings.get(page.url)
            if kept is None:
                plugin.mappings.add(page, page.markdown or "")
            else:
                plugin.mappings.data[page.url] = _moved(kept, page, "item", tags=set(kept.tags))
        order = {page.url: n for n, page in enumerate(pages.values())}
        mappings = plugin.mappings.data = dict(
            sorted(plugin.mappings.data.items(), key=lambda item: order.get(item[0], len(order)))
        )
        mapped: dict[str, object] = {
            url: (m.item.title, sorted((t.name, bool(t.hidden)) for t in m.tags))
            for url, m in mappings.items()
        }
        moved = {
            u for u in mapped.keys() | self._mapped.keys() if mapped.get(u) != self._mapped.get(u)
        }
        changed = [m[u] for m in (mappings, self._mappings) for u in moved if u in m]
        again: set[str] = set()
        late = []
        for uri, kept in self._listings.items():
            if uri in read or uri not in pages:
                continue
            clones = [_moved(listing, pages[uri], "page", tags={}) for listing in kept]
            if any(any(listing & m) for listing in clones for m in changed):
                again.add(uri)
            else:
                late.extend(clones)
        for uri in again:
            _populate_page(pages[uri], config, files)
        self._listings = {
            uri: kept
            for uri, kept in self._listings.items()
            if uri in pages and uri not in read | again
        }
        for listing in plugin.listings:
            self._listings.setdefault(listing.page.file.src_uri, []).append(listing)
        self._mapped, self._mappings, self._late = mapped, dict(mappings), late
        return again

    def before_pages(self) -> None:
        """Once the plugin filled the listings it read: let it know the others too."""
        if self._plugin is not None and self._late:
            self._plugin.listings.data.update(self._late)
        self._late = []

    def forget(self) -> None:
        self._mapped, self._mappings, self._listings, self._late = {}, {}, {}, []


def _moved(made: Any, page: Any, name: str, **fresh: Any) -> Any:
    """A mapping or listing of the last build, on this build's object for its page."""
    clone = copy.copy(made)
    setattr(clone, name, page)
    for key, value in fresh.items():
        setattr(clone, key, value)
    return clone
