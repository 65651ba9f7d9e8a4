"""The HTML compactor: line-spanning white space shrinks; code, scripts and text stay as written."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st

from nexus_pm.compact import compact

from .compact_reference import compact_by_tags
from .test_fuzz import FUZZ


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def test_indentation_and_blank_lines_go() -> None:
    page = "<div>\n    \n      <p>one\n        two</p>\n\n\n   </div>\n"
    assert compact(page) == "<div>\n<p>one\ntwo</p>\n</div>\n"


def test_space_within_a_line_stays() -> None:
    page = "<p>a  b\t c</p> <span>x</span>"
    assert compact(page) == page


def test_raw_elements_keep_every_byte() -> None:
    inner = "  line one\n\n      indented\n\t\ttabbed\n"
    for tag in ("pre", "PRE", "script", "style", "textarea"):
        page = f"<div>\n   <{tag} class=x>{inner}</{tag} >\n   </div>"
        assert compact(page) == f"<div>\n<{tag} class=x>{inner}</{tag} >\n</div>"


def test_escaped_markup_opens_no_raw_element() -> None:
    # A record's text reaches the page escaped, so it cannot shield what follows it.
    page = "<p>&lt;pre&gt;\n    x</p>\n    <pre>  keep\n   this</pre>\n   <p>&lt;/pre&gt;\n   y</p>"
    assert (
        compact(page) == "<p>&lt;pre&gt;\nx</p>\n<pre>  keep\n   this</pre>\n<p>&lt;/pre&gt;\ny</p>"
    )


def test_same_elements_and_same_words() -> None:
    page = (
        '<html>\n  <head>\n    <title>T &amp; "q"</title>\n  </head>\n  <body>\n'
        '    <a href="x"\n       title="y">\n      link\n    </a>\n'
        "    <pre><code>  a\n    b</code></pre>\n  </body>\n</html>\n"
    )
    before, after = _read(page), _read(compact(page))
    assert after.tags == before.tags
    assert " ".join("".join(after.text).split()) == " ".join("".join(before.text).split())
    assert "  a\n    b" in "".join(after.text)


def test_carriage_returns_fold_too() -> None:
    assert compact("<p>a \r\n\r\n   b</p>") == "<p>a\nb</p>"


def test_attribute_values_keep_their_line_breaks() -> None:
    page = '<div>\n    <a title="one\n    two" data-x="a\n\n b">\n   x</a>\n</div>'
    assert compact(page) == '<div>\n<a title="one\n    two" data-x="a\n\n b">\nx</a>\n</div>'


def test_no_space_between_two_block_elements() -> None:
    page = "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n<p>x</p> <div>\n<a>1</a>\n<a>2</a>\n</div>"
    # Between list items nothing is rendered; between links (inline) a space is, so it stays.
    assert (
        compact(page) == "<ul><li>a</li><li>b</li></ul><p>x</p> <div>\n<a>1</a>\n<a>2</a>\n</div>"
    )


def test_code_blocks_lose_only_their_white_space_spans() -> None:
    code = (
        '<pre><span class="k">RUN</span><span class="w"> </span><span class="w">\n\t</span>x</pre>'
    )
    assert compact(code) == '<pre><span class="k">RUN</span> \n\tx</pre>'
    # Outside a code block the same markup is not Pygments' and stays as it is.
    outside = '<p><span class="w"> </span></p>'
    assert compact(outside) == outside


def test_a_spaces_span_with_text_stays() -> None:
    code = '<pre><span class="w"> x </span></pre>'
    assert compact(code) == code


# Tags, text, white space and raw elements, block and inline, on one line and across lines.
SOUP = [
    "<p>", "</p>", "<li class=x>", "</li>", "<ul>", "</UL>", "<div>", "</div>", "<span>",
    "<a href='y'>", "</a>", "<nav\n  class=n>", "<div\n data-x=1>", "<pre> a\n  b</pre>",
    '<pre><span class="w">\n </span>x</pre>', "<script>\n  if (a < b) {}\n</script>",
    "<textarea>\n t</textarea>", "<h2 id=h>", "</h2>", "<path d=1>", "<br>", "<hr>", "text",
    "&lt;pre&gt;", "<", ">", " ", "  ", "\n", "\n    ", " \n\n  ", "\t", "\r\n", "\xa0",
]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(SOUP), max_size=40))
def test_compact_gives_what_the_tag_by_tag_compactor_gives(pieces: list[str]) -> None:
    page = "".join(pieces)
    assert compact(page) == compact_by_tags(page)


# Around a tag that spans lines or a raw element, each side of the white space matters.
SIDES = ["<nav\n class=n>", "<div\n class=d>", "<pre>x</pre>", "<p>", "<span>", "</li>", "x", ""]
GAPS = ["", " ", "\n", "  \n\t ", "\xa0"]


def test_white_space_beside_kept_tags_goes_as_tag_by_tag() -> None:
    for left, gap, right, tail in itertools.product(SIDES, GAPS, SIDES, ["", "\n<p>"]):
        page = f"<ul>{gap}{left}{gap}{right}{gap}{tail}"
        assert compact(page) == compact_by_tags(page), repr(page)
