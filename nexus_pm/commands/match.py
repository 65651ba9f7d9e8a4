"""`nexus-pm match`: the past incidents whose errors a log or pasted error holds."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import BinaryIO

from ..edge import err, show
from ..errors import InvalidValue, NexusError, display_path


class Unreadable(NexusError):
    """Records `match` cannot use: exit 2, so that 1 always means no incident matched."""

    def __init__(self, error: NexusError) -> None:
        super().__init__(error.problems, error.message, exit_code=2)


def _tail(stream: BinaryIO, limit: int) -> tuple[bytes, int]:
    """The last `limit` bytes of a stream read to its end, and how many bytes it held."""
    kept = b""
    total = 0
    while chunk := stream.read(1 << 20):
        total += len(chunk)
        kept = (kept + chunk)[-limit:]
    return kept, total


def read_input(file: Path | None, limit: int) -> str:
    """The text of FILE (stdin when none or `-`), its last `limit` bytes when longer."""
    if file is None or str(file) == "-":
        data, total = _tail(sys.stdin.buffer, limit)
        shown = "stdin"
    else:
        if not file.exists():
            raise InvalidValue("FILE", f"{display_path(file)} does not exist")
        if not file.is_file():
            raise InvalidValue("FILE", f"{display_path(file)} is not a regular file")
        with file.open("rb") as handle:
            data, total = _tail(handle, limit)
        shown = display_path(file)
    if total > limit:
        # Cut mid-line: the partial first line would match as noise.
        data = data.split(b"\n", 1)[-1]
        err(f"{shown}: read the last {limit:,} of {total:,} bytes")
    # A log can hold any bytes; undecodable ones only stop matching their own line.
    return data.decode("utf-8", errors="replace")


def run(
    file: Path | None,
    *,
    incidents: Path,
    config_file: Path,
    site_url: str | None,
    limit: int,
    as_json: bool,
    cache: bool = True,
) -> int:
    from ..checks.site_settings import site_settings
    from ..match_cache import load
    from ..seen import MAX_INPUT_BYTES, seen_in, to_json, to_text
    from . import existing, settings

    text = read_input(file, MAX_INPUT_BYTES)
    paths = existing([incidents])
    try:
        # The configuration first: a command that stops on it leaves no cache behind.
        site = site_settings(config_file, Path("."))
        # Records whose files are as they were at the last run come from .cache/nexus-pm/.
        index, shown = load(paths, settings().context(), cache=cache)
        hits = seen_in(
            text,
            index,
            shown,
            site_url=site.site_url if site_url is None else site_url or None,
            directory_urls=site.directory_urls,
            limit=limit,
        )
    except NexusError as exc:
        raise Unreadable(exc) from None
    json = functools.partial(to_json, hits) if as_json else None
    show(hits, json, functools.partial(to_text, hits), "no past incident matches")
    return 0 if hits else 1
