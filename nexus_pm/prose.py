"""The Markdown that prose fields may use, parsed: inline tokens from a few markdown-it-py rules.

This module only reads text; `markdown.prose` writes the tokens out, escaping as it goes.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.rules_inline.link import link
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from .record_types import REPO_PATH_PATTERN

__all__ = ["target", "tokens"]

# What a target may hold once quoted: ASCII letters and digits, %XX escapes and URL punctuation
# that neither HTML nor Markdown reads inside a link destination in <...>. No whitespace,
# quote, backtick, backslash, pipe, bracket, angle bracket or control is among them.
_SAFE = "/?#&=+$,;:@!*()%"
_TAIL = r"(?:[A-Za-z0-9/?#&=+$,;:@!*()._~-]|%[0-9A-Fa-f]{2})"
# The models' own URL rule (record_types.URL_PATTERN), over quoted text. As there, a scheme
# is lowercase: `HTTPS://` is refused with `JAVASCRIPT:`.
_WEB = re.compile(rf"https?://[A-Za-z0-9.-]+(?::[0-9]{{1,5}})?(?:[/?#]{_TAIL}*)?")
_MAIL = re.compile(rf"mailto:{_TAIL}+@{_TAIL}+")
# After a repo path (no scheme, no leading /, no empty, . or .. segment), as a heading's id.
_ANCHOR = re.compile(r"#[A-Za-z0-9._-]+")


def target(href: str) -> str | None:
    """`href` percent-quoted, if a prose link may point there: http(s), mailto or a repo path."""
    quoted = quote(href, safe=_SAFE)
    if _WEB.fullmatch(quoted) or _MAIL.fullmatch(quoted):
        return quoted
    path, hash_, anchor = quoted.partition("#")
    if re.fullmatch(REPO_PATH_PATTERN, path) and (not hash_ or _ANCHOR.fullmatch(hash_ + anchor)):
        return quoted
    return None


class _Parser(MarkdownIt):
    def normalizeLink(self, url: str) -> str:
        # The destination as written, its backslash escapes and entities decoded (so
        # `java&Tab;script:` arrives as `java\tscript:`). One that holds a control, an invisible
        # format character or any whitespace is refused, however it was written.
        if any(unicodedata.category(c)[0] in "CZ" or c.isspace() for c in url):
            return ""
        return super().normalizeLink(url)

    def validateLink(self, url: str) -> bool:
        # The destination normalized, percent-encoded: what the link would point to.
        return target(url) is not None


def _link(state: StateInline, silent: bool) -> bool:
    """markdown-it's link rule, refusing what would be an image, and links with no destination."""
    start = state.pos
    # `![x](y)` is an image, which prose does not have; it stays text rather than becoming
    # `!` and a link. A `!` after an odd number of backslashes is an escaped one.
    if start > 0 and state.src[start - 1] == "!":
        before = start - 1
        while before > 0 and state.src[before - 1] == "\\":
            before -= 1
        if (start - 1 - before) % 2 == 0:
            return False
    if silent:
        return link(state, silent)
    count, metas = len(state.tokens), len(state.tokens_meta)
    if not link(state, silent):
        return False
    # The link's first token opens it, unless text pending before the `[` was flushed first.
    opening = count if state.tokens[count].type == "link_open" else count + 1
    # markdown-it never validates an empty destination, `[x]()`: refused here, like any other
    # link prose may not have, it is taken back and its source is read again as text.
    if target(str(state.tokens[opening].attrs.get("href", ""))) is None:
        del state.tokens[opening:]
        del state.tokens_meta[metas:]
        state.pos = start
        return False
    return True


# The rules prose needs, and only those. Enabled: text; newline (line breaks); escape (a
# backslash makes `\*` or `\[` plain); backticks (code); emphasis (* and _, for em and strong);
# link. Left out: html_inline (no raw HTML, ever), image (`![x](y)` shows as text), autolink
# and linkify (only the [text](target) form links, so a reader sees the link an author made),
# strikethrough (not in the subset) and entity (`&#60;` shows as the characters typed, as
# `escape` shows them). The core's normalize is off too: `markdown._lines` has made every
# break a \n already, and normalize's only other change would turn a NUL into U+FFFD.
# Reference links need definitions in `env`, which stays empty.
# maxNesting bounds one recursion only, the search for the end of a link's text, which tries
# each `[` in it as a link of its own; past that depth the search gives up and the `[` stays
# text. Ten is more than prose needs, and twice as fast as 20 on 100 KB of `[`.
_PARSER = _Parser("zero", {"maxNesting": 10})
_PARSER.enable(["newline", "escape", "backticks", "emphasis", "link"])
_PARSER.core.ruler.disable("normalize")
_PARSER.inline.ruler.at("link", _link)


def tokens(text: str) -> list[Token]:
    """The inline tokens of `text`, whose line breaks are all \\n already."""
    blocks = _PARSER.parseInline(text, {})
    children = blocks[0].children if blocks else None
    return list(children or [])
