"""What a `serve` rebuild keeps from the last one: records, compiled theme templates, built pages."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .loader import Record, load_file
from .rebuild_tags import TagListings


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def quiet_dirty_warning() -> None:
    """MkDocs warns of every dirty build, which strict mode makes fatal; `BuiltPages` keeps
    the navigation, links and search of such a build right, so the warning is dropped."""
    logging.getLogger("mkdocs.commands.build").addFilter(_not_dirty_warning)


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


class RecordCache:
    """Records by path and content hash: an unchanged file is not parsed or validated again."""

    def __init__(self) -> None:
        self._kept: dict[Path, tuple[bytes, str, Record]] = {}

    def load(self, path: Path, **options: Any) -> Record:
        """`loader.load_file`, unless the same bytes were loaded with the same options."""
        try:
            data = path.read_bytes()
        except OSError:
            return load_file(path, **options)
        key = repr(sorted(options.items()))
        kept = self._kept.get(path)
        if kept is not None and kept[0] == _digest(data) and kept[1] == key:
            return kept[2]
        record = load_file(path, **options)
        # Kept only if the file did not change while it was loaded, so that the record is
        # surely that of these bytes (the loader drops a BOM and CRLFs: its text is not).
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:
                self._kept[path] = (_digest(data), key, record)
        return record


class TemplateCodes(jinja2.BytecodeCache):
    """The theme's templates as compiled code, kept between builds: MkDocs makes a new Jinja
    environment for each build, which compiled Material's templates again each time."""

    def __init__(self) -> None:
        self._codes: dict[tuple[object, str], bytes] = {}
        self._setup: object = None

    def keep(self, env: jinja2.Environment) -> None:
        """Have `env` use and fill this cache; its options, which compiling reads, are part
        of the key. Jinja checks each entry against its template's source as it loads it."""
        self._setup = repr(
            (
                *(sorted(env.extensions), env.autoescape, env.optimized, env.newline_sequence),
                *(env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline),
                *(env.block_start_string, env.variable_start_string, env.comment_start_string),
                *(env.line_statement_prefix, env.line_comment_prefix),
            )
        )
        env.bytecode_cache = self

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._codes.get((self._setup, bucket.key))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._codes[(self._setup, bucket.key)] = bucket.bytecode_to_string()


@dataclass
class _Built:
    """What MkDocs made of a page while reading it, for a rebuild that skips reading it."""

    digest: bytes
    markdown: str | None
    meta: MutableMapping[str, Any]
    content: str | None
    toc: Any
    title: str | None
    anchors: set[str] | None
    links: dict[str, dict[str, str]]
    dest: str

    @classmethod
    def of(cls, page: Page, digest: bytes) -> _Built:
        links = getattr(page, "links_to_anchors", None) or {}
        return cls(
            digest,
            page.markdown,
            page.meta,
            page.content,
            page.toc,
            page._title_from_render,
            getattr(page, "present_anchor_ids", None),
            {f.src_uri: anchors for f, anchors in links.items()},
            page.file.abs_dest_path,
        )

    def restore(self, page: Page, files: Files) -> None:
        page.markdown, page.meta, page.content, page.toc = (
            self.markdown,
            self.meta,
            self.content,
            self.toc,
        )
        page._title_from_render = self.title
        page.present_anchor_ids = self.anchors
        linked = {files.get_file_from_path(uri): anchors for uri, anchors in self.links.items()}
        page.links_to_anchors = {f: a for f, a in linked.items() if f is not None}


class BuiltPages:
    """Tells a dirty MkDocs build which pages changed; the rest keep what the last build made.

    A page is rebuilt when its source changed, or it lists tags of a page that changed (see
    rebuild_tags); every page is, when a file came or went, the MkDocs configuration changed, or a title in
    the navigation changed (each page shows it).
    """

    def __init__(self) -> None:
        self._built: dict[str, _Built] = {}
        self._shape: object = None
        self._titles: object = None
        self._digests: dict[str, bytes] = {}
        self.changed: set[str] = set()
        self._every = True
        self._pages: set[str] = set()
        self._read: list[Page] = []
        self._tags = TagListings()

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        shape = (
            sorted(f.src_uri for f in files),
            _digest(Path(config.config_file_path).read_bytes()),
        )
        self._every = shape != self._shape
        self._shape = shape
        self._digests = {}
        for file in files.documentation_pages():
            self._digests[file.src_uri] = _digest(file.content_bytes)
            # MkDocs asks each page whether to read and build it; a generated file always
            # says yes, and a docs/ file compares times, which says nothing of the others.
            file.is_modified = partial(self.is_modified, file.src_uri)  # type: ignore[method-assign]
        self.changed = {
            uri
            for uri, digest in self._digests.items()
            if self._every or uri not in self._built or self._built[uri].digest != digest
        }

    def is_modified(self, uri: str) -> bool:
        return self._every or uri in self.changed

    def on_env(self, files: Files, nav: Navigation, config: MkDocsConfig) -> None:
        """Between reading the pages and building them (and before Material's tags plugin
        fills its listings): restore the unread ones."""
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        read = {p.file.src_uri for p in pages if self._every or p.file.src_uri in self.changed}
        for page in pages:
            if page.file.src_uri not in read:
                self._built[page.file.src_uri].restore(page, files)
        read |= self._tags.sync(config, files, read)
        self.changed |= read
        # Kept once built: a listing's page is only complete once the tags plugin filled it.
        self._read = [p for p in pages if p.file.src_uri in read]
        self._pages = {f.src_uri for f in files.documentation_pages()}
        titles = [(p.file.src_uri, p.title) for p in nav.pages]
        if titles != self._titles:
            self._every = True
        self._titles = titles

    def before_pages(self) -> None:
        """Once the plugins' `on_env` ran, before the first page is built."""
        self._tags.before_pages()

    def on_post_build(self) -> None:
        """Once every page is built: keep the read ones, remove the files of pages that went."""
        for page in self._read:
            self._built[page.file.src_uri] = _Built.of(page, self._digests[page.file.src_uri])
        self._read = []
        # Dirty builds leave the site folder as it is: a page that went is removed here.
        for uri in set(self._built) - self._pages:
            Path(self._built.pop(uri).dest).unlink(missing_ok=True)

    def forget(self) -> None:
        """After a failed build, the next one reads and builds everything."""
        self._built, self._shape, self._titles, self._read = {}, None, None, []
        self._tags.forget()
