"""Which files `check` reads: found by name under folders, and kept inside the repo."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import NexusError, Problem, display_path
from ..loader import MAX_BYTES, read_text
from .registry import kind_for

#: Folders never worth scanning: VCS data, build output, dependencies and caches.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox"}
    | {".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}
)
#: What the file system raises for paths a pull request can make: loops, over-long names.
FS_ERRORS = (OSError, RuntimeError)


@dataclass(frozen=True)
class Config:
    """`[tool.nexus-pm.check]` in pyproject.toml."""

    exclude: tuple[str, ...] = ()

    def excluded(self, rel: str) -> bool:
        return any(fnmatch.fnmatchcase(rel, pattern) for pattern in self.exclude)


def why(exc: BaseException) -> str:
    """A file system error in a few words, never the content of any file."""
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "is a symlink loop"
    return f"cannot be read: {getattr(exc, 'strerror', None) or exc}"


def escapes(path: Path, root: Path) -> str | None:
    """Why `path` may not be read, when it leads out of `root` through a symlink; else None.

    A path named outside `root` is the caller's own choice and is read as named. Raises
    OSError or RuntimeError (a loop) from the file system.
    """
    lexical = Path(os.path.abspath(path))
    top = root.resolve()
    if not lexical.is_relative_to(top) or path.resolve().is_relative_to(top):
        return None
    # As the record loader words it; the target is never named, let alone read.
    if path.is_symlink():
        return f"is a symlink to a file outside {display_path(root)}/"
    return f"is reached through a symlink to a folder outside {display_path(root)}/"


def read_confined(path: Path, root: Path) -> str:
    """The text of `path`, refusing links out of `root`; raises NexusError naming the path."""
    try:
        refused = escapes(path, root)
    except FS_ERRORS as exc:
        refused = why(exc)
    if refused:
        raise NexusError([Problem(display_path(path), 1, "file", refused)])
    return read_text(path, max_bytes=MAX_BYTES)


def load_config(root: Path) -> Config:
    """Read the check settings; a malformed table is an error, a missing one means defaults."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return Config()
    shown = display_path(path)
    text = read_confined(path, root)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        raise _error(
            shown, int(at.group(1)) if at else 1, "toml", f"cannot be read: {exc}"
        ) from None
    table = data.get("tool", {}).get("nexus-pm", {}).get("check", {})
    line = _line_of(text, "[tool.nexus-pm.check]")
    field_name = "tool.nexus-pm.check"
    if not isinstance(table, dict):
        raise _error(shown, line, field_name, "must be a table")
    unknown = sorted(set(table) - {"exclude"})
    if unknown:
        raise _error(
            shown, line, f"{field_name}.{unknown[0]}", "unknown setting; expected 'exclude'"
        )
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(p, str) and p for p in exclude):
        raise _error(shown, line, f"{field_name}.exclude", "must be a list of glob patterns")
    return Config(tuple(p.strip("/") for p in exclude))


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(needle):
            return number
    return 1


def _error(path: str, line: int, field_name: str, message: str) -> NexusError:
    return NexusError([Problem(path, line, field_name, message)])


def discover(
    paths: Sequence[Path],
    root: Path,
    config: Config,
    wants: Callable[[str], bool] | None = None,
) -> tuple[list[Path], list[Problem]]:
    """Files to check: named files as given; under folders, files whose name has a kind.

    `wants` says whether a repo-relative path is read by a declared rule's globs.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(_walk(path, root, config, wants))
        elif kind_for(path.name) is None and not _wanted(path, root, wants):
            kinds = "Dockerfile, *.Dockerfile, Dockerfile.*, or a declared rule's files"
            problems.append(
                Problem(
                    display_path(path), 1, "file", f"no rules check this kind of file ({kinds})"
                )
            )
        else:
            files.append(path)
    unique = {real(p): p for p in reversed(files)}
    return sorted(unique.values(), key=display_path), problems


def real(path: Path) -> Path:
    """`path` with its links resolved; as written, made absolute, when they loop or fail."""
    try:
        return path.resolve()
    except FS_ERRORS:
        return Path(os.path.abspath(path))


def _wanted(path: Path, root: Path, wants: Callable[[str], bool] | None) -> bool:
    if wants is None:
        return False
    rel = relative(path, root)
    return rel is not None and wants(rel)


def _walk(
    top: Path, root: Path, config: Config, wants: Callable[[str], bool] | None = None
) -> list[Path]:
    found: list[Path] = []
    for current, dirs, names in os.walk(top):
        here = Path(current)
        # os.walk does not enter linked folders; dropping them here spares resolving a loop.
        dirs[:] = sorted(
            d for d in dirs if not (here / d).is_symlink() and not _skip_dir(here / d, root, config)
        )
        for name in sorted(names):
            path = here / name
            if kind_for(name) is None and not _wanted(path, root, wants):
                continue
            rel = relative(path, root)
            if not (rel and config.excluded(rel)) and _worth_reading(path):
                found.append(path)
    return found


def _worth_reading(path: Path) -> bool:
    """A file, or a link that loops: reading reports the loop, where skipping would hide it."""
    try:
        info = path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return stat.S_ISREG(info.st_mode)


def _skip_dir(path: Path, root: Path, config: Config) -> bool:
    rel = relative(path, root)
    if path.name in SKIP_DIRS or rel == "site" or (path / "pyvenv.cfg").exists():
        return True
    return rel is not None and (config.excluded(rel) or config.excluded(rel + "/"))


def relative(path: Path, root: Path) -> str | None:
    """`path` relative to `root`, links resolved, or None when it lies outside."""
    try:
        return real(path).relative_to(real(root)).as_posix()
    except ValueError:
        return None
