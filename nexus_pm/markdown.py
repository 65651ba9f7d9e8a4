"""Every escape into Markdown: values become `Safe` text, and nothing else reaches a page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from datetime import date
from itertools import groupby
from urllib.parse import quote

from jinja2.filters import do_indent

from . import layout
from .checks.escape import longest_backticks
from .prose import target as prose_target
from .prose import tokens as prose_tokens
from .yamlsafe import UNCARRIED


class Safe(str):
    """Markdown that may go into a page as it is: made here, by escaping or checking."""

    __slots__ = ()


# Characters that Markdown, its extensions (attr_list, emoji, tables, arithmatex)
# or HTML could read as syntax anywhere in a line. Writing them as numeric
# character references makes them plain text whatever extension sees them.
_SPECIAL = "\\`*_{}[]()#!|<>&:~^$"
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# These only mean something at the start of a line: lists, rules, setext headings, tabs
# (===) and collapsible blocks (???).
_LINE_START = re.compile(r"^([-+=?]|\d+(?=[.)]))")
# What str.splitlines() breaks lines on, as Jinja's `indent` filter does (and Markdown, for
# a lone CR). Each becomes \n before escaping, so every line is escaped where it starts.
_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# The languages a record may ask to highlight: those whose Pygments lexers stay linear on
# pathological input (tests/test_render.py times each on 100 KB of it). Many others do
# not: `c#` takes minutes on 20,000 characters of `a\n`, and `yaml`, `console`, `ini`,
# `javascript`, `java`, `go`, `html` and `xml` each have an input as bad. They show as text.
LANGUAGES = frozenset(
    {
        *("text", "bash", "sh", "shell", "zsh", "python", "py", "python3", "pycon", "pytb"),
        *("json", "toml", "dockerfile", "docker", "diff", "sql", "rust"),
    }
)
# YAML reads none of UNCARRIED raw, and reads NEL, LS and PS as line breaks; JSON's \u
# escapes carry them all through the front matter as they are.
_NOT_RAW_IN_YAML = re.compile(f"[\x85\u2028\u2029]|{UNCARRIED.pattern}")


def escape(value: object) -> Safe:
    """Plain text, safe in a Markdown paragraph, list item, heading or table cell."""
    return Safe(_unindent(_lines(value).translate(_ESCAPES)))


def inline(value: object) -> Safe:
    """Like `escape`, but `backtick spans` become code, as authors expect."""
    text = _lines(value)
    parts: list[str] = []
    pos = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(text[pos : match.start()].translate(_ESCAPES))
        # The <code> element is raw inline HTML, and Python-Markdown still runs
        # inline patterns inside it, so its text is escaped like any other.
        code = match.group(2).strip().replace("\n", " ")
        parts.append("<code>" + code.translate(_ESCAPES) + "</code>")
        pos = match.end()
    parts.append(text[pos:].translate(_ESCAPES))
    return Safe(_unindent("".join(parts)))


# What prose writes for the markup it keeps. Emphasis becomes HTML, as code does in `inline`,
# not `*` again: Python-Markdown pairs asterisks by rules of its own, which next to entities,
# inside words or in runs like `***` differ from CommonMark's, so the same `*` could pair up
# otherwise than markdown-it paired them. A tag it stashes as it is, and the nesting stays
# exactly as parsed; the text between the tags is escaped like any other.
_TAGS = {
    "em_open": "<em>",
    "em_close": "</em>",
    "strong_open": "<strong>",
    "strong_close": "</strong>",
    "softbreak": "\n",
    "hardbreak": "\n",  # as `inline` writes every break; a `\` ending a line goes
}


def prose(value: object, repo: str | None = None) -> Safe:
    """Like `inline`, with the Markdown of prose fields: *emphasis*, **strong** and links.

    A link stays one only to http(s), mailto or a repo path (`nexus_pm.prose.target`); any
    other is not a link at all, and its whole source shows as text, escaped like the rest.
    Raw HTML and images show as text too. A repo path links to `repo` + path, and is not a
    link without `repo`: a page lives elsewhere than the file, so the bare path would break.
    """
    # Python-Markdown ends a paragraph at a blank line, so no markup may span one: each run of
    # lines between blank ones is parsed on its own.
    blocks = []
    for text, run in groupby(_lines(value).split("\n"), key=lambda line: bool(line.strip())):
        lines = list(run)
        blocks.append(_prose("\n".join(lines), repo) if text else "\n" * (len(lines) - 1))
    return Safe(_unindent("\n".join(blocks)))


def _prose(text: str, repo: str | None) -> str:
    return walk_prose(text, repo, lambda s: s.translate(_ESCAPES), _link_open, _link_close)


def _link_open(target: str | None) -> str:
    return "&#91;" if target is None else "["


def _link_close(target: str | None, href: str) -> str:
    # Quoted, a target holds no space, quote, bracket or pipe that could end it or the
    # table cell it is in; `&` is written as `&amp;`, so that the browser reads the
    # `&` the link was parsed with, even where `&#...;` follows.
    # A repo path with no repo to link into still shows where it pointed, as text.
    shown = f"&#93;&#40;{href.translate(_ESCAPES)}&#41;" if href else "&#93;"
    return shown if target is None else f"](<{target.replace('&', '&amp;')}>)"


def walk_prose(
    text: str,
    repo: str | None,
    escape: Callable[[str], str],
    link_open: Callable[[str | None], str],
    link_close: Callable[[str | None, str], str],
) -> str:
    """Prose's tokens written out: text through `escape`, a link's ends by its target (None:
    not a link, its source shown as text) and, at its close, the destination as written."""
    parts: list[str] = []
    targets: list[str | None] = []
    hrefs: list[str] = []
    for token in prose_tokens(text):
        kind = token.type
        if kind in _TAGS:
            parts.append(_TAGS[kind])
        elif kind == "code_inline":
            parts.append("<code>" + escape(token.content.strip()) + "</code>")
        elif kind == "link_open":
            # The parser let only such targets through; checked again here, where it is written.
            href = str(token.attrs.get("href", ""))
            targets.append(_in_repo(prose_target(href), repo))
            hrefs.append(href)
            parts.append(link_open(targets[-1]))
        elif kind == "link_close":
            parts.append(
                link_close(targets.pop() if targets else None, hrefs.pop() if hrefs else "")
            )
        else:  # text, and anything a newer parser might add: escaped
            parts.append(escape(token.content))
    return "".join(parts)


def _in_repo(target: str | None, repo: str | None) -> str | None:
    if target is None or target.startswith(("http://", "https://", "mailto:")):
        return target
    return repo + target if repo and _URL.fullmatch(repo) else None


def _lines(value: object) -> str:
    return _BREAK.sub("\n", str(value))


def _unindent(text: str) -> str:
    # Leading spaces would turn a line into an indented code block.
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(_LINE_START.sub(_entity, line) for line in lines)


def _entity(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(c)};" for c in match.group(0))


def one(value: object) -> Safe:
    """Inline text on a single line, for headings and list items."""
    return Safe(" ".join(inline(value).split("\n")))


def cell(value: object) -> Safe:
    """Text for one table cell: one line, pipes escaped."""
    return Safe(inline(value).replace("\n", "<br>"))


def fence(code: str, language: str = "text", title: str | None = None) -> Safe:
    """A fenced code block whose fence no line of `code` can close."""
    code = _lines(code)
    ticks = "`" * max(3, longest_backticks(code) + 1)
    lang = language.strip().lower()
    if lang not in LANGUAGES:
        lang = "text"
    head = f"{ticks}{lang}"
    if title:
        one_line = " ".join(_lines(title).split("\n"))  # a break would end the opening line
        head += f' title="{html.escape(one_line, quote=True)}"'
    return Safe(f"{head}\n{code.rstrip(chr(10))}\n{ticks}")


def to_json(value: object) -> Safe:
    """A JSON value for front matter, where it is read as YAML."""
    # Non-ASCII stays as it is: YAML reads JSON's surrogate-pair escapes of an
    # emoji as two lone surrogates, fails, and MkDocs then renders the whole
    # front matter as Markdown, links and all.
    text = json.dumps(value, ensure_ascii=False)
    return Safe(_NOT_RAW_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def slug(value: str) -> Safe:
    """An anchor: lowercase letters, digits and dashes only."""
    return Safe(layout.slug(value))


# The models accept only such URLs; this check keeps a page safe should that ever change.
_URL = re.compile(
    r"(https?://|mailto:)[^\s<>\"'`\\\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+"
)


def url(value: str) -> Safe:
    """An http(s) or mailto URL for a link destination in <...>, which nothing in it can close."""
    if not _URL.fullmatch(value):
        raise ValueError(f"not a URL a page may link to: {value!r}")
    # A `|` would end the table cell the link sits in (an action item's ticket); browsers
    # send it percent-encoded anyway.
    return Safe(value.replace("|", "%7C"))


def path(target: str) -> Safe:
    """A relative link to a generated page; quoting keeps it one link destination."""
    return Safe(quote(target, safe="/#"))


def number(value: float) -> Safe:
    """A number as `%g` writes it; escaping would turn `1.5` at a line start into entities."""
    return Safe(f"{float(value):g}")


def iso(value: date) -> Safe:
    """A date or datetime in ISO 8601; its `:` would otherwise be escaped."""
    return Safe(value.isoformat())


def pipes(text: str) -> Safe:
    """Trusted Markdown, such as the models' own descriptions, for a table cell: `|` escaped."""
    return Safe(text.replace("|", "\\|"))


def indent(value: str, width: int = 4) -> Safe:
    """Jinja's `indent`, escaping first what is not yet `Safe`."""
    return Safe(do_indent(finalize(value), width))


def join(values: Iterable[object], separator: str = "") -> Safe | str:
    """Jinja's `join`: `Safe` when every item is, else plain text that output escapes."""
    items = list(values)
    joined = separator.join(str(item) for item in items)
    return Safe(joined) if all(isinstance(item, Safe) for item in items) else joined


def finalize(value: object) -> Safe:
    """What `{{ }}` writes: `Safe` as it is, anything else escaped."""
    return value if isinstance(value, Safe) else escape(value)


#: The filters templates use, by name; each returns Safe.
FILTERS = {
    "t": inline, "one": one, "text": escape, "cell": cell, "fence": fence, "slug": slug,
    "tojson": to_json, "indent": indent, "join": join, "number": number, "iso": iso, "url": url,
    "prose": prose,
}  # fmt: skip


def xml(value: object) -> Safe:
    """Text for inline SVG or other raw HTML: one line, `& < > " '` as entities."""
    return Safe(html.escape(" ".join(_lines(value).split("\n")), quote=True))
