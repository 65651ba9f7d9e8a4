"""The "Seen this error?" page: a paste finds what `nexus-pm match` finds, in the browser alone."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from nexus_pm.seen import seen

from ..match_cases import MATCH_DIR, REALWORLD_DIR, TABLE
from .conftest import HOSTILE, Site, Tab, _built, _project, _tab

pytestmark = pytest.mark.browser

# The real postmortems whose pages build today; the boskos and PostHog records stop the
# build in a template ('None' has no attribute 'text'). Their rows are still compared:
# `nexus-pm match` over the same records finds what the page finds.
REALWORLD_IN_SITE = ["dfds-total-node-failure-2023-02-14.yaml"]


@pytest.fixture(scope="module")
def match_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, list[Any]]]:
    """The repo's site with every record of the test set and the hostile record."""
    project = _project(tmp_path_factory, "seen-project")
    for record in [
        *MATCH_DIR.glob("*.yaml"),
        *(REALWORLD_DIR / name for name in REALWORLD_IN_SITE),
    ]:
        shutil.copy2(record, project / "incidents" / record.name)
    shutil.copy2(HOSTILE, project / "incidents" / "2025-12-01-hostile-record.yaml")
    with _built(project) as built:
        yield built


@pytest.fixture
def seen_tab(browser: Browser, match_site: tuple[Site, list[Any]]) -> Iterator[Tab]:
    with _tab(browser, match_site[0]) as opened:
        opened.open("/seen/")
        opened.page.wait_for_selector(".nexus-seen[data-loaded='1']")
        yield opened


def paste(tab: Tab, text: str) -> list[str]:
    """Paste `text` into the box; the incident ids the page lists, in order."""
    tab.page.fill("#nexus-seen-input", text)
    tab.page.wait_for_selector(".nexus-seen[data-state='done'], .nexus-seen[data-state='empty']")
    ids: list[str] = tab.page.eval_on_selector_all(
        "#nexus-seen-results > li", "items => items.map(item => item.dataset.incident)"
    )
    return ids


def test_every_error_of_the_test_set_finds_what_match_finds(
    seen_tab: Tab, match_site: tuple[Site, list[Any]]
) -> None:
    records = match_site[1]
    for row in TABLE:
        hits = seen(row.text, records)
        expected = [hit.id for hit in hits]
        got = paste(seen_tab, row.text)
        assert got[:1] == expected[:1], row
        # And the whole ranking, not only its head.
        assert got == expected, row
    seen_tab.assert_clean()


def test_a_result_shows_the_line_and_links_the_incident(seen_tab: Tab) -> None:
    assert paste(
        seen_tab, "2026-01-02T03:04:05Z /opt/venv/bin/python3.12: No module named uvicorn"
    ) == ["INC-0001"]
    item = seen_tab.page.locator("#nexus-seen-results > li").first
    assert "INC-0001: Voice service down: No module named uvicorn" in item.inner_text()
    assert "≈ INC-0001" in item.inner_text()
    item.locator("a").click()
    seen_tab.page.wait_for_load_state("load")
    assert seen_tab.path == "/incidents/inc-0001/"
    seen_tab.assert_clean()


def test_record_text_is_shown_as_text(seen_tab: Tab, match_site: tuple[Site, list[Any]]) -> None:
    hostile = '</code></pre><script>console.log("xss-ran")</script>'
    assert paste(seen_tab, hostile) == [hit.id for hit in seen(hostile, match_site[1])]
    # A pattern (OOMKilled) matches however much markup the line holds; the line shows as text.
    markup = "OOMKilled <img src=x onerror=console.log('xss-ran')>"
    found = paste(seen_tab, markup)
    assert found[0] == "INC-0102"
    assert found == [hit.id for hit in seen(markup, match_site[1])]
    item = seen_tab.page.locator("#nexus-seen-results > li").first
    assert markup in item.inner_text()
    assert seen_tab.page.locator("#nexus-seen-results script, #nexus-seen-results img").count() == 0
    assert paste(seen_tab, "   ") == []
    seen_tab.assert_clean()
