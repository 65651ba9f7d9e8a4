"""The docs folder's files, refused where a symlink leads out of the project or into .git."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mkdocs.exceptions import PluginError

from .checks.files import FS_ERRORS, escapes, why
from .errors import NexusError, Problem, display_path


def refuse_links_out(paths: Iterable[Path], root: Path, *, for_mkdocs: bool) -> None:
    """Raise NexusError naming every path that a symlink leads out of `root`, or into its .git.

    A pull request can add `docs/passwd.txt -> /etc/passwd`; MkDocs would copy the build
    machine's file into the published site. A link to a file in the repo is still fine.
    `for_mkdocs`: as the PluginError that MkDocs reports, all problems in one message.
    """
    git = root.resolve() / ".git"
    problems = []
    for path in paths:
        try:
            refused = escapes(path, root)
            if refused is None and path.resolve().is_relative_to(git):
                refused = "is reached through a symlink into .git/"
        except FS_ERRORS as exc:
            refused = why(exc)
        if refused:
            problems.append(Problem(display_path(path), 1, "file", refused))
    if problems and for_mkdocs:
        lines = "\n".join(str(p) for p in problems)
        raise PluginError(f"nexus-pm: the docs folder links out of the project:\n{lines}")
    if problems:
        raise NexusError(problems)
