"""The knowledge base in the browser: overview charts, the index's sort and filter, navigation,
phone widths, and the feed and export as another tool reads them."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from playwright.sync_api import Browser

from nexus_pm.models import Status

from ..conftest import ROOT
from .conftest import Site, Tab, _built, _project
from .conftest import _tab as opened

pytestmark = pytest.mark.browser

KB = ROOT / "tests" / "fixtures" / "kb"
# 2026-03-15, the day the fixture's goldens are pinned to: some action items are overdue.
EPOCH = "1773532800"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
# One page of each kind the site makes.
KINDS = {
    "home": "/",
    "overview": "/overview/",
    "index": "/incidents/",
    "incident": "/incidents/inc-0111/",
    "follow-ups": "/follow-ups/",
    "service": "/services/checkout/",
    "services": "/services/",
    "tag": "/tags/database/",
    "severity": "/severity/sev1/",
    "checklist": "/checklist/",
    "rules": "/rules/",
    "seen": "/seen/",
    "schema": "/reference/schema/",
}


@pytest.fixture(scope="module")
def kb_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The repo's site with the knowledge-base fixture's records, dated 2026-03-15."""
    project = _project(tmp_path_factory, "kb-project")
    for record in KB.glob("*.yaml"):
        shutil.copy2(record, project / "incidents" / record.name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        with _built(project) as (site, _):
            yield site


def rgb(text: str) -> tuple[int, ...]:
    """`rgb(r, g, b)` or `rgba(r, g, b, a)` as its three channels."""
    inside = text[text.index("(") + 1 : text.index(")")]
    return tuple(round(float(part)) for part in inside.split(",")[:3])


def luminance(color: tuple[int, ...]) -> float:
    return sum(w * c for w, c in zip((0.2126, 0.7152, 0.0722), color, strict=True)) / 255


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_overview_charts_render_in_the_palette(
    browser: Browser, kb_site: Site, scheme: str, screenshot: Any
) -> None:
    with opened(browser, kb_site, scheme=scheme) as tab:
        tab.open("/overview/")
        expected = "slate" if scheme == "dark" else "default"
        assert tab.page.locator("body").get_attribute("data-md-color-scheme") == expected
        charts = tab.page.locator("article svg[role=img]")
        assert charts.count() >= 3
        looks = charts.evaluate_all(
            """svgs => svgs.map(svg => {
                const box = svg.getBoundingClientRect();
                const bar = svg.querySelector('rect[height]:not([height="0.0"])');
                const label = svg.querySelector('text');
                const article = svg.closest('article');
                return {
                    name: svg.getAttribute('aria-label'),
                    width: box.width, height: box.height,
                    shown: getComputedStyle(svg).visibility === 'visible',
                    text: getComputedStyle(article).color,
                    bar: bar && getComputedStyle(bar).fill,
                    label: label && getComputedStyle(label).fill,
                    bars: svg.querySelectorAll('rect').length,
                };
            })"""
        )
        background = rgb(str(tab.page.evaluate("getComputedStyle(document.body).backgroundColor")))
        for look in looks:
            assert look["width"] > 100 and look["height"] > 50, look
            assert look["shown"] and look["bars"] > 0, look
            # Bars and labels are the text's colour, so they follow the palette and print.
            assert look["bar"] is not None and rgb(look["bar"]) == rgb(look["text"]), look
            assert look["label"] is not None and rgb(look["label"]) == rgb(look["text"]), look
            contrast = abs(luminance(rgb(look["bar"])) - luminance(background))
            assert contrast > 0.4, (look, background)
        # The numbers are in a table beside each chart, for screen readers.
        assert tab.page.locator("article table").count() >= len(looks)
        if scheme == "dark":
            assert luminance(background) < 0.3
        else:
            assert luminance(background) > 0.7
        tab.page.wait_for_load_state("networkidle")
        screenshot(tab.page, f"kb-overview-{scheme}", full_page=True)
        tab.assert_clean()


def index_rows(tab: Tab) -> list[list[str]]:
    rows = tab.page.locator("article table tbody tr:visible")
    return [[" ".join(c.split()) for c in r.locator("td").all_inner_texts()] for r in rows.all()]


def test_index_sorts_by_column_and_filters(browser: Browser, kb_site: Site) -> None:
    shown = {i: inc for i, inc in kb_site.incidents.items() if inc.status is not Status.DRAFT}
    with opened(browser, kb_site) as tab:
        tab.open("/incidents/")
        tools = tab.page.locator(".nexus-index-tools")
        assert tools.is_visible()
        count = tab.page.locator(".nexus-index-count")
        assert count.inner_text() == f"{len(shown)} of {len(shown)} shown"
        newest = [r[0] for r in index_rows(tab)]
        assert newest == sorted(newest, reverse=True) and len(newest) == len(shown)

        heads = tab.page.locator("article table thead th")
        heads.filter(has_text="Date").click()
        assert heads.filter(has_text="Date").get_attribute("aria-sort") == "ascending"
        assert [r[0] for r in index_rows(tab)] == sorted(newest)
        heads.filter(has_text="Date").click()
        assert [r[0] for r in index_rows(tab)] == sorted(newest, reverse=True)
        heads.filter(has_text="Severity").press("Enter")
        severities = [r[2] for r in index_rows(tab)]
        assert severities == sorted(severities)
        assert heads.filter(has_text="Date").get_attribute("aria-sort") is None

        def ids() -> set[str]:
            return {r[1].split(":")[0] for r in index_rows(tab)}

        service = tab.page.locator("select.nexus-index-filter[data-column=Services]")
        service.select_option("checkout")
        assert ids() == {i for i, inc in shown.items() if "checkout" in inc.services}
        severity = tab.page.locator("select.nexus-index-filter[data-column=Severity]")
        severity.select_option("SEV2")
        both = {
            i for i, inc in shown.items() if "checkout" in inc.services and inc.severity == "SEV2"
        }
        assert ids() == both and both
        assert count.inner_text() == f"{len(both)} of {len(shown)} shown"
        service.select_option("")
        severity.select_option("")
        status = tab.page.locator("select.nexus-index-filter[data-column=Status]")
        status.select_option("in-review")
        in_review = {i for i, inc in shown.items() if inc.status is Status.IN_REVIEW}
        assert ids() == in_review and in_review
        status.select_option("")
        search = tab.page.locator("input.nexus-index-search")
        search.fill("dns")
        assert ids() == {i for i, inc in shown.items() if "dns" in inc.title.lower()}
        search.fill("dns 2025-07")
        assert ids() == {"INC-0107"}
        search.fill("")
        assert len(ids()) == len(shown)
        tab.assert_clean()


def test_index_without_javascript_is_a_plain_table(browser: Browser, kb_site: Site) -> None:
    shown = [i for i, inc in kb_site.incidents.items() if inc.status is not Status.DRAFT]
    with opened(browser, kb_site, script=False) as tab:
        tab.open("/incidents/")
        assert not tab.page.locator(".nexus-index-tools").is_visible()
        assert len(index_rows(tab)) == len(shown)


@pytest.mark.parametrize(
    "path",
    ["/incidents/inc-0111/", "/incidents/inc-0102/", "/services/checkout/", "/tags/database/"],
)
def test_pages_off_the_nav_keep_the_navigation(browser: Browser, kb_site: Site, path: str) -> None:
    with opened(browser, kb_site) as tab:
        tab.open(path)
        # The tab of the index they are reached from is lit; only that one.
        active = tab.page.locator(".md-tabs__item--active")
        assert active.count() == 1 and active.inner_text().strip() == "Incidents"
        assert tab.page.locator(".md-tabs__link").count() >= 5
        if path.startswith("/incidents/"):
            tab.page.locator("article a", has_text="All incidents").first.click()
            tab.page.wait_for_url("**/incidents/")
            assert tab.path == "/incidents/"
            assert tab.page.locator(".md-tabs__item--active").inner_text().strip() == "Incidents"
        tab.assert_clean()


def test_pages_in_the_nav_light_their_own_tab(browser: Browser, kb_site: Site) -> None:
    with opened(browser, kb_site) as tab:
        tab.open("/overview/")
        assert tab.page.locator(".md-tabs__item--active").inner_text().strip() == "Overview"
        tab.open("/incidents/inc-0111/")
        tab.open("/checklist/")
        active = tab.page.locator(".md-tabs__item--active")
        assert active.count() == 1 and "Prevention" in active.inner_text()


def test_nothing_is_cut_off_on_a_phone(browser: Browser, kb_site: Site, screenshot: Any) -> None:
    wide: dict[str, tuple[int, int]] = {}
    with opened(browser, kb_site, width=390) as tab:
        for kind, path in KINDS.items():
            tab.open(path)
            tab.page.wait_for_load_state("networkidle")
            scroll, inner = tab.page.evaluate(
                "[document.scrollingElement.scrollWidth, window.innerWidth]"
            )
            if scroll > inner:
                wide[kind] = (scroll, inner)
            screenshot(tab.page, f"kb-390-{kind}", full_page=True)
        tab.assert_clean()
    assert wide == {}


def test_feed_and_export_parse_and_validate(browser: Browser, kb_site: Site) -> None:
    published = {i for i, inc in kb_site.incidents.items() if inc.status is Status.PUBLISHED}
    with opened(browser, kb_site) as tab:
        tab.open("/")
        feed = tab.page.request.get(kb_site.url + "feed.xml")
        assert feed.ok
        root = ET.fromstring(feed.body())
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        for name in ("id", "title", "updated"):
            assert (root.findtext(f"a:{name}", namespaces=ATOM) or "").strip(), name
        assert root.find("a:link[@rel='self']", ATOM) is not None
        entries = root.findall("a:entry", ATOM)
        assert {(e.findtext("a:title", namespaces=ATOM) or "").split(":")[0] for e in entries} == (
            published
        )
        stamps = [e.findtext("a:updated", namespaces=ATOM) or "" for e in entries]
        assert stamps == sorted(stamps, reverse=True)
        for entry in entries:
            assert entry.findtext("a:id", namespaces=ATOM)
            link = entry.find("a:link", ATOM)
            assert link is not None
            href = link.get("href") or ""
            assert href.startswith(kb_site.url), href
            assert tab.page.request.get(href).ok, href

        export = tab.page.request.get(kb_site.url + "incidents.json")
        assert export.ok
        data = json.loads(export.body())
        assert [d["id"] for d in data] == sorted(published)
        schema = json.loads((ROOT / "schemas" / "incident.schema.json").read_text("utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        for item in data:
            jsonschema.validate(item, schema)
        # Every record is all of it, not a summary: it reads back as its YAML says.
        records = kb_site.incidents
        for item in data:
            assert item["title"] == records[item["id"]].title
            assert len(item.get("action_items", [])) == len(records[item["id"]].action_items)
        tab.assert_clean()


def test_sorting_and_filtering_a_hostile_title_keeps_it_text(tab: Tab, site: Site) -> None:
    # The index script reads cells and writes options; none of it may turn text into markup.
    hostile = next(i for i, inc in site.incidents.items() if "xss-ran" in inc.title)
    tab.open("/incidents/")
    for head in tab.page.locator("article table thead th").all():
        head.click()
    tab.page.locator("input.nexus-index-search").fill("onerror")
    assert [r[1].split(":")[0] for r in index_rows(tab)] == [hostile]
    assert "<script>" in index_rows(tab)[0][1]
    assert tab.page.locator("article table script, article table img").count() == 0
    tab.assert_clean()
