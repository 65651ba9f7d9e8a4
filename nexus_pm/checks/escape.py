"""Untrusted text made inert: for terminals, for JSON read raw, and for Markdown in SARIF."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# C0 and DEL, C1, and the bidi embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069): a Dockerfile or record can hold any of them, and a terminal or a
# browser would act on them (clear the screen, hide the rest of a line, reorder it).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In a code block, line breaks and tabs are the code's own layout; the rest stays escaped.
_CODE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What JSON leaves raw but a terminal that `cat`s the report would still act on.
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Every character that can start Markdown syntax inside a line of text.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_LANGUAGE = re.compile(r"^[a-z0-9+#-]{1,30}$")
_URL_SAFE = ":/?#[]@!$&'*+,;=%"


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def plain(text: str) -> str:
    """`text` with control and bidi characters written as escapes (`\\x1b`), as `list` does."""
    return _CONTROL.sub(_escape, text)


def json_safe(text: str) -> str:
    """A JSON document with DEL, C1 and bidi characters as `\\uXXXX`: the same data, inert."""
    # Outside strings JSON is plain ASCII, so these can only be inside strings.
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def markdown_text(text: str) -> str:
    """`text` as Markdown that renders as that text: no link, image, HTML or emphasis."""
    html = plain(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", html)


def code_span(text: str) -> str:
    """An inline code span that no backtick in `text` can close."""
    text = plain(text)
    ticks = "`" * (longest_backticks(text) + 1)
    # CommonMark strips one space at each end of a padded span, so padding shows nothing.
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(code: str, language: str) -> str:
    """A fenced code block whose fence no line of `code` can close (as in render.fence)."""
    code = _CODE_CONTROL.sub(_escape, code.rstrip())
    ticks = "`" * max(3, longest_backticks(code) + 1)
    # The info string is the record's word: anything odd in it could unmake the fence.
    lang = language if _LANGUAGE.match(language) else "text"
    return f"{ticks}{lang}\n{code}\n{ticks}"


def link_target(url: str | None) -> str | None:
    """`url` fit to sit between Markdown's `(` and `)`, or None when it is no web address."""
    try:
        scheme = urlsplit(url or "").scheme
    except ValueError:  # such as an unclosed `[` of an IPv6 host
        return None
    if scheme not in ("http", "https"):
        return None
    # Spaces, brackets, quotes and anything non-ASCII are percent-encoded: none can end
    # the link or start a title.
    return quote(url or "", safe=_URL_SAFE)


def longest_backticks(text: str) -> int:
    """The longest run of backticks in `text`: a fence or span one longer cannot be closed."""
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
