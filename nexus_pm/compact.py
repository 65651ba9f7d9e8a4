"""Smaller HTML without a second parser: indentation and blank lines go, nothing else changes."""

from __future__ import annotations

import re

# Kept byte for byte: elements whose text is shown or run as written, and every tag, whose
# attribute values a script or a tooltip may read as written. Text from a record can never
# open either: every `<` it holds reaches the page as `&lt;`.
_KEEP = re.compile(r"<(pre|script|style|textarea)\b.*?</\1\s*>|<[^<>]*>", re.IGNORECASE | re.DOTALL)
# A run of white space that holds a line break renders as one space wherever white space
# collapses, and a single line break is such a run too: the page looks the same.
_RUN = re.compile(r"[ \t\r]*\n[ \t\r\n]*")


def compact(html: str) -> str:
    """The page with each run of white space between tags that spans lines made one line break."""
    out: list[str] = []
    end = 0
    for kept in _KEEP.finditer(html):
        out.append(_RUN.sub("\n", html[end : kept.start()]))
        out.append(kept.group(0))
        end = kept.end()
    out.append(_RUN.sub("\n", html[end:]))
    return "".join(out)
