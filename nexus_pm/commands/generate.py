"""`nexus-pm generate`: write the docs tree, generated pages included, for a plain build."""

from __future__ import annotations

from pathlib import Path

from ..edge import err
from ..errors import display_path


def run(config_file: Path, out: Path, *, drafts: bool) -> int:
    from ..generated_docs import write_docs  # MkDocs is slow to import: only when asked

    pages, copied = write_docs(config_file, out, drafts=drafts)
    shown = display_path(out)
    err(f"wrote {pages} generated pages and {copied} files of the docs folder into {shown}/")
    err(
        f"build it with a copy of {display_path(config_file)} that sets docs_dir: {shown}"
        " and lists no nexus-pm plugin"
    )
    return 0
