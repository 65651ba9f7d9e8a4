"""Build and serve the MkDocs site; a failed build never touches the last good one."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TextIO

import jinja2
from mkdocs.commands import build as mkdocs_build
from mkdocs.commands import serve as mkdocs_serve
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException

from .errors import NexusError, Problem, display_path
from .plugin import NexusPlugin


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes to whatever `sys.stderr` is at the time, as test runners swap it."""

    @property  # type: ignore[override,unused-ignore]
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


MARKER = ".nexus-pm-site"
"""Written at the root of every site this builds: a folder without it is not ours to replace."""

_MARKER_TEXT = "Built by nexus-pm; `nexus-pm build` replaces this whole folder.\n"
_TEMP_SUFFIX = re.compile(r"[a-z0-9_]{8}")
log = logging.getLogger("mkdocs.plugins.nexus-pm")


class _Refused(NexusError):
    """The site directory is something a build must not replace; nothing was touched."""


def build_site(config_file: Path, site_dir: Path, *, drafts: bool = False) -> None:
    """Build strictly into a temporary folder, then swap it into `site_dir`; `drafts` too."""
    if not config_file.is_file():
        raise NexusError(message=f"{display_path(config_file)}: no such MkDocs configuration")
    _log_to_stderr()
    with _reported(site_dir):
        target = _target(site_dir)
        # No site_dir yet: MkDocs would check the staging folder, not the real target;
        # the checks below do that, and the staging folder is set once it is made.
        try:
            config = load_config(str(config_file), strict=True)
        except ValueError as exc:  # `2025-02-30` and such: YAML reads them, Python cannot
            raise NexusError(message=f"{display_path(config_file)}: {exc}") from None
        plugin = config.plugins.get("nexus-pm")
        if drafts and isinstance(plugin, NexusPlugin):
            plugin.config["drafts"] = True
        _refuse_protected(site_dir, target, _protected(config_file, config))
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target.parent):
            _recover(target)
            _refuse_foreign(site_dir, target)
            # A build killed outright (SIGKILL, power loss) cannot clean up after itself.
            for stale in (*_leftovers(target, "new"), *_leftovers(target, "old")):
                shutil.rmtree(stale, ignore_errors=True)
            _build_locked(config, target)


def _target(site_dir: Path) -> Path:
    """`site_dir` made absolute with its last part kept, so a symlink there is seen, not followed."""
    # realpath, unlike Path.resolve on Python 3.11, reports no symlink loop; the first
    # real access then fails with ELOOP, which is reported like any other OSError.
    if site_dir.name in ("", ".."):
        return Path(os.path.realpath(site_dir))
    return Path(os.path.realpath(site_dir.parent)) / site_dir.name


def _protected(config_file: Path, config: MkDocsConfig) -> list[tuple[str, Path, bool]]:
    """What a site must not replace, and whether it must not go inside it either."""
    root = config_file.parent.resolve()
    incidents, templates = "incidents", "templates"
    plugin = config.plugins.get("nexus-pm")
    if isinstance(plugin, NexusPlugin):
        incidents, templates = plugin.config.incidents_dir, plugin.config.templates_dir
    return [
        ("the project folder", root, False),
        ("the MkDocs configuration", root / config_file.name, False),
        ("the git folder", root / ".git", True),
        # MkDocs would read the site back in as pages on the next build.
        ("the docs folder", Path(config.docs_dir).resolve(), True),
        ("the incidents folder", (root / incidents).resolve(), False),
        ("the templates folder", (root / templates).resolve(), False),
    ]


def _refuse_protected(
    site_dir: Path, target: Path, protected: list[tuple[str, Path, bool]]
) -> None:
    def refuse(why: str) -> NoReturn:
        raise _Refused(message=f"{display_path(site_dir)}: {why}")

    # A committed link would send the build, and the removal of the old site, elsewhere.
    if target.is_symlink():
        refuse("is a symlink; refusing to replace what it points to")
    real = Path(os.path.realpath(target))
    for what, path, nor_inside in protected:
        if real == path:
            refuse(f"is {what}; refusing to replace it")
        if real in path.parents:
            refuse(f"contains {what}; refusing to replace it")
        if nor_inside and path in real.parents:
            refuse(f"is inside {what}; refusing to build there")
    if target.exists() and not target.is_dir():
        refuse("is not a folder; refusing to replace it")


