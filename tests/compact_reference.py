"""The HTML compactor as it was first written, a step per tag: what `compact` must still give."""

from __future__ import annotations

import re

# Kept byte for byte: elements whose text is shown or run as written, and every tag, whose
# attribute values a script or a tooltip may read as written. Text from a record can never
# open either: every `<` it holds reaches the page as `&lt;`.
_KEEP = re.compile(r"<(pre|script|style|textarea)\b.*?</\1\s*>|<[^<>]*>", re.IGNORECASE | re.DOTALL)
# A run of white space that holds a line break renders as one space wherever white space
# collapses, and a single line break is such a run too: the page looks the same.
_RUN = re.compile(r"[ \t\r]*\n[ \t\r\n]*")
# Elements that always start a block of their own: white space between two of them is not
# rendered. Elements a theme may lay out inline (div, span, a, label, input) are not here.
_BLOCK = re.compile(
    r"</?(?:p|ul|ol|li|dl|dt|dd|table|caption|colgroup|col|thead|tbody|tfoot|tr|td|th"
    r"|h[1-6]|nav|header|footer|main|article|section|details|summary|blockquote|hr"
    r"|figure|figcaption|html|head|body|meta|link|title)\b",
    re.IGNORECASE,
)
# Pygments wraps each run of white space in a code block in a span of its own, which no
# style of the theme colours: the run shows the same without it, and it was a twentieth
# of an incident page.
_SPACE_TOKEN = re.compile(r'<span class="w">([ \t\n]*)</span>')


def _is_block(tag: str) -> bool:
    return _BLOCK.match(tag) is not None


def compact_by_tags(html: str) -> str:
    """The page with white space between tags that spans lines made one line break (none
    between two block elements), and code blocks without their white-space spans."""
    out: list[str] = []
    end = 0
    before = ""
    for kept in _KEEP.finditer(html):
        token = kept.group(0)
        between = html[end : kept.start()]
        if not between.strip() and _is_block(before) and _is_block(token):
            between = ""
        out.append(_RUN.sub("\n", between))
        if kept.group(1) and kept.group(1).lower() == "pre":
            token = _SPACE_TOKEN.sub(r"\1", token)
        out.append(token)
        before = token
        end = kept.end()
    out.append(_RUN.sub("\n", html[end:]))
    return "".join(out)
