"""`nexus-pm generate`: the whole docs tree as plain files, for a build with no plugin."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from .errors import NexusError, display_path
from .pages import generate, shown
from .plugin import NexusPlugin
from .site import _locked, _prefix, _protected, _refuse_protected, _swap, _target

MARKER = ".nexus-pm-generated"
"""Written at the root of every folder `generate` fills: one without it is not ours to replace."""
_MARKER_TEXT = "Written by `nexus-pm generate`, which replaces this whole folder.\n"


def write_docs(config_file: Path, out: Path, *, drafts: bool = False) -> tuple[int, int]:
    """The docs folder's own files and every generated page, swapped into `out` whole.

    Returns the numbers of generated pages and of files copied from the docs folder.
    """
    if not config_file.is_file():
        raise NexusError(message=f"{display_path(config_file)}: no such MkDocs configuration")
    try:
        config = load_config(str(config_file))
    except (Abort, MkDocsException, ValueError) as exc:  # ValueError: `date: 2025-02-30`
        raise NexusError(message=f"{display_path(config_file)}: {exc}") from None
    plugin = config.plugins.get("nexus-pm")
    if not isinstance(plugin, NexusPlugin):
        raise NexusError(message=f"{display_path(config_file)}: the nexus-pm plugin is not set up")
    target = _target(out)
    _refuse_protected(out, target, _protected(config_file, config))
    records = plugin.load(config)
    made = generate(
        shown(records, drafts=drafts or plugin.config.drafts),
        root=config_file.parent.resolve(),
        templates=(config_file.parent / plugin.config.templates_dir).resolve(),
        severities=plugin.settings.severities,
        repo_url=config.repo_url,
    )
    docs = Path(config.docs_dir)
    own = sorted(
        p for p in docs.rglob("*") if p.is_file() and not p.is_symlink() and not _hidden(p, docs)
    )
    for path in own:
        uri = path.relative_to(docs).as_posix()
        if uri in made.pages:
            raise NexusError(message=f"{display_path(path)}: clashes with the generated page {uri}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent):
        _refuse_foreign(out, target)
        staging = Path(tempfile.mkdtemp(prefix=_prefix(target, "new"), dir=target.parent))
        try:
            for path in own:
                copy = staging / path.relative_to(docs)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
            for uri, text in made.pages.items():
                _put(staging / uri, text.encode("utf-8"))
            for uri, data in {**made.images, **made.files}.items():
                if not (staging / uri).exists():
                    _put(staging / uri, data)
            (staging / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
            _swap(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return len(made.pages), len(own)


def _hidden(path: Path, docs: Path) -> bool:
    # MkDocs leaves dot-files out of a build; so does the copy.
    return any(part.startswith(".") for part in path.relative_to(docs).parts)


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _refuse_foreign(out: Path, target: Path) -> None:
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise NexusError(message=f"{display_path(out)}: is not a folder; refusing to replace it")
    if (target / MARKER).is_file() or next(target.iterdir(), None) is None:
        return
    raise NexusError(
        message=f"{display_path(out)}: holds files nexus-pm did not write (no {MARKER});"
        " refusing to replace it"
    )
