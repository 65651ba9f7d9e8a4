"""Records the loader refuses, and a build that lets them through to test the pages' own defences."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# The loader refuses an escaped U+0080 and an unsafe file name; this build switches those
# two refusals off (and nothing else), to show that the pages stay inert without them.
UNGUARDED_BUILD = """
import re
import nexus_pm.render  # its front-matter escapes are made from the real set first
from nexus_pm import loader, yamlsafe
yamlsafe.UNCARRIED = re.compile("(?!)")
loader.name_problems = lambda path: []
from nexus_pm.cli import main
main()
"""
C1_ID, NAME_ID, BREAKS_ID = "INC-9001", "INC-9002", "INC-9003"
C1_FILE = "2025-12-02-c1-title.yaml"
BREAKS_FILE = "2025-12-02-line-breaks.yaml"
# Material writes the edit link into href="..." as it is.
HOSTILE_NAME = 'x" autofocus onfocus="window.__pwned=\'name\'" y=".yaml'
QUOTED_NAME = "x%22%20autofocus%20onfocus%3D%22window.__pwned%3D%27name%27%22%20y%3D%22.yaml"
# Raw in the front matter, U+0080 made MkDocs' YAML fail; it then rendered the front matter
# as Markdown, and the attribute list gave the image a live onerror.
# (The title is HTML-escaped there, so the handlers do without quotes.)
C1_TITLE = "C1 \x80 ![x](data:x){:onerror=window.__pwned++} ![y](data:y){:onerror=alert(1)} end"
# Each break comes before a line Markdown would read as a block: a collapsible, a code
# block, tabs, a table row, a setext heading.
BREAKS = (
    'start\r??? note "details"\u2028    indented code\x85=== "Tab"\u2029| x | y |\rHeading\r==='
)
_RECORD = """format: 2
id: {id}
title: {title}
summary: {text}
date: 2025-12-02
severity: SEV3
status: published
services: [hostile-service]
tags: [injection]
"""
# The line breaks in a paragraph, a heading, table cells of every table, a list item and
# an error's code block.
_BREAKS_EXTRA = """timezone: UTC
timeline:
  - {{at: 2025-12-02 10:00, kind: started, who: {text}, text: {text}}}
errors:
  - output: {text}
action_items:
  - {{text: {text}, owner: {text}}}
sections:
  - title: Symptom
    text: {text}
    blocks:
      - kind: facts
        title: Observations
        facts:
          - {{label: {text}, value: {text}}}
      - kind: list
        items: [{text}]
lessons:
  groups:
    - title: Technical
      items: [{text}]
"""


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar, with escapes for everything unusual."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    for char in sorted(set(escaped)):
        if not char.isascii() or not char.isprintable():
            escaped = escaped.replace(char, f"\\u{ord(char):04x}")
    return f'"{escaped}"'


def write_records(incidents: Path) -> None:
    """The three hostile records, next to whatever `incidents/` holds."""
    plain = quoted("The summary.")
    (incidents / C1_FILE).write_text(
        _RECORD.format(id=C1_ID, title=quoted(C1_TITLE), text=plain), encoding="utf-8"
    )
    (incidents / HOSTILE_NAME).write_text(
        _RECORD.format(id=NAME_ID, title=quoted("A record with a hostile file name"), text=plain),
        encoding="utf-8",
    )
    breaks = quoted(BREAKS)
    (incidents / BREAKS_FILE).write_text(
        _RECORD.format(id=BREAKS_ID, title=breaks, text=breaks) + _BREAKS_EXTRA.format(text=breaks),
        encoding="utf-8",
    )


def build_unguarded(
    project: Path, site_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`nexus-pm build` with the loader's two refusals off."""
    return subprocess.run(
        [sys.executable, "-c", UNGUARDED_BUILD, "build", "--site-dir", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
