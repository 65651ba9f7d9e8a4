"""The `nexus-pm` MkDocs plugin: incident records become pages, in memory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from .clock import today as default_today
from .compact import compact
from .config import Settings, load_settings, settings_from_mapping
from .docs_links import refuse_links_out
from .errors import NexusError
from .html_pages import HtmlPages, anchors
from .index_script import INDEX_SCRIPT
from .loader import MAX_BYTES, Record, load_file
from .memo import Memos
from .page_cache import PageCache
from .pages import generate, repo_files, shown
from .plugin_files import Handover
from .rebuild_cache import BuiltPages, RecordCache, TemplateCodes, quiet_dirty_warning
from .render import Renderer
from .search import SEARCH_SCRIPT, index_site, leave_out_of_material_index, theme_dir
from .search_serve import ServeIndex
from .signature_file import SCRIPT
from .validate import load_records

log = logging.getLogger("mkdocs.plugins.nexus-pm")
#: The incidents index, and the folders of the pages reached from it.
INDEX = "incidents/index.md"
BROWSED = ("incidents", "services", "tags", "severity")


class PluginConfig(Config):  # type: ignore[no-untyped-call]
    """Options for the `nexus-pm` plugin in `mkdocs.yml`."""

    incidents_dir = opt.Type(str, default="incidents")
    """Folder of incident records, relative to `mkdocs.yml`."""
    templates_dir = opt.Type(str, default="templates")
    """Folder of template overrides, relative to `mkdocs.yml`; it may be missing."""
    max_bytes = opt.Type(int, default=MAX_BYTES)
    """Largest record file accepted, in bytes."""
    drafts = opt.Type(bool, default=False)
    """Publish draft records too, with a draft banner; `mkdocs serve` always shows them."""
    severities = opt.Optional(opt.ListOfItems(opt.Type(str)))
    """The severity scale, worst first; default: `[tool.nexus-pm]` in pyproject.toml, or SEV1-SEV4."""
    services = opt.Optional(opt.ListOfItems(opt.Type(str)))
    """The services records may name; default: `[tool.nexus-pm]`, or any."""
    tags = opt.Optional(opt.ListOfItems(opt.Type(str)))
    """The tags records may use; default: `[tool.nexus-pm]`, or any."""
    today = opt.Optional(opt.Type(str))
    """The day the overview and follow-ups are dated, YYYY-MM-DD; default: SOURCE_DATE_EPOCH, or today."""
    html = opt.Type(bool, default=True)
    """Hand incident pages to MkDocs as finished HTML, which it need not convert; off, as Markdown."""


class NexusPlugin(BasePlugin[PluginConfig]):  # type: ignore[no-untyped-call]
    """Validates `incidents/*.yaml` and adds a page per incident, group and checklist."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self._incident_pages: set[str] = set()
        self._browsed: set[str] = set()
        self._lit: Section | None = None
        self._preloaded = False
        self._serving = False
        self._html: HtmlPages | None = None
        self.settings = Settings()
        # A preview rebuilds after each edit: it reads and renders again only what changed.
        self._records = RecordCache()
        self._memos = Memos()
        self._rendered = PageCache(self._memos)
        self._handover = Handover()
        self._codes = TemplateCodes()
        self.search_index: ServeIndex | None = None
        self._built: BuiltPages | None = None
        self._nav: Navigation | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # A preview shows drafts, with their banner; a published site leaves them out.
        self._serving = command == "serve"
        # MkDocs keeps one plugin object per process: nothing is kept from another command.
        self._built = BuiltPages() if self._serving and dirty else None
        # The first build indexes the site for search, later ones off their path (search_serve).
        self.search_index = ServeIndex() if self._serving else None
        self._handover = Handover()
        if self._built is not None:
            quiet_dirty_warning()

    def load(self, config: MkDocsConfig) -> list[Record]:
        """Validate the records now, so a caller can report problems before MkDocs starts."""
        incidents = self._dir(config, self.config.incidents_dir)
        if not incidents.is_dir():
            raise NexusError(message=f"nexus-pm: incidents_dir {incidents} is not a folder")
        self.settings = self._settings(config)
        self.records = load_records(
            [incidents],
            max_bytes=self.config.max_bytes,
            context=self.settings.context(),
            load=self._records.load if self._serving else load_file,
            proofs=self._memos.proofs if self._serving else None,
        )
        self._preloaded = True
        return self.records

    def _settings(self, config: MkDocsConfig) -> Settings:
        """pyproject.toml's `[tool.nexus-pm]`, with any setting given in mkdocs.yml instead."""
        root = Path(config.config_file_path).parent
        settings = load_settings(root)
        given = {k: self.config[k] for k in ("severities", "services", "tags")}
        if not any(v is not None for v in given.values()):
            return settings
        shown = Path(config.config_file_path).name
        mine = settings_from_mapping(given, shown, lambda key: 1, prefix="plugins.nexus-pm")
        return Settings(
            mine.severities if given["severities"] is not None else settings.severities,
            mine.services if given["services"] is not None else settings.services,
            mine.tags if given["tags"] is not None else settings.tags,
        )

    def _dir(self, config: MkDocsConfig, value: str) -> Path:
        return (Path(config.config_file_path).parent / value).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.search_index is not None:
            self.search_index.building()
        # The "Seen this error?", search and index scripts, on every page: Material's
        # instant navigation may reach their pages without loading them afresh.
        for script in (SCRIPT, SEARCH_SCRIPT, INDEX_SCRIPT):
            if script not in [str(item) for item in config.extra_javascript]:
                config.extra_javascript.append(script)
        # The header's search box is nexus-pm's (search.py): it goes just before Material's
        # own templates, so that a project's custom_dir still overrides it.
        dirs = config.theme.dirs
        material = [n for n, d in enumerate(dirs) if Path(d).parent.name == "material"]
        if material and str(theme_dir()) not in dirs:
            dirs.insert(material[0], str(theme_dir()))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        root = Path(config.config_file_path).parent
        # Under `nexus-pm build` (records preloaded), each problem is printed as a line.
        sources = (Path(f.abs_src_path) for f in files if f.abs_src_path)
        refuse_links_out(sources, root, for_mkdocs=not self._preloaded)
        templates = self._dir(config, self.config.templates_dir)
        if not self._preloaded:
            try:
                self.load(config)
            except NexusError as exc:
                raise PluginError(f"nexus-pm: invalid incident records:\n{exc}") from None
        # Every later build (mkdocs serve) must read the records afresh.
        self._preloaded = False
        drafts = self.config.drafts or self._serving
        try:
            today = default_today(self.config.today, param="plugins.nexus-pm.today")
        except NexusError as exc:
            raise PluginError(f"nexus-pm: {exc.message}") from None
        # A dirty rebuild keeps a page whose generated source is unchanged; an HTML page's
        # source is only its heading, so a preview that rebuilds by parts uses Markdown.
        html = self.config.html and self._built is None
        fast = anchors(config, templates) if html else None
        self._html = HtmlPages(config, fast, repo_files(config.repo_url)) if fast else None
        try:
            made = generate(
                shown(self.records, drafts=drafts),
                root=Path(config.config_file_path).parent,
                templates=templates,
                severities=self.settings.severities,
                repo_url=config.repo_url,
                directory_urls=config.use_directory_urls,
                today=today,
                site=(config.site_name, config.site_url),
                html=self._html is not None,
                renderer=self._rendered.renderer if self._serving else Renderer,
                memos=self._memos if self._serving else None,
            )
        except NexusError as exc:
            raise PluginError(f"nexus-pm: invalid incident records:\n{exc}") from None
        pages = made.pages
        self._incident_pages = set(made.sources)
        self._browsed = {uri for uri in pages if uri.split("/")[0] in BROWSED}
        if self._html is not None:
            self._html.views = made.views
        self._handover.add(files, config, made)
        log.debug("nexus-pm: %d incidents, %d generated pages", len(self.records), len(pages))
        # The pages are made; records kept through the rest of the build would only give
        # the garbage collector their many small objects to rescan (about 1 s at N=1,000).
        self.records = []
        if self._built is not None:
            self._built.on_files(files, config)
        return files

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        made = self._html.content(page, files, config) if self._html else None
        return html if made is None else made

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._nav = nav
        return nav

    @event_priority(110)  # before Material's tags plugin fills its listings
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self._built is not None and self._nav is not None:
            self._built.on_env(files, self._nav, config)
        if self._serving:
            self._codes.keep(env)
        return env

    # Ahead of other plugins' post-build steps: Pagefind indexes the pages MkDocs built.
    @event_priority(50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._built is not None:
            self._built.on_post_build()
        try:
            if self.search_index is not None:
                self.search_index.update(Path(config.site_dir))
            else:
                index_site(Path(config.site_dir))
        except NexusError as exc:
            raise PluginError(exc.message) from None

    def on_shutdown(self) -> None:
        if self.search_index is not None:
            self.search_index.wait()

    def on_build_error(self, *, error: Exception) -> None:
        if self._built is not None:
            self._built.forget()

    # Before Material's search plugin reads the page's meta, and its tags plugin links the
    # page's tags to listings.
    @event_priority(50)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        leave_out_of_material_index(page)
        if self._built is not None:
            self._built.before_pages()
        if page.file.src_uri in self._incident_pages:
            # Sections are enough to find one's way on an incident page; listing every
            # subsection too made the table of contents a fifth of the page's HTML.
            for title in page.toc:
                for section in title.children:
                    section.children = []
        if page.file.src_uri in self._browsed and page not in nav.pages:
            # A page the nav does not list lights the tab of the index it is reached from.
            index = next((p for p in nav.pages if p.file.src_uri == INDEX), None)
            self._lit = index.parent if index is not None else None
            if self._lit is not None:
                self._lit.active = True
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self._lit is not None:
            self._lit.active = False
            self._lit = None
        # Material indents its templates deeply: on an incident page a tenth of the bytes
        # were indentation and blank lines.
        return compact(output)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        for value in (self.config.incidents_dir, self.config.templates_dir):
            # The templates folder only overrides packaged templates and may not exist.
            if self._dir(config, value).exists():
                server.watch(str(self._dir(config, value)))
        return server