def _refuse_foreign(site_dir: Path, target: Path) -> None:
    if not target.is_dir() or _is_file(target / MARKER) or next(target.iterdir(), None) is None:
        return
    raise _Refused(
        message=f"{display_path(site_dir)}: holds files nexus-pm did not build (no {MARKER});"
        " refusing to replace it; if an older nexus-pm built it, delete it once"
    )


def _recover(target: Path) -> None:
    """Put back the site that a build killed between its two renames had moved aside."""
    if os.path.lexists(target):
        return
    moved = [old / target.name for old in _leftovers(target, "old")]
    moved = [site for site in moved if _is_dir(site)]
    if moved:
        newest = max(moved, key=lambda site: site.parent.lstat().st_mtime_ns)
        os.rename(newest, target)
        log.info("nexus-pm: put back the site an interrupted build had moved aside")


def _prefix(target: Path, kind: str) -> str:
    """How the staging (`new`) and set-aside (`old`) folders of a site are named."""
    return f".{target.name}-{kind}-"


def _leftovers(target: Path, kind: str) -> list[Path]:
    """This module's own staging or set-aside folders, as `tempfile` names them; no others."""
    prefix = _prefix(target, kind)
    return [
        path
        for path in target.parent.iterdir()
        if path.name.startswith(prefix)
        and _TEMP_SUFFIX.fullmatch(path.name[len(prefix) :])
        and _is_dir(path)
    ]


def _is_dir(path: Path) -> bool:
    return stat.S_ISDIR(path.lstat().st_mode) if os.path.lexists(path) else False


def _is_file(path: Path) -> bool:
    return stat.S_ISREG(path.lstat().st_mode) if os.path.lexists(path) else False


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build at a time per folder; leftovers of a killed build are cleared under it."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _build_locked(config: MkDocsConfig, site_dir: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=_prefix(site_dir, "new"), dir=site_dir.parent))
    try:
        config["site_dir"] = str(staging)
        plugin = config.plugins.get("nexus-pm")
        if isinstance(plugin, NexusPlugin):
            plugin.load(config)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build.build(config)
        finally:
            config.plugins.on_shutdown()
        (staging / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        _swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _reported(site_dir: Path) -> Iterator[None]:
    """Every way a build fails becomes one NexusError; the previous site is then as it was."""
    try:
        yield
    except _Refused:
        raise
    except NexusError as exc:
        why = f"{exc.message}\n" if exc.message else ""
        raise NexusError(
            exc.problems, why + "build failed; the previous site is unchanged"
        ) from None
    except (Abort, MkDocsException) as exc:
        raise NexusError(message=f"build failed: {exc}; the previous site is unchanged") from None
    except jinja2.TemplateError as exc:
        # A broken template is a problem in a file the user edits, not a crash.
        where = display_path(getattr(exc, "filename", None) or "templates")
        line = getattr(exc, "lineno", None) or 1
        missing = isinstance(exc, jinja2.TemplateNotFound)
        message = f"no template named {exc}" if missing else str(exc)
        problem = Problem(where, line, "template", message)
        raise NexusError([problem], "build failed; the previous site is unchanged") from None
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise NexusError(
            message=f"{_where(exc, site_dir)}: {why}; build failed, the previous site is unchanged"
        ) from None


def _where(exc: OSError, site_dir: Path) -> str:
    if exc.filename is None:
        return display_path(site_dir)
    path = Path(os.fsdecode(exc.filename))
    # The staging and set-aside folders are short-lived; the user knows the site dir.
    ours = (_prefix(site_dir, "new"), _prefix(site_dir, "old"))
    if any(part.startswith(ours) for part in path.parts):
        return display_path(site_dir)
    return display_path(path)


def _swap(new: Path, target: Path) -> None:
    # Two renames on one filesystem: readers see the old site or the new, never a mix.
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=_prefix(target, "old"), dir=target.parent))
        try:
            os.rename(target, old / target.name)
        except OSError:
            old.rmdir()
            raise
    try:
        os.rename(new, target)
    except OSError:
        if old is not None:
            os.rename(old / target.name, target)
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve_site(config_file: Path, dev_addr: str) -> None:
    """Serve with live reload until interrupted."""
    if not config_file.is_file():
        raise NexusError(message=f"{display_path(config_file)}: no such MkDocs configuration")
    _log_to_stderr()
    # Dirty rebuilds: the plugin tells MkDocs which pages changed (see rebuild_cache).
    try:
        mkdocs_serve.serve(
            config_file=str(config_file), dev_addr=dev_addr, livereload=True, build_type="dirty"
        )
    except (Abort, MkDocsException) as exc:
        raise NexusError(message=f"serve failed: {exc}") from None
