"""`nexus-pm migrate`: rewrite format-1 records as format 2, in place, keeping comments."""

from __future__ import annotations

from pathlib import Path

from ..edge import err, out
from ..errors import NexusError, Problem, display_path, one_line
from ..loader import collect
from ..migrate import MigrationError, migrate_file, migrate_text
from ..record_files import read_text
from ..yamlsafe import parse_yaml
from . import existing


def run(paths: list[Path] | None, *, check: bool) -> int:
    """Migrate each record; with `check`, only say which still need it (exit 1 if any)."""
    problems: list[Problem] = []
    files, _ = collect(existing(paths), problems)
    changed = 0
    for path in files:
        shown = display_path(path)
        try:
            if path.is_symlink():
                # Replacing the link with a file would change what the link was for.
                raise MigrationError("is a symlink; migrate the file it points to")
            # The loader's reading and parsing first: its refusals (size, encoding, aliases,
            # depth, custom tags) and its messages, with their lines, hold here too.
            text = read_text(path)
            parse_yaml(text, shown)
            needed = migrate_text(text) != text if check else migrate_file(path)
        except NexusError as exc:
            problems.extend(exc.problems)
            continue
        except MigrationError as exc:
            problems.append(Problem(shown, 1, "record", one_line(str(exc))))
            continue
        if needed:
            changed += 1
            out(f"{shown}: {'needs migrating' if check else 'migrated to format 2'}")
    if problems:
        raise NexusError(problems)
    if check:
        return 1 if changed else 0
    err(f"{changed} record{'s' if changed != 1 else ''} migrated")
    return 0
