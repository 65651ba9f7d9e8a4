"""The header's search box takes a pasted error as text and finds the incident that explains it."""

from __future__ import annotations

import importlib.util

import pytest

from ..components import need
from ..match_cases import CONTAINER_LOG, TRACEBACK
from .conftest import Site, Tab
from .test_injection import HOSTILE, no_injected_markup

pytestmark = pytest.mark.browser

SEED = "INC-0001"
SEED_PAGE = "/incidents/inc-0001/"
# The symptom as the seed's write-up gives it: a sentence, the container's log, its status.
SEED_SYMPTOM = """\
Voice Service container exiting immediately with error:
```
/usr/local/bin/python: No module named uvicorn
```

**Status:**
- Container: `exited`
- Health: `unhealthy`
- Error: Missing uvicorn module
"""
QUERIES = [
    "No module named uvicorn",
    "pip install --user",
    "--user",
    "ModuleNotFoundError: No module named 'uvicorn'",
    "2026-01-02T03:04:05Z /opt/venv/bin/python3.12: No module named uvicorn",
]
PASTED = [CONTAINER_LOG, SEED_SYMPTOM, TRACEBACK]


@pytest.fixture(autouse=True)
def pagefind() -> None:
    # The site's index is Pagefind's; a project installs it with nexus-pm (pyproject.toml).
    need(
        "pagefind",
        importlib.util.find_spec("pagefind_bin") is not None,
        "pip install pagefind[bin]",
    )


def results(tab: Tab) -> list[tuple[str, str, str]]:
    """Once both sources have answered: each result's path, title and kind, in order."""
    tab.page.wait_for_selector("[data-nexus-search][data-state='done']")
    found: list[list[str]] = tab.page.eval_on_selector_all(
        ".md-search-result__list > li",
        """items => items.map(item => [new URL(item.querySelector('a').href).pathname,
            item.querySelector('h1').innerText, item.dataset.kind])""",
    )
    return [(path, title, kind) for path, title, kind in found]


def type_query(tab: Tab, query: str) -> list[tuple[str, str, str]]:
    box = tab.page.locator(".md-search__input")
    box.click()
    box.fill(query)
    return results(tab)


def paste_query(tab: Tab, text: str) -> list[tuple[str, str, str]]:
    """Paste `text` into the box as a visitor's clipboard would, line breaks and all."""
    box = tab.page.locator(".md-search__input")
    box.click()
    box.evaluate(
        """(input, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            input.dispatchEvent(new ClipboardEvent("paste",
                {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        text,
    )
    return results(tab)


@pytest.mark.parametrize("query", QUERIES)
def test_a_typed_error_finds_the_seed_first(tab: Tab, site: Site, query: str) -> None:
    tab.open("/")
    found = type_query(tab, query)
    title = site.incidents[SEED].title
    assert found[0][:2] == (SEED_PAGE, f"{SEED}: {title}"), found
    assert found[0][2] == "seen"
    # Pages that merely mention it follow, each once.
    assert len({path for path, _, _ in found}) == len(found)
    tab.assert_clean()


@pytest.mark.parametrize("text", PASTED, ids=["container-log", "seed-symptom", "traceback"])
def test_a_pasted_log_finds_the_seed_first(tab: Tab, text: str) -> None:
    tab.open("/tags/")
    found = paste_query(tab, text)
    assert found[0][0] == SEED_PAGE, found
    # The box shows the paste on one line; the matcher read its lines.
    line = tab.page.locator(".md-search-result__list > li p code").first.inner_text()
    assert "No module named" in line and "uvicorn" in line
    tab.assert_clean()


@pytest.mark.parametrize("query", ["+uvicorn", "~uvicorn", "uvicorn*", "^uvicorn", '"uvicorn'])
def test_query_syntax_characters_are_text(tab: Tab, query: str) -> None:
    tab.open("/")
    assert SEED_PAGE in [path for path, _, _ in type_query(tab, query)]
    tab.assert_clean()


def test_a_page_without_the_error_is_found_by_its_words(tab: Tab) -> None:
    tab.open("/")
    found = type_query(tab, "prevention checklists")
    assert ("/checklist/", "Prevention checklists", "page") in found
    assert not [kind for _, _, kind in found if kind == "seen"]
    assert type_query(tab, "zzqxv") == []
    assert tab.page.locator(".md-search-result__meta").inner_text() == "No matching documents"
    tab.assert_clean()


def test_enter_opens_the_first_result_and_only_the_shards_load(tab: Tab) -> None:
    fetched: list[str] = []
    tab.page.on("request", lambda request: fetched.append(request.url))
    tab.open("/")
    tab.page.wait_for_load_state("networkidle")
    loaded_with_page = len(fetched)
    type_query(tab, "No module named uvicorn")
    asked = [url.removeprefix(tab.site.url) for url in fetched[loaded_with_page:]]
    # Material's whole index is never fetched: the signatures, then Pagefind's pieces.
    assert not [url for url in asked if "search_index" in url]
    assert "assets/nexus-pm/signatures/index.json" in asked
    assert [url for url in asked if url.startswith("assets/nexus-pm/signatures/t/")]
    assert all(url.startswith(("pagefind/", "assets/nexus-pm/")) for url in asked), asked
    tab.page.locator(".md-search__input").press("Enter")
    tab.page.wait_for_url(f"**{SEED_PAGE}")
    tab.assert_clean()


@pytest.mark.parametrize(
    "query",
    ["onerror", "xss-ran", "<img src=x", '</code></pre><script>console.log("xss-ran")</script>'],
)
def test_excerpts_and_lines_of_the_hostile_record_stay_text(tab: Tab, query: str) -> None:
    tab.open("/")
    found = type_query(tab, query)
    assert any(title.startswith(f"{HOSTILE}:") for _, title, _ in found), found
    box = tab.page.locator(".md-search-result")
    # Only Pagefind's <mark> and the matched line's <code> are made in a result.
    made = box.locator(".md-search-result__article *:not(mark, code, h1, p, div)")
    assert made.count() == 0
    no_injected_markup(tab)
    tab.assert_clean()
