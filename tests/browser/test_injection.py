"""A record full of HTML, script and Markdown shows as plain text everywhere, and nothing runs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from . import hostile
from .conftest import Site, Tab

HOSTILE = "INC-9999"
PAGE = "/incidents/inc-9999/"
# Anything a payload could have turned into live markup.
INJECTED = (
    "script:not([src]):not([type='application/json'])",
    "img[src='x']",
    "svg[onload]",
    "[onerror], [onload], [onclick], [onmouseover]",
    "a[href^='javascript:' i], a[href^='data:' i], [src^='javascript:' i]",
    # The page's own text; search results mark missing query terms with <del> themselves.
    # Emphasis is left out: the page makes its own (`_unowned_`), as Markdown in prose may.
    ".md-content :is(b, i, del)",
)
# Fields whose text the page does not show as written: machine values, and URLs (links).
NOT_TEXT = {"format", "id", "date", "severity", "status", "services", "tags", "timezone"}
NOT_TEXT |= {"at", "kind", "language", "url", "ticket", "path", "approximate", "ordered"}


class _Title(HTMLParser):
    """The text of the document's <title>, as a browser reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = self.inside or tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "title"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


def test_title_element_holds_the_whole_title_as_text(site: Site) -> None:
    # Needs no browser. Material writes the title through striptags, which decodes
    # entities, so a title taken from the heading could close <title> early.
    html = (site.root / PAGE.strip("/") / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<title\b", html)) == 1 and html.count("</title>") == 1
    parser = _Title()
    parser.feed(html)
    assert parser.text.startswith(f"{HOSTILE}: {site.incidents[HOSTILE].title} - ")


def no_injected_markup(tab: Tab) -> None:
    for selector in INJECTED:
        found = tab.page.locator(selector).evaluate_all("els => els.map(e => e.outerHTML)")
        if selector.startswith("script"):
            found = [html for html in found if "xss-ran" in html]
        assert found == [], (selector, found)


def heading(tab: Tab) -> str:
    # The permalink anchor after the heading text is Material's.
    return tab.page.locator("article h1").inner_text().removesuffix("¶").strip()


def texts(value: Any, key: str = "") -> list[str]:
    """Every text of a record, as a model dump holds it, but for the values in NOT_TEXT."""
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in NOT_TEXT for t in texts(v, k)]
    if isinstance(value, list):
        return [t for item in value for t in texts(item, key)]
    return [value] if isinstance(value, str) else []


@pytest.mark.browser
def test_incident_page_shows_every_payload_as_text(tab: Tab, site: Site) -> None:
    incident = site.incidents[HOSTILE]
    tab.open(PAGE)
    full_title = f"{HOSTILE}: {incident.title}"
    assert heading(tab) == full_title
    assert tab.page.title().startswith(full_title)
    body = " ".join(tab.page.locator("article").inner_text().split())
    assert incident.errors[0].output in tab.page.locator("article pre").first.inner_text()
    # The timeline, impact, errors, action items, lessons, sections and every block kind
    # in them, the commander and responders, the related links: each text as written.
    shown = texts(incident.model_dump(mode="json"))
    assert len(shown) >= 40
    for text in shown:
        # Prose reads `*stars*` as emphasis: there the words stay and the marks are markup;
        # one-line fields show them as typed.
        written = " ".join(text.split())
        assert written in body or re.sub(r"\*([^*\s][^*]*)\*", r"\1", written) in body, text
    assert tab.page.locator("article em", has_text="stars").count() >= 1
    # Hovering and clicking where the payloads sit would fire any live handler.
    tab.page.locator("article h1").click()
    for who in (incident.authors[0], incident.commander, incident.action_items[0].owner):
        assert who is not None
        tab.page.get_by_text(who).first.hover()
    tab.page.locator("article td", has_text="<b onclick=alert(18)>").first.click()
    no_injected_markup(tab)
    tab.assert_clean()


