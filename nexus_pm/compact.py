"""Smaller HTML without a second parser: white space that shows nothing goes, nothing else changes."""

from __future__ import annotations

import re

# Kept byte for byte: elements whose text is shown or run as written, and every tag, whose
# attribute values a script or a tooltip may read as written. Text from a record can never
# open either: every `<` it holds reaches the page as `&lt;`. A tag that spans lines is set
# apart with them, so that in the text between, white space is never inside a tag.
_KEPT = re.compile(
    r"(<(pre|script|style|textarea)\b.*?</\2\s*>|<[^<>\n]*\n[^<>]*>)", re.IGNORECASE | re.DOTALL
)
# A run of white space that holds a line break renders as one space wherever white space
# collapses, and a single line break is such a run too: the page looks the same.
_RUN = re.compile(r"[ \t\r]*\n[ \t\r\n]*")
# Elements that always start a block of their own: white space between two of them is not
# rendered. Elements a theme may lay out inline (div, span, a, label, input) are not here.
_BLOCK_NAMES = (
    r"</?(?:p|ul|ol|li|dl|dt|dd|table|caption|colgroup|col|thead|tbody|tfoot|tr|td|th"
    r"|h[1-6]|nav|header|footer|main|article|section|details|summary|blockquote|hr"
    r"|figure|figcaption|html|head|body|meta|link|title)\b"
)
_BLOCK = re.compile(_BLOCK_NAMES, re.IGNORECASE)
# White space between a block tag and the start of the next one, and at the start of a text
# that a block tag comes before.
_BETWEEN = re.compile(rf"({_BLOCK_NAMES}[^<>]*>)\s+(?={_BLOCK_NAMES})", re.IGNORECASE)
_LEADING = re.compile(rf"\A\s+(?={_BLOCK_NAMES})", re.IGNORECASE)
# Pygments wraps each run of white space in a code block in a span of its own, which no
# style of the theme colours: the run shows the same without it, and it was a twentieth
# of an incident page.
_SPACE_TOKEN = re.compile(r'<span class="w">([ \t\n]*)</span>')


def compact(html: str) -> str:
    """The page with white space between tags that spans lines made one line break (none
    between two block elements), and code blocks without their white-space spans.

    Each step is one regular expression over the page, not a step per tag: a page holds
    thousands of tags, and a loop over them cost a tenth of a plain build.
    """
    # [text, kept, its element's name or None, text, kept, ...]
    parts = _KEPT.split(html)
    out: list[str] = []
    for index in range(0, len(parts), 3):
        left = parts[index - 2] if index else ""
        right = parts[index + 1] if index + 1 < len(parts) else ""
        out.append(_text(parts[index], _is_block(left), _is_block(right)))
        if right:
            name = parts[index + 2]
            pre = name is not None and name.lower() == "pre"
            out.append(_SPACE_TOKEN.sub(r"\1", right) if pre else right)
    return "".join(out)


def _is_block(tag: str) -> bool:
    return _BLOCK.match(tag) is not None


def _text(text: str, after_block: bool, before_block: bool) -> str:
    """Text between two kept parts, which may be block tags, with no tag that spans lines."""
    if after_block and before_block and not text.strip():
        return ""
    text = _BETWEEN.sub(r"\1", text)
    if after_block:
        text = _LEADING.sub("", text)
    if before_block:
        # White space at the end, after a block tag: found from the end, as a search from
        # the start would try every tag of the text.
        kept = text.rstrip()
        start = kept.rfind("<")
        ends_in_a_tag = start >= 0 and kept.endswith(">") and ">" not in kept[start:-1]
        if len(kept) < len(text) and ends_in_a_tag and _BLOCK.match(kept, start):
            text = kept
    return _RUN.sub("\n", text)
