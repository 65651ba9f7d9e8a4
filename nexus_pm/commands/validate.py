"""`nexus-pm validate`: load every record and say how many are valid."""

from __future__ import annotations

from pathlib import Path

from ..edge import err, out
from ..errors import display_path
from ..loader import collect
from ..validate import count_valid
from . import existing, settings


def run(paths: list[Path] | None, *, max_bytes: int, verbose: bool) -> int:
    chosen = existing(paths)
    if verbose:
        for skipped in collect(chosen)[1]:
            err(f"{display_path(skipped)}: skipped: not a .yaml or .yml file")
    valid = count_valid(chosen, max_bytes=max_bytes, context=settings().context())
    out(f"{valid} record{'s' if valid != 1 else ''} valid")
    return 0
