"""The incidents index's script: its table sorts by a column and filters its rows."""

from __future__ import annotations

from importlib import resources

#: Where the script sits in the site (a docs path); every page loads it, and it acts
#: only on a page with the index's `.nexus-index-tools` box.
INDEX_SCRIPT = "assets/nexus-pm/index.js"


def index_script() -> str:
    """The script's text, as the package ships it."""
    return resources.files("nexus_pm").joinpath("templates/assets/index.js").read_text("utf-8")
