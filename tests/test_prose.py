"""The `prose` filter: links, code and emphasis in prose fields, and nothing else of Markdown."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import pytest
from mkdocs.config import load_config

from nexus_pm.markdown import Safe, escape, inline, prose
from nexus_pm.prose import target
from nexus_pm.render import Renderer

from .conftest import ROOT

# (source, what prose writes), exactly.
WRITTEN = [
    ("A plain sentence.", "A plain sentence."),
    ("50% of <b>requests</b> & more", "50% of &#60;b&#62;requests&#60;/b&#62; &#38; more"),
    # Code, as `inline` writes it: its text escaped too.
    ("run `kubectl get pods` now", "run <code>kubectl get pods</code> now"),
    ("`<script>` and `a*b*`", "<code>&#60;script&#62;</code> and <code>a&#42;b&#42;</code>"),
    ("`` a`b ``", "<code>a&#96;b</code>"),
    # Emphasis.
    ("*very* _much_", "<em>very</em> <em>much</em>"),
    ("**never** __ever__", "<strong>never</strong> <strong>ever</strong>"),
    ("***both***", "<em><strong>both</strong></em>"),
    ("snake_case_name", "snake&#95;case&#95;name"),
    # A backslash makes Markdown syntax plain.
    (
        r"\*not em\* and \[not a link\](https://x.org)",
        "&#42;not em&#42; and &#91;not a link&#93;&#40;https&#58;//x.org&#41;",
    ),
    # Links of each kind that prose allows.
    (
        "see [the PR](https://github.com/x/y/pull/1)",
        "see [the PR](<https://github.com/x/y/pull/1>)",
    ),
    ("[plain](http://example.com/a?b=1&c=2)", "[plain](<http://example.com/a?b=1&amp;c=2>)"),
    ("[mail us](mailto:oncall@example.com)", "[mail us](<mailto:oncall@example.com>)"),
    (
        "[runbook](docs/runbooks/db.md#failover)",
        "[runbook](<https://git.example.com/o/r/blob/HEAD/docs/runbooks/db.md#failover>)",
    ),
    (
        "[file](services/api/Dockerfile)",
        "[file](<https://git.example.com/o/r/blob/HEAD/services/api/Dockerfile>)",
    ),
    ("[x](https://x.org/Straße)", "[x](<https://x.org/Stra%C3%9Fe>)"),
    ("[x](https://x.org/a%20b)", "[x](<https://x.org/a%20b>)"),
    ("[x](https://x.org/it's)", "[x](<https://x.org/it%27s>)"),
    # `&` as `&amp;`, so the browser reads the `&` itself; markdown-it decodes no entity of a
    # control, so `&#1;` is those four characters.
    ("[x](https://x.org/?a&amp;b&#1;)", "[x](<https://x.org/?a&amp;b&amp;#1;>)"),
    # A title is dropped; the link stays.
    ('[x](https://x.org/a "title")', "[x](<https://x.org/a>)"),
    # Link text holds code and emphasis, and brackets as text, but no link.
    (
        "[*fix* in `api`](https://x.org/c/1)",
        "[<em>fix</em> in <code>api</code>](<https://x.org/c/1>)",
    ),
    ("[a [b] c](https://x.org)", "[a &#91;b&#93; c](<https://x.org>)"),
    (
        "[a [b](https://b.org) c](https://a.org)",
        "&#91;a [b](<https://b.org>) c&#93;&#40;https&#58;//a.org&#41;",
    ),
    ("*a [b](https://x.org) c*", "<em>a [b](<https://x.org>) c</em>"),
    # A refused link is text, formatting and all.
    ("[*a*](javascript:x)", "&#91;<em>a</em>&#93;&#40;javascript&#58;x&#41;"),
    # Unbalanced syntax is text.
    ("*open", "&#42;open"),
    ("**open*", "&#42;<em>open</em>"),
    ("`open", "&#96;open"),
    ("[open", "&#91;open"),
    ("[a](https://x.org", "&#91;a&#93;&#40;https&#58;//x.org"),
    ("a]( b", "a&#93;&#40; b"),
    ("close*", "close&#42;"),
    ("** x **", "&#42;&#42; x &#42;&#42;"),
    ("[x]", "&#91;x&#93;"),
    ("[x][y]", "&#91;x&#93;&#91;y&#93;"),
    ("[x]()", "&#91;x&#93;&#40;&#41;"),
    # Line breaks of every kind become \n, in a link's text too.
    ("a\r\nb\u2028c\x85d\re", "a\nb\nc\nd\ne"),
    ("[a\r\nb](https://x.org)", "[a\nb](<https://x.org>)"),
    # What starts a block at a line's start is escaped there; leading spaces go.
    (
        "x\n- item\n1. one\n# head\n===\n+ plus\n??? note\n> quote",
        "x\n&#45; item\n&#49;. one\n&#35; head\n&#61;==\n&#43; plus\n&#63;?? note\n&#62; quote",
    ),
    ("a\n    indented", "a\nindented"),
    ("*a\n- b*", "<em>a\n&#45; b</em>"),
    # Entities are text: they show as typed.
    ("&#60;script&#62; &amp; &#x6a;", "&#38;&#35;60;script&#38;&#35;62; &#38;amp; &#38;&#35;x6a;"),
    # Nothing spans a blank line, where Python-Markdown starts a new paragraph.
    ("*a\n\nb*", "&#42;a\n\nb&#42;"),
    ("[a\n\nb](docs/x.md)", "&#91;a\n\nb&#93;&#40;docs/x.md&#41;"),
    (
        "[x](docs/a.md)\n \n[y](docs/b.md)",
        "[x](<https://git.example.com/o/r/blob/HEAD/docs/a.md>)\n\n[y](<https://git.example.com/o/r/blob/HEAD/docs/b.md>)",
    ),
]

REPO = "https://git.example.com/o/r/blob/HEAD/"


@pytest.mark.parametrize(("source", "written"), WRITTEN)
def test_prose_writes(source: str, written: str) -> None:
    out = prose(source, repo=REPO)
    assert isinstance(out, Safe)
    assert out == written


# Links prose refuses; each shows as its whole source, escaped as `escape` would.
REFUSED = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](JavaScript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java&Tab;script:alert(1))",
    "[x](java&NewLine;script:alert(1))",
    "[x](<java script:alert(1)>)",
    "[x]( javascript:alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](file:///etc/passwd)",
    "[x](ftp://example.com/)",
    "[x](tel:+15550100)",
    "[x](//evil.example/x)",
    "[x](https:/evil.example)",
    "[x](http:evil.example)",
    "[x](HTTPS://example.com)",
    "[x](/etc/passwd)",
    "[x](../secrets.md)",
    "[x](docs/../../x)",
    "[x](docs/./x)",
    "[x](docs//x)",
    "[x](docs/)",
    "[x](#top)",
    "[x](docs/x.md#a#b)",
    "[x](https://good.example@evil.example)",
    "[x](<https://x.org/a\x01b>)",
    "[x](https://x.org/a\u200bb)",
    "[x](https://x.org/\u202egnp.exe)",
    "[x](<https://x.org/a\u00a0b>)",
    "[x](<>)",
    "[x]( )",
    "![x](https://x.org/a.png)",
    "![x](docs/a.png)",
    "[x](mailto:nobody)",
]


@pytest.mark.parametrize("source", REFUSED)
def test_a_refused_link_shows_as_its_source(source: str) -> None:
    assert prose(source) == escape(source)
    assert "](" not in prose(source)


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(2)">click</a>',
        "<https://x.org> <mailto:a@b.org>",
        "https://x.org/bare",
        "<!-- comment --> <?php ?> <![CDATA[ x ]]>",
        "{: onclick='alert(6)' } {{ 6*111111 }}",
        "~~struck~~ ==marked== ^^sup^^ $x$ :emoji: | pipe |",
    ],
)
def test_everything_else_is_escaped_as_today(source: str) -> None:
    assert prose(source) == escape(source) == inline(source)


def test_target() -> None:
    assert target("https://x.org/a b") == "https://x.org/a%20b"
    assert target("docs/x.md#b") == "docs/x.md#b"
    assert target("mailto:a@b.org") == "mailto:a@b.org"
    for bad in ["", "javascript:x", "//x", "/x", "a/../b", "https://x.org/%zz", "a#", "a\\b"]:
        assert target(bad) is None, bad


def test_the_filter_is_registered() -> None:
    env = Renderer(ROOT / "templates").env
    out = env.from_string("{{ v | prose }}").render(v="[a](https://x.org) <b>")
    assert out == "[a](<https://x.org>) &#60;b&#62;"


class Elements(HTMLParser):
    """The elements and attributes of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name))
            if name == "href":
                self.hrefs.append(value or "")


