"""File operations that never leave half a file: atomic replace, exclusive create, lock files."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


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


def write_output(path: Path, text: str, ours: Callable[[str], bool], what: str) -> None:
    """Replace `path` atomically; on failure leave no file or folder this call made.

    A file already there is replaced only if it is empty or `ours` takes its text for an
    earlier output of the command (`what` names it): anything else, a record say, is
    someone's work, and a mistyped `--output` must not destroy it.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    if os.path.lexists(path) and not _replaceable(path, ours):
        reason = f"exists and is not {what}; remove it first or write elsewhere"
        raise FileExistsError(errno.EEXIST, reason, os.fspath(path))
    write_in_folders(path, text, write_atomic)


# Outputs are reports and schemas; a file larger than this is none the command wrote.
_MAX_OUTPUT = 256 * 1024 * 1024


def _replaceable(path: Path, ours: Callable[[str], bool]) -> bool:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_OUTPUT:
            return False
        data = path.read_bytes()
    except (OSError, RuntimeError):  # unreadable, or a symlink loop: not known to be ours
        return False
    try:
        return not data or ours(data.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def write_in_folders(path: Path, text: str, write: Callable[[Path, str], None]) -> None:
    """`write(path, text)` after making the missing folders; on failure remove those it made."""
    made = make_folders(path.parent)
    try:
        with naming(path):
            write(path, text)
    except BaseException:
        remove_folders(made)
        raise


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`, synced to disk; FileExistsError if it exists, even as a link."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def link_new(source: Path, target: Path) -> bool:
    """Give the file `source` the name `target` unless that is taken; False if it is.

    A hard link claims the name and shows the whole file in one step. Where the
    file system has no hard links, the name is claimed with O_EXCL and `source`
    then replaces it, so a reader may briefly see an empty file, never a partial one.
    """
    try:
        os.link(source, target)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            return False
        os.replace(source, target)
    return True


def take_lock(path: Path) -> bool:
    """Hold the lock `path` by creating it, with this process's id inside; False if held.

    The lock is released by unlinking it. One left by a process killed outright
    stays held: callers must treat it as taken, never as stale, to stay safe.
    """
    try:
        write_new(path, f"{os.getpid()}\n")
    except FileExistsError:
        return False
    return True


def make_folders(folder: Path) -> list[Path]:
    """Create `folder` and its missing parents; return those this call made, deepest last."""
    missing = []
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate):
            break  # mkdir below says what is wrong if it is not a folder
        missing.append(candidate)
    made = []
    try:
        for step in reversed(missing):
            try:
                step.mkdir()
            except FileExistsError:
                if not step.is_dir():
                    raise
                continue  # another process made it meanwhile: not ours to remove
            made.append(step)
    except BaseException:
        remove_folders(made)
        raise
    return made


def remove_folders(made: list[Path]) -> None:
    """Undo make_folders, deepest first; a folder that something else filled stays."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            return


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """Report a file-system error inside as one about `path`: temporary names mean nothing."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            raise  # the caller's cue to try the next name
        raise OSError(exc.errno, exc.strerror or str(exc), os.fspath(path)) from None
