"""Images that records show from the repo: checked, read confined, and published as assets."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .checks.files import FS_ERRORS, escapes, why
from .errors import NexusError, Problem, display_path
from .layout import image_uri
from .loader import Record, locate
from .record_files import read_bytes

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Raster formats only, each known by its first bytes: an SVG can carry script, and a
# file named .png that is really HTML must not be published beside the pages.
SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}


def repo_images(records: Iterable[Record], root: Path) -> dict[str, bytes]:
    """Every image block's file, keyed by its docs path; all problems raised at once."""
    found: dict[str, bytes] = {}
    problems: list[Problem] = []
    for record in records:
        for s, section in enumerate(record.incident.sections):
            for b, block in enumerate(section.blocks):
                if block.kind != "image":
                    continue
                repo_path = block.path
                loc = ("sections", s, "blocks", b, "path")
                why = None
                try:
                    data = _read(root / repo_path, root)
                except NexusError as exc:
                    why = exc.problems[0].message
                else:
                    why = _refused(repo_path, data)
                if why:
                    shown = display_path(record.path)
                    field = ".".join(map(str, loc))
                    problems.append(Problem(shown, locate(record.text, loc), field, why))
                else:
                    found[image_uri(repo_path)] = data
    if problems:
        raise NexusError(problems)
    return found


def _read(path: Path, root: Path) -> bytes:
    try:
        refused = escapes(path, root) or (None if path.is_file() else "no such image in the repo")
    except FS_ERRORS as exc:
        refused = why(exc)
    if refused:
        raise NexusError([Problem(display_path(path), 1, "file", refused)])
    return read_bytes(path, max_bytes=MAX_IMAGE_BYTES)


def _refused(repo_path: str, data: bytes) -> str | None:
    suffix = Path(repo_path).suffix.lower()
    if suffix not in SIGNATURES:
        kinds = ", ".join(SIGNATURES)
        return f"an image must be one of {kinds}, not {suffix or 'a file without a suffix'}"
    if not data.startswith(SIGNATURES[suffix]) or (suffix == ".webp" and data[8:12] != b"WEBP"):
        return f"is not a {suffix[1:].upper()} image: its first bytes say otherwise"
    return None