@pytest.mark.browser
def test_hostile_urls_are_whole_http_links(tab: Tab, site: Site) -> None:
    # A URL may hold `)](javascript:...)`, an attribute list or a `|`: it stays one link.
    incident = site.incidents[HOSTILE]
    tab.open(PAGE)
    urls = [incident.action_items[0].ticket, incident.related.links[0].url]
    urls.append(incident.sections[1].blocks[3].links[0].url)  # type: ignore[union-attr]
    hrefs = tab.page.locator("article a[href*='evil.example']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert sorted(hrefs) == sorted(str(url).replace("|", "%7C") for url in urls)
    # The action items table keeps its six cells, the ticket link in the last.
    row = tab.page.locator("article tr", has_text="Act <img src=x onerror=alert(20)>")
    assert row.locator("td").count() == 6
    assert row.locator("td").last.locator("a").inner_text() == "ticket"
    no_injected_markup(tab)
    tab.assert_clean()


@pytest.mark.browser
def test_index_and_tag_pages_list_the_title_as_text(tab: Tab, site: Site) -> None:
    full_title = f"{HOSTILE}: {site.incidents[HOSTILE].title}"
    for path in ("/incidents/", "/tags/xss/", "/services/hostile-service/", "/severity/sev3/"):
        tab.open(path)
        links = tab.page.locator("article a", has_text=f"{HOSTILE}:")
        assert links.count() >= 1, path
        assert set(links.all_inner_texts()) == {full_title}, path
        no_injected_markup(tab)
    tab.assert_clean()


@pytest.mark.browser
def test_tag_chips_are_the_tags(tab: Tab, site: Site) -> None:
    tab.open(PAGE)
    chips = tab.page.locator("nav.md-tags a.md-tag")
    assert sorted(chips.all_inner_texts()) == sorted(site.incidents[HOSTILE].tags)
    tab.assert_clean()


@pytest.mark.browser
def test_checklist_page_shows_the_item_as_text(tab: Tab, site: Site) -> None:
    tab.open("/checklist/")
    item = site.incidents[HOSTILE].prevention.checklist[0].text
    assert tab.page.locator("li.task-list-item", has_text=item).count() == 1
    no_injected_markup(tab)
    tab.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["Hostile", "onerror=alert", '<script>console.log("xss-ran")'])
def test_search_results_show_the_title_as_text(tab: Tab, site: Site, query: str) -> None:
    tab.open("/")
    box = tab.page.locator(".md-search__input")
    box.click()
    box.press_sequentially(query)
    result = tab.page.locator("a.md-search-result__link", has_text=f"{HOSTILE}:").first
    result.wait_for(state="visible")
    # Search highlights matches with <mark>; the text around them stays the title.
    title = result.locator("h1").first.inner_text()
    assert " ".join(title.split()) == f"{HOSTILE}: {site.incidents[HOSTILE].title}"
    no_injected_markup(tab)
    result.click()
    tab.page.wait_for_url(f"**{PAGE}*")
    assert heading(tab) == f"{HOSTILE}: {site.incidents[HOSTILE].title}"
    no_injected_markup(tab)
    tab.assert_clean()


# What the records the loader refuses would have added: handlers, a focus trap, images.
PLANTED = "[onerror], [onfocus], [autofocus], [onmouseover], img[src^='data:']"


def assert_nothing_ran(tab: Tab) -> None:
    assert tab.page.evaluate("() => '__pwned' in window") is False
    assert tab.page.locator(PLANTED).evaluate_all("els => els.map(e => e.outerHTML)") == []
    no_injected_markup(tab)
    tab.assert_clean()


@pytest.mark.browser
def test_a_title_with_u0080_runs_nothing_without_the_loader(unguarded_tab: Tab) -> None:
    # Raw in the front matter, U+0080 made MkDocs render it as Markdown: an <img onerror>.
    tab = unguarded_tab
    tab.open(f"/incidents/{hostile.C1_ID.lower()}/")
    assert heading(tab) == f"{hostile.C1_ID}: {hostile.C1_TITLE}"
    assert tab.page.title().startswith(f"{hostile.C1_ID}: {hostile.C1_TITLE} - ")
    assert_nothing_ran(tab)


@pytest.mark.browser
def test_a_hostile_file_name_stays_inside_the_edit_link(unguarded_tab: Tab) -> None:
    tab = unguarded_tab
    tab.open(f"/incidents/{hostile.NAME_ID.lower()}/")
    edit = tab.page.locator("a[rel='edit']")
    assert edit.count() == 1
    # Focus and hover are what the planted handlers waited for.
    edit.focus()
    edit.hover()
    assert_nothing_ran(tab)
    assert (edit.get_attribute("href") or "").endswith("/incidents/" + hostile.QUOTED_NAME)


@pytest.mark.browser
def test_line_breaks_of_every_kind_start_no_blocks(unguarded_tab: Tab) -> None:
    # CR, NEL, LS and PS, each before a collapsible, a code block, tabs, a row, a heading.
    tab = unguarded_tab
    tab.open(f"/incidents/{hostile.BREAKS_ID.lower()}/")
    article = tab.page.locator("article")
    assert article.locator("details, .tabbed-set, blockquote").count() == 0
    assert article.locator("pre").count() == 1  # the error output's own code block
    assert article.locator("h1").count() == 1
    # Key facts, the timeline, the action items and the facts block: no row was added.
    tables = article.locator("table").all()
    assert [t.locator("tr").count() for t in tables] == [5, 2, 2, 2]
    assert [t.locator("th").first.inner_text() for t in tables] == [
        "Key facts",
        "Time",
        "Action",
        "Item",
    ]
    assert_nothing_ran(tab)