def site_markdown() -> markdown.Markdown:
    """Python-Markdown with the site's extensions and their settings, from mkdocs.yml."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )


ELEMENTS = {"a", "code", "em", "strong", "p", "br"}
# http(s) or mailto, or a relative path with no scheme: it starts with a path's character
# and holds no colon.
HREF = re.compile(r"(https?://|mailto:)[!-~]+|[A-Za-z0-9._+@-][!-9;-~]*")


def check_html(source: str, converter: markdown.Markdown) -> None:
    """The page `source` would make holds only prose's elements, and links only it allows."""
    written = prose(source)
    converter.reset()
    html = converter.convert(written)
    found = Elements(html)
    assert set(found.tags) <= ELEMENTS, (source, html)
    assert {name for _, name in found.attributes} <= {"href"}, (source, html)
    assert "<script" not in html.lower(), (source, html)
    # Every link prose writes is one in the page: none is left for Python-Markdown to read
    # as text, an autolink or raw HTML.
    assert found.tags.count("a") == written.count("](<"), (source, written, html)
    for href in found.hrefs:
        # A browser drops leading controls and spaces before it reads a scheme: none is here.
        assert HREF.fullmatch(href), (source, href)
        assert urlsplit(href).scheme in {"http", "https", "mailto", ""}, (source, href)


