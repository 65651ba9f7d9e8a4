"""Read record files safely: no link out of the folder, no oversize file, no bad encoding."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import NexusError, Problem, display_path
from .limits import MAX_BYTES


def brief(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


_STEP = 1 << 24  # 16 MiB: what one read may set aside


class _Shown:
    """A path as messages show it, worked out only when a message needs it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __str__(self) -> str:
        return display_path(self.path)


def read_bytes(path: Path, *, max_bytes: int = MAX_BYTES, root: Path | None = None) -> bytes:
    """Read a file whole, refusing links out of `root`, what is not a file, and oversize files."""
    shown = _Shown(path)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            if root is not None and not path.resolve().is_relative_to(root.resolve()):
                outside = f"is a symlink to a file outside {display_path(root)}/"
                raise fail(shown, 1, "file", outside)
            info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # Opening a FIFO blocks, and /dev/zero never ends.
            raise fail(shown, 1, "file", "is not a regular file")
        if info.st_size > max_bytes:
            size = f"is {info.st_size} bytes, over the {max_bytes}-byte size cap"
            raise fail(shown, 1, "file", size)
        # Unbuffered: each read is one system call into a buffer of the size asked for.
        with open(path, "rb", buffering=0) as handle:
            # Its size at stat first: asking for max_bytes + 1 would set aside that many
            # bytes for every file. It may have grown since: read on to its end or just past
            # the cap, in steps, since read(n) sets aside n bytes and a cap can be any number.
            chunks = [handle.read(info.st_size + 1)]
            got = len(chunks[0])
            while info.st_size < got <= max_bytes and (
                chunk := handle.read(min(max_bytes + 1 - got, _STEP))
            ):
                chunks.append(chunk)
                got += len(chunk)
            data = b"".join(chunks)
        if len(data) > max_bytes:
            raise fail(shown, 1, "file", f"is over the {max_bytes}-byte size cap")
    except RuntimeError:  # what Path.resolve() raises on a loop before Python 3.13
        raise fail(shown, 1, "file", "is a symlink loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise fail(shown, 1, "file", "is a symlink loop") from None
        raise fail(shown, 1, "file", f"cannot be read: {exc.strerror or exc}") from None
    return data


def read_text(path: Path, *, max_bytes: int = MAX_BYTES, root: Path | None = None) -> str:
    """Read a record's text, refusing links out of `root`, oversize files and bad encodings."""
    shown = _Shown(path)
    data = read_bytes(path, max_bytes=max_bytes, root=root)
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise fail(shown, line, "file", "contains a NUL byte; it must be text, not binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(
            shown, line, "file", f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None
    return text.replace("\r\n", "\n")


def fail(shown: str | _Shown, line: int, field: str, message: str) -> NexusError:
    return NexusError([Problem(str(shown), line, field, message)])
