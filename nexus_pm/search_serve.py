"""The Pagefind index during `serve`: made on the first build, then off the rebuild's path.

Pagefind reads every page of the site, some seconds at 1,000 incidents, so a rebuild that
waited for it would show an edit that much later. The first build indexes before the
site is served, so search works from the start; after that the index is made again only
when a page's HTML changed, in a background thread, once the rebuild is done: the page
reloads with the edit at once, and search finds the edit a few seconds later. The new index
is made beside the site and then put in place of the old, so search keeps answering
meanwhile. Edits that come while Pagefind runs are indexed in one more run after it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from .errors import NexusError
from .search import INDEX_DIR, index_site

log = logging.getLogger("mkdocs.plugins.nexus-pm")
_SETTLED_NS = 3_000_000_000


class ServeIndex:
    """Keeps a served site's Pagefind index up to date with its HTML."""

    def __init__(self) -> None:
        # What Pagefind reads: each HTML file's digest, by path; and what the index was
        # last asked to match (None: no index yet, or the last attempt failed).
        self._seen: dict[str, tuple[int, int, bytes]] = {}
        self._indexed: dict[str, bytes] | None = None
        self._pending: Path | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        # Builds started, whether one is under way, and whether a run read pages while one
        # was writing them: MkDocs rewrites some pages with the same bytes (404.html, or
        # all of them), which a run may have read half-written and no digest would show.
        self._builds = 0
        self._building = False
        self._stale = False
        #: Pagefind runs, in the foreground or the background.
        self.runs = 0

    def building(self) -> None:
        """A build starts writing into the site."""
        with self._lock:
            self._builds += 1
            self._building = True

    def update(self, site_dir: Path) -> None:
        """After a build: index now if there is no index yet, later if the HTML changed."""
        with self._lock:
            self._building = False
        pages = self._pages(site_dir)
        index = site_dir / INDEX_DIR
        if self._indexed is None or not index.is_dir():
            self._indexed = None
            self.wait()
            index_site(site_dir)
            self.runs += 1
            self._indexed, self._stale = pages, False
            return
        with self._lock:
            if pages == self._indexed and not self._stale:
                return
            self._indexed, self._stale = pages, False
            self._pending = site_dir
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="nexus-pm-pagefind", daemon=True
                )
                self._thread.start()

    def wait(self) -> None:
        """Until no index is being made: before the site goes, and for tests."""
        while (thread := self._thread) is not None:
            thread.join()

    def _work(self) -> None:
        while True:
            with self._lock:
                site_dir, self._pending = self._pending, None
                if site_dir is None:
                    self._thread = None
                    return
                builds = self._builds
            try:
                _index_beside(site_dir)
                self.runs += 1
            except (NexusError, OSError) as exc:
                # The next build indexes in the foreground, and reports what fails then.
                self._indexed = None
                log.warning("nexus-pm: the search index was not updated: %s", exc)
            with self._lock:
                if self._builds != builds:
                    # Once the build under way ends, or now if it already has, run again.
                    if self._building:
                        self._stale = True
                    else:
                        self._pending = self._pending or site_dir

    def _pages(self, site_dir: Path) -> dict[str, bytes]:
        """Each HTML file's digest; a file whose size and time are as before is not read."""
        pages: dict[str, bytes] = {}
        seen: dict[str, tuple[int, int, bytes]] = {}
        # A file's time is as coarse as the file system keeps it (a clock tick, or seconds):
        # one rewritten soon after it was read, at the same size, may show the same time.
        # Its digest is trusted only if it was read well after its time (as git does).
        recent = time.time_ns() - _SETTLED_NS
        for folder, _, names in os.walk(site_dir):
            for name in names:
                if not name.endswith(".html"):
                    continue
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                    old = self._seen.get(path)
                    if old is not None and old[:2] == (stat.st_mtime_ns, stat.st_size):
                        digest = old[2]
                    else:
                        with open(path, "rb") as file:
                            digest = hashlib.blake2b(file.read(), digest_size=16).digest()
                except OSError:
                    continue
                if stat.st_mtime_ns < recent:
                    seen[path] = (stat.st_mtime_ns, stat.st_size, digest)
                pages[path] = digest
        self._seen = seen
        return pages


def _index_beside(site_dir: Path) -> None:
    """Make the index in a folder beside the site, then swap it in for the old one."""
    work = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-{INDEX_DIR}-", dir=site_dir.parent))
    try:
        index_site(site_dir, work / INDEX_DIR)
        index = site_dir / INDEX_DIR
        if index.is_dir() and not index.is_symlink():
            os.rename(index, work / "old")
        os.rename(work / INDEX_DIR, index)
    finally:
        shutil.rmtree(work, ignore_errors=True)
