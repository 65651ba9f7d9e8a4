"""Incident pages handed to MkDocs as finished HTML: its links checked here, as MkDocs checks them."""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import markdown
from markdown.util import ETX, STX
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from . import markdown as md
from .page_html import Anchors, environment, render

log = logging.getLogger("mkdocs.plugins.nexus-pm")
# Python-Markdown empties a line of only spaces before any extension reads it.
_BLANK = re.compile(r"(?<=\n) +\n")

# What the HTML is written for: the extensions of the site `init` writes. Without any of them,
# or with options that change what they make, incident pages go through Python-Markdown.
_NEEDED = ("admonition", "tables", "toc", "pymdownx.superfences", "pymdownx.tabbed")
_OPTIONS = {
    "toc": {"permalink", "permalink_title", "permalink_class", "slugify", "separator", "title"},
    "pymdownx.tabbed": {"alternate_style"},
    "pymdownx.tasklist": {"custom_checkbox"},
}
#: Templates that, overridden, change the body of a page made as HTML, which would not follow.
TEMPLATES = (
    *("incident.md.j2", "_section.md.j2", "follow-ups.md.j2", "_followups.md.j2"),
    *("group.md.j2", "index.md.j2", "_table.md.j2"),
)


def anchors(config: MkDocsConfig, templates: Path) -> Anchors | None:
    """How this site's headings are anchored, if its incident pages can be made as HTML."""
    names = set(config.markdown_extensions)
    options = config.mdx_configs or {}
    if not all(name in names for name in (*_NEEDED, "pymdownx.tasklist")):
        return None
    if any(set(options.get(name, {})) - allowed for name, allowed in _OPTIONS.items()):
        return None
    if not options.get("pymdownx.tabbed", {}).get("alternate_style"):
        return None
    if not options.get("pymdownx.tasklist", {}).get("custom_checkbox"):
        return None
    if any((templates / name).exists() for name in TEMPLATES):
        return None
    toc = options.get("toc", {})
    permalink = toc.get("permalink", False)
    made = Anchors(
        permalink=None if permalink is False else "&para;" if permalink is True else str(permalink),
        permalink_class=str(toc.get("permalink_class", "headerlink")),
        permalink_title=str(toc.get("permalink_title", "Permanent link")),
        separator=str(toc.get("separator", "-")),
    )
    if "slugify" in toc:
        made = Anchors(
            made.permalink,
            made.permalink_class,
            made.permalink_title,
            toc["slugify"],
            made.separator,
        )
    return made


class Fences:
    """Code blocks highlighted by the site's own fence extension, as a page's fences are."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._md = markdown.Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {}
        )
        self._fences = self._md.preprocessors["fenced_code_block"]
        self._fences.get_hl_settings()
        # The same error output or snippet is often in several records; it is highlighted
        # once a build (a third of the calls at 1,000 synthetic incidents). Not when lines
        # get ids, which count the code blocks highlighted so far.
        fences = self._fences
        numbered = fences.line_spans or fences.line_anchors or fences.anchor_linenums
        self._done: dict[tuple[str, str, str | None], str] | None = None if numbered else {}

    def __call__(self, code: str, language: str = "text", title: str | None = None) -> str:
        if self._done is None:
            return self._highlight(code, language, title)
        key = (code, language, title)
        made = self._done.get(key)
        if made is None:
            made = self._done[key] = self._highlight(code, language, title)
        return made

    def _highlight(self, code: str, language: str, title: str | None) -> str:
        # What the fence `markdown.fence` writes would reach the highlighter as: its language
        # and title as written there, its code with Python-Markdown's whitespace rules applied.
        fence = md.fence(code, language, title).split("\n")
        head = fence[0].lstrip("`")
        lang, _, rest = head.partition(" ")
        options = {"title": rest[len('title="') : -1]} if rest else {}
        source = "\n".join(fence[1:-1]).replace(STX, "").replace(ETX, "")
        source = _BLANK.sub("\n", source.expandtabs(self._md.tab_length))
        return str(
            self._fences.highlight(
                src=source, language=lang, options=options, md=self._md,
                classes=[], id_value="", attrs={},
            )
        )  # fmt: skip


class HtmlPages:
    """Renders each incident page when MkDocs reaches it, with the site's settings."""

    def __init__(self, config: MkDocsConfig, anchors: Anchors, repo_files: str | None) -> None:
        self.anchors = anchors
        self.fences = Fences(config)
        self.env = environment(repo_files)
        self.views: dict[str, tuple[str, dict[str, Any]]] = {}

    def content(self, page: Page, files: Files, config: MkDocsConfig) -> str | None:
        """The page's HTML, its toc and anchors set; None for a page not made here."""
        made = self.views.pop(page.file.src_uri, None)
        if made is None:
            return None
        links: dict[str, dict[str, str]] = {}
        found: dict[str, File] = {}

        def link(target: str, anchor: str) -> str:
            written = quote(posixpath.relpath(target, posixpath.dirname(page.file.src_uri)))
            shown = f"{written}#{anchor}" if anchor else written
            file = files.get_file_from_path(target)
            if file is None:
                # MkDocs' own warning for a Markdown link, at the level `validation` sets.
                log.log(
                    config.validation.links.not_found,
                    f"Doc file '{page.file.src_uri}' contains a link '{shown}', "
                    f"but the target '{target}' is not found among documentation files.",
                )
                return shown
            if anchor:
                found[target] = file
                links.setdefault(target, {}).setdefault(anchor, shown)
            url = get_relative_url(file.url, page.file.url)
            return f"{url}#{anchor}" if anchor else url

        view, kb = made
        rendered = render(self.env, view, kb, link=link, code=self.fences, anchors=self.anchors)
        page.toc = get_toc(rendered.toc)  # type: ignore[arg-type]
        page.present_anchor_ids = rendered.ids
        # MkDocs checks these anchors itself once every page is rendered.
        page.links_to_anchors = {found[t]: a for t, a in links.items()}
        return rendered.html
