"""One module per command, each body a plain function of parsed options returning an exit code."""

from __future__ import annotations

from pathlib import Path

from ..config import Settings, load_settings
from ..errors import InvalidValue, display_path

DEFAULT_RECORDS = Path("incidents")


def existing(paths: list[Path] | None) -> list[Path]:
    """The record paths given, or incidents/; each must exist, if only as a dangling link."""
    chosen = paths or [DEFAULT_RECORDS]
    for path in chosen:
        if not path.exists() and not path.is_symlink():
            raise InvalidValue("PATHS", f"{display_path(path)} does not exist")
    return chosen


def settings() -> Settings:
    """The team's settings: `[tool.nexus-pm]` in the working folder's pyproject.toml."""
    return load_settings(Path.cwd())