def test_through_python_markdown_nothing_hostile_reaches_the_html() -> None:
    converter = site_markdown()
    sources = [s for s, _ in WRITTEN] + REFUSED
    sources.append(
        "<script>alert('xss')</script> <img src=x onerror=alert(1)> "
        '<a href="javascript:alert(2)" onclick="alert(3)">click</a> '
        "[link](javascript:alert(5)) ![pic](x) [ok](https://x.org/?a=<script>) "
        "[t](<docs/script>) [s](script) [d](div) [p](pre) *[e](style)* `<code>`"
    )
    for source in sources:
        check_html(source, converter)
    # The allowed links are there, pointing where they were written to.
    found = Elements(converter.convert(prose(" ".join(s for s, _ in WRITTEN), repo=REPO)))
    assert {
        "https://github.com/x/y/pull/1",
        "http://example.com/a?b=1&c=2",
        "mailto:oncall@example.com",
        "https://git.example.com/o/r/blob/HEAD/docs/runbooks/db.md#failover",
    } <= set(found.hrefs)


def test_a_repo_path_without_a_repo_to_link_into_shows_as_text() -> None:
    # The page is not where the file is: a bare relative link would break, and strict
    # builds fail on a broken link, so the path is shown instead.
    assert prose("see [the file](services/api/Dockerfile#L3)") == (
        "see &#91;the file&#93;&#40;services/api/Dockerfile&#35;L3&#41;"
    )
    assert prose("[x](docs/a.md)", repo="javascript:alert(1)//") == "&#91;x&#93;&#40;docs/a.md&#41;"


# The hostile alphabet, with a few whole words so that links of each kind come up.
ALPHABET = [*"[]()<>*_`!:/ javascript&#;\"'\n", "http://", "mailto:a@b", "docs/", "\n\n", "\\"]


def test_random_hostile_text_makes_only_prose_html() -> None:
    converter = site_markdown()
    rng = random.Random(20240601)
    for _ in range(3000):
        source = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 80)))
        check_html(source, converter)


SIZE = 100_000
PATHOLOGICAL = ["[", "*", "`", "[a", "[](", "![", "[*", "[`", "*a", "a*b_", "[x](https://a/"]
PATHOLOGICAL += ["[x]()", "\\", "](", "<", "a\n", " \n\n"]


def pathological() -> list[str]:
    rng = random.Random(1)
    texts = [(unit * (SIZE // len(unit) + 1))[:SIZE] for unit in PATHOLOGICAL]
    texts += [c * 20_000 for c in "[*`"]
    texts.append("[" * (SIZE // 2) + "a](https://x.org)" + "]" * (SIZE // 2))
    texts.append("".join(rng.choice(ALPHABET) for _ in range(SIZE)))
    return texts


# CPU time, not wall time. The slowest input here, 100 KB of `[*`, takes about a second;
# a parse quadratic in its input would take minutes.
CPU_SECONDS = 3.0


def test_prose_is_linear_on_pathological_input() -> None:
    slow = {}
    for text in pathological():
        start = time.process_time()
        prose(text)
        cpu = time.process_time() - start
        if cpu > CPU_SECONDS:
            slow[text[:8]] = round(cpu, 2)
    assert slow == {}


# In a child of its own, whose peak resident size is this test's alone. tracemalloc would
# tell the same, ten times slower.
MEMORY = """
import resource, sys
from nexus_pm.markdown import prose
texts = [(unit * int(sys.argv[1]))[: int(sys.argv[1])] for unit in sys.argv[2:]]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for text in texts:
    prose(text)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)
"""


def test_prose_memory_is_bounded_on_pathological_input() -> None:
    # The inputs that make the most tokens, one for each `*`, take some 50 MB.
    units = ["*", "[*", "*a", "a*b_", "["]
    done = subprocess.run(
        [sys.executable, "-c", MEMORY, str(SIZE), *units],
        capture_output=True,
        text=True,
        check=True,
    )
    grown_kib = int(done.stdout)
    assert grown_kib * 1024 < 1_000 * SIZE, f"{grown_kib} KiB"
