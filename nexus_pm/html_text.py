"""Every escape into finished HTML: the same text the Markdown filters write, as Python-Markdown shows it."""

from __future__ import annotations

from html import escape as _html
from html import unescape
from itertools import groupby

from markupsafe import Markup

from . import markdown as md


def _lines(value: object) -> str:
    return md._lines(value)


def _strip(text: str) -> str:
    # `markdown._unindent` strips every line; Python-Markdown keeps the breaks in a paragraph.
    return "\n".join(line.strip() for line in text.split("\n"))


def text(value: object) -> Markup:
    """Plain text, as `markdown.escape` shows it once rendered."""
    return Markup(_strip(_html(_lines(value), quote=True)))


def inline(value: object) -> Markup:
    """Like `text`, but `backtick spans` become code, as `markdown.inline` makes them."""
    source = _lines(value)
    parts: list[str] = []
    pos = 0
    # The spans `markdown.inline` makes code of.
    for match in md._CODE_SPAN.finditer(source):
        parts.append(_html(source[pos : match.start()], quote=True))
        code = match.group(2).strip().replace("\n", " ")
        parts.append("<code>" + _html(code, quote=True) + "</code>")
        pos = match.end()
    parts.append(_html(source[pos:], quote=True))
    return Markup(_strip("".join(parts)))


def one(value: object) -> Markup:
    """Inline text on a single line, for headings and list items."""
    return Markup(" ".join(inline(value).split("\n")))


def cell(value: object) -> Markup:
    """Text for one table cell: its line breaks as <br>."""
    return Markup(str(inline(value)).replace("\n", "<br>"))


def prose_blocks(value: object, repo: str | None = None) -> list[Markup]:
    """Each paragraph of a prose field, as `markdown.prose` writes it once rendered."""
    blocks = []
    for filled, run in groupby(_lines(value).split("\n"), key=lambda line: bool(line.strip())):
        if filled:
            blocks.append(Markup(_strip(_prose("\n".join(run), repo))))
    return blocks


def prose(value: object, repo: str | None = None) -> Markup:
    """A prose field as paragraphs: `<p>` around each."""
    return Markup("\n".join(f"<p>{b}</p>" for b in prose_blocks(value, repo)))


def _prose(source: str, repo: str | None) -> str:
    return md.walk_prose(source, repo, _escape, _link_open, _link_close)


def _escape(value: str) -> str:
    return _html(value, quote=True)


def _link_open(target: str | None) -> str:
    return "[" if target is None else f'<a href="{_escape(target)}">'


def _link_close(target: str | None, href: str) -> str:
    # Not a link: its source shows as text, as on the Markdown page.
    if target is None:
        return f"]({_escape(href)})" if href else "]"
    return "</a>"


def url(value: str) -> Markup:
    """An http(s) or mailto URL, checked as `markdown.url` checks it, for an href."""
    # The link the browser follows on the Markdown page: there `&#106;` in the destination is
    # a character reference, read as `j` (the scheme stays the one `markdown.url` checked).
    return Markup(_html(unescape(md.url(value)), quote=True))


#: The filters the HTML templates use, by name.
FILTERS = {"t": inline, "one": one, "text": text, "cell": cell, "prose": prose, "url": url}
