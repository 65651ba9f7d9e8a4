"""Files under .cache/nexus-pm/: written only where no symlink leads, read without trust."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from . import __version__
from .loader import MAX_BYTES

__all__ = [
    "CACHE_DIR",
    "cache_folder",
    "code_digest",
    "digest",
    "file_hash",
    "is_dir",
    "make_cache_folders",
    "read_cache",
    "rules_digest",
]

#: Below the project root: the folder that holds mkdocs.yml and incidents/.
CACHE_DIR = Path(".cache") / "nexus-pm"
# A cache file larger than this is not read: at 5,000 records one is about 4 MB.
_MAX_CACHE_BYTES = 256 * 1024 * 1024
_NO_FOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def digest(text: str) -> str:
    """The sha256 of a text, in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def file_hash(path: Path) -> str | None:
    """The sha256 of a regular file's bytes; None for a symlink, a large or unreadable file."""
    try:
        fd = os.open(path, _NO_FOLLOW)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        hashed, size = hashlib.sha256(), 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > MAX_BYTES:
                return None
            hashed.update(chunk)
        return hashed.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def is_dir(path: Path) -> bool:
    """Path.is_dir(), False for a name too long too."""
    try:
        return path.is_dir()
    except OSError:
        return False


def cache_folder(root: Path) -> Path | None:
    """root/.cache/nexus-pm, unless a part of it is a symlink or a file: never written through."""
    folder = root / CACHE_DIR
    for step in (root / CACHE_DIR.parent, folder):
        try:
            mode = os.lstat(step).st_mode
        except FileNotFoundError:
            continue
        except OSError:
            return None
        if not stat.S_ISDIR(mode):
            return None
    if is_dir(folder) and _tracked(root, folder):
        return None
    return folder


def _tracked(root: Path, folder: Path) -> bool:
    """Whether git tracks a file in `folder`: then a change committed it, and it came with
    a checkout rather than from a run on this machine, so it is not to be trusted."""
    git = shutil.which("git")
    if git is None:
        return False
    try:
        done = subprocess.run(
            [git, "ls-files", "-z", "--", str(folder.relative_to(root))],
            cwd=root,
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return False
    # Outside a git repository (exit 128) nothing is tracked.
    return done.returncode == 0 and bool(done.stdout)


def make_cache_folders(folder: Path) -> bool:
    """Make the cache folders that are missing; False if a part of the path is not a folder."""
    for step in (folder.parent, folder):
        with contextlib.suppress(FileExistsError):
            os.mkdir(step)
        if not stat.S_ISDIR(os.lstat(step).st_mode):
            return False
    return True


def rules_digest(folder: Path) -> str | None:
    """A digest of the shared rule files as load_shared reads them; None if one is a link."""
    try:
        if folder.is_symlink():
            return None
        if not folder.is_dir():
            return "none"
        parts = []
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yaml", ".yml"):
                one = file_hash(path)
                if one is None:
                    return None
                parts.append([path.name, one])
    except OSError:
        return None
    return digest(json.dumps(parts))


def code_digest() -> str | None:
    """What the answers depend on besides the records: this package's files and Python's,
    and the installed libraries (by their dist-info names, which hold their versions)."""
    package = Path(__file__).parent
    parts = [__version__, sys.version]
    try:
        for folder, dirs, names in os.walk(package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                info = os.stat(os.path.join(folder, name))
                where = os.path.relpath(os.path.join(folder, name), package)
                parts.append(f"{where} {info.st_size} {info.st_mtime_ns}")
        purelib = sysconfig.get_paths()["purelib"]
        parts.extend(sorted(n for n in os.listdir(purelib) if n.endswith(".dist-info")))
    except OSError:
        return None
    return digest("\n".join(parts))


def read_cache(path: Path, version: int) -> dict[str, Any] | None:
    """A cache file's data if it is a regular file of `version`; else None, never an error."""
    try:
        fd = os.open(path, _NO_FOLLOW)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_CACHE_BYTES:
                return None
            data = json.loads(handle.read())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != version:
        return None
    return data
