"""Build and serve the MkDocs site; a failed build never touches the last good one."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from mkdocs.commands import build as mkdocs_build
from mkdocs.commands import serve as mkdocs_serve
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from .errors import NexusError, display_path
from .plugin import NexusPlugin, RecordsError


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time, as test runners swap it."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def _log_to_stderr() -> None:
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def build_site(config_file: Path, site_dir: Path) -> None:
    """Build strictly into a temporary folder, then swap it into `site_dir`."""
    if not config_file.is_file():
        raise NexusError(message=f"{display_path(config_file)}: no such MkDocs configuration")
    _log_to_stderr()
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
    try:
        config = load_config(str(config_file), site_dir=str(staging), strict=True)
        plugin = config.plugins.get("nexus-pm")
        if isinstance(plugin, NexusPlugin):
            plugin.load(config)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build.build(config)
        finally:
            config.plugins.on_shutdown()
        _swap(staging, site_dir)
    except NexusError as exc:
        why = f"{exc.message}\n" if exc.message else ""
        raise NexusError(exc.problems, why + "build failed; the previous site is unchanged") from None
    except RecordsError as exc:
        raise NexusError(exc.error.problems, "build failed; the previous site is unchanged") from None
    except (Abort, MkDocsException) as exc:
        raise NexusError(
            message=f"build failed: {exc}; the previous site is unchanged"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    # Two renames on one filesystem: readers see the old site or the new, never a mix.
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.rename(target, old / target.name)
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve_site(config_file: Path, dev_addr: str) -> None:
    """Serve with live reload until interrupted."""
    if not config_file.is_file():
        raise NexusError(message=f"{display_path(config_file)}: no such MkDocs configuration")
    _log_to_stderr()
    try:
        mkdocs_serve.serve(config_file=str(config_file), dev_addr=dev_addr, livereload=True)
    except (Abort, MkDocsException) as exc:
        raise NexusError(message=f"serve failed: {exc}") from None


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
