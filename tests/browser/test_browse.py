"""What a reader does on the site: land, search for an error, read an incident, follow tags, go dark."""

from __future__ import annotations

from typing import Any

import pytest

from nexus_pm.record_sections import TableBlock

from .conftest import Site, Tab

pytestmark = pytest.mark.browser

SEED = "INC-0001"
SEED_PAGE = "/incidents/inc-0001/"


def section(tab: Tab, heading_id: str, selector: str) -> Any:
    """Elements matching `selector` under the heading `heading_id`, up to the next such heading."""
    found = tab.page.evaluate(
        """id => {
            const heading = document.getElementById(id);
            if (!heading) return false;
            const rank = e => (/^H[1-6]$/.test(e.tagName) ? Number(e.tagName[1]) : 7);
            let e = heading.nextElementSibling;
            for (; e && rank(e) > rank(heading); e = e.nextElementSibling) e.dataset.section = id;
            return true;
        }""",
        heading_id,
    )
    assert found, f"no heading #{heading_id}"
    return tab.page.locator(f"[data-section='{heading_id}']").locator(selector)


def test_home_page_loads_without_errors(tab: Tab, screenshot: Any) -> None:
    tab.open("/")
    assert tab.page.title() == "nexus-pm postmortems"
    assert tab.page.locator("h1").first.is_visible()
    tab.page.wait_for_load_state("networkidle")
    screenshot(tab.page, "home")
    tab.assert_clean()


def test_search_for_the_error_finds_the_incident(tab: Tab, site: Site, screenshot: Any) -> None:
    tab.open("/")
    query = tab.page.locator(".md-search__input")
    query.click()
    query.press_sequentially("No module named uvicorn")
    result = tab.page.locator("a.md-search-result__link", has_text=f"{SEED}:").first
    result.wait_for(state="visible")
    title = site.incidents[SEED].title
    assert title in result.inner_text()
    screenshot(tab.page, "search")
    result.click()
    tab.page.wait_for_url(f"**{SEED_PAGE}*")
    assert tab.path == SEED_PAGE
    assert tab.page.locator("h1").inner_text().startswith(f"{SEED}: {title}")
    tab.assert_clean()


def test_prevention_checklist_is_checkboxes(tab: Tab, site: Site, screenshot: Any) -> None:
    tab.open(SEED_PAGE)
    items = section(tab, "prevention-checklist", "li.task-list-item")
    expected = [item.text for item in site.incidents[SEED].prevention.checklist]
    shown = [" ".join(t.split()) for t in items.all_inner_texts()]
    # Each item may be followed by how it is enforced.
    assert len(shown) == len(expected)
    assert all(s.startswith(e) for s, e in zip(shown, expected, strict=True)), shown
    boxes = section(tab, "prevention-checklist", "li.task-list-item input[type=checkbox]")
    assert boxes.count() == len(expected)
    assert all(box.is_disabled() and not box.is_checked() for box in boxes.all())
    # Material hides the input and draws a box of its own in a ::before of the indicator.
    drawn = section(tab, "prevention-checklist", ".task-list-indicator").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e, '::before').width) || 0)"
    )
    assert len(drawn) == len(expected) and min(drawn) > 0, drawn
    tab.page.wait_for_load_state("networkidle")
    screenshot(tab.page, "incident", full_page=True)
    tab.assert_clean()


def test_fix_before_and_after_are_tabs(tab: Tab, site: Site) -> None:
    tab.open(SEED_PAGE)
    change = site.incidents[SEED].fix.changes[0]  # type: ignore[union-attr]
    tabs = tab.page.locator(".tabbed-set").first
    labels = tabs.locator(".tabbed-labels > label")
    assert labels.all_inner_texts() == ["Before (broken)", "After (fixed)"]
    blocks = tabs.locator(".tabbed-block")
    before_line = change.before.code.splitlines()[1].split("#")[0].strip()
    after_line = change.after.code.splitlines()[4].strip()
    assert before_line in blocks.nth(0).inner_text() and blocks.nth(0).is_visible()
    assert not blocks.nth(1).is_visible()
    labels.nth(1).click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()
    assert after_line in blocks.nth(1).inner_text()
    labels.nth(0).click()
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    tab.assert_clean()


def test_service_status_table(tab: Tab, site: Site) -> None:
    # Format 2 keeps the status snapshot as a table block of a "System status" section.
    tab.open(SEED_PAGE)
    (status,) = [s for s in site.incidents[SEED].sections if s.title == "System status"]
    (block,) = status.blocks
    assert isinstance(block, TableBlock)
    table = section(tab, "system-status", "table")
    assert table.count() == 1
    heads = table.locator("thead th").all_inner_texts()
    assert heads == block.columns == ["Service", "State", "Port", "This incident"]
    rows = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
    assert rows == block.rows
    # The service of this incident is the one row marked so.
    assert [row[0] for row in rows if row[3] == "yes"] == ["Voice Service"]
    tab.assert_clean()


def test_tags_link_to_tag_pages_that_list_the_incident(tab: Tab, site: Site) -> None:
    tab.open(SEED_PAGE)
    incident = site.incidents[SEED]
    chips = tab.page.locator("nav.md-tags a.md-tag")
    assert sorted(chips.all_inner_texts()) == sorted(incident.tags)
    targets = [(c.inner_text(), c.get_attribute("href")) for c in chips.all()]
    for tag, href in targets:
        assert href
        tab.open("/incidents/inc-0001/" + href)
        assert tab.path == f"/tags/{tag}/"
        assert tag in tab.page.locator("h1").inner_text()
        listed = tab.page.locator("article a", has_text=f"{SEED}: {incident.title}")
        assert listed.count() >= 1, tag
    listed.first.click()
    tab.page.wait_for_url(f"**{SEED_PAGE}")
    tab.assert_clean()


def test_palette_toggle_switches_dark_and_light(tab: Tab) -> None:
    tab.open("/")
    body = tab.page.locator("body")

    def look() -> tuple[str | None, str]:
        scheme = body.get_attribute("data-md-color-scheme")
        color = body.evaluate("b => getComputedStyle(b).backgroundColor")
        return scheme, str(color)

    light = look()
    assert light[0] == "default"
    tab.page.locator("form[data-md-component=palette] label:visible").click()
    tab.page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark = look()
    assert dark[0] == "slate" and dark[1] != light[1]
    tab.page.locator("form[data-md-component=palette] label:visible").click()
    tab.page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    assert look() == light
    tab.assert_clean()
