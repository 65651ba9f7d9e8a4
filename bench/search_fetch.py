"""Bytes fetched and time to the first result, in headless Chromium: the search box and the paste page.

Builds a site of N synthetic incidents with `nexus-pm build` (the plugin writes the
signature index and the Pagefind index), serves it on loopback without compression, and
for each query opens a fresh browser context (nothing cached):

- **search box**: the home page is loaded and idle; then the box is clicked and the
  query typed. Time runs from the box's focus to the first result in the list; bytes
  are every response after the page was idle (the signature index's pieces, Pagefind's).
- **paste page**: `seen/` is opened and the text pasted as soon as its HTML is parsed.
  Time runs from the navigation's start to the first result; bytes are every response
  of the page, its own HTML, styles and scripts included.

Times are read on the page's clock, with no round trip to this script in them, and
beside each the time from the box's first change. The floors, measured in the same
run: the home page's and the paste page's own loads, from the navigation to the end of
the `load` event, and their bytes. `--workdir` keeps the built sites and reuses them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import synth  # the sibling module; `python bench/search_fetch.py` puts bench/ on sys.path
from playwright.sync_api import Browser, Page, Response, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
# The browser tests' loopback server, so that both serve a site the same way.
sys.path.insert(0, str(ROOT))
from tests.serving import serving  # noqa: E402

BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
GOAL_BYTES = 1_000_000
GOAL_SECONDS = 0.5
FIRST = ".md-search-result__list > li"
# Times are read on the page's own clock (milliseconds since its navigation started), so
# that no round trip between this script and the browser is in them: when the box was
# first focused, first changed, and when the first result was in the list.
CLOCK = """
window.__focus = window.__input = window.__shown = null;
addEventListener("focusin", () => { if (window.__focus === null) window.__focus = performance.now(); }, true);
addEventListener("input", () => { if (window.__input === null) window.__input = performance.now(); }, true);
new MutationObserver(() => {
  if (window.__shown === null && document.querySelector("#nexus-seen-results > li, .md-search-result__list > li")) {
    window.__shown = performance.now();
  }
}).observe(document, { childList: true, subtree: true });
"""
# The paste page's visitor pastes as soon as the box is there: when the HTML is parsed,
# before the page's scripts have run.
PASTE = """
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("nexus-seen-input");
  box.value = %s;
  box.dispatchEvent(new Event("input", { bubbles: true }));
});
"""


@contextlib.contextmanager
def _project(workdir: Path | None, n: int) -> Iterator[Path]:
    """The folder of the project at N: WORKDIR/N, kept, or a temporary one."""
    if workdir is not None:
        project = workdir.resolve() / str(n)
        project.mkdir(parents=True, exist_ok=True)
        yield project
        return
    with tempfile.TemporaryDirectory(prefix="nexus-search-") as folder:
        yield Path(folder)


def build(project: Path, n: int) -> tuple[float, float]:
    """The project at N incidents, built; (build seconds, Pagefind's own seconds) of wall time."""
    for part in ("mkdocs.yml", "docs", "templates"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, project / part, dirs_exist_ok=True)
        elif src.is_file():
            shutil.copy2(src, project / part)
    synth.write(project / "incidents", n)
    start = time.perf_counter()
    subprocess.run([str(BIN / "nexus-pm"), "build", "--site-dir", "site"], cwd=project, check=True)
    built = time.perf_counter() - start
    # The index again, alone: what the plugin's last step costs.
    from nexus_pm.search import index_site

    start = time.perf_counter()
    index_site(project / "site")
    return built, time.perf_counter() - start


class Counter:
    """Bytes of the responses a page receives once started, read after the page is done."""

    def __init__(self, page: Page) -> None:
        self.on = False
        self.responses: list[Response] = []
        page.on("response", self._response)

    def _response(self, response: Response) -> None:
        # No call back into the browser here: an event handler that waits on it may miss.
        if self.on:
            self.responses.append(response)

    @property
    def requests(self) -> int:
        return len(self.responses)

    @property
    def bytes(self) -> int:
        return sum(self.kinds.values())

    @property
    def kinds(self) -> dict[str, int]:
        """Bytes by what they are: signature index, Pagefind, scripts, styles, HTML, other."""
        found = dict.fromkeys(KINDS, 0)
        for response in self.responses:
            with contextlib.suppress(Exception):  # a redirect has no body
                found[kind(response.url)] += len(response.body())
        return found


KINDS = ("signatures", "pagefind", "js", "css", "html", "other")


def kind(url: str) -> str:
    path = urlsplit(url).path
    if "/assets/nexus-pm/signatures" in path:
        return "signatures"
    if "/pagefind/" in path:
        return "pagefind"
    if path.endswith((".js", ".mjs")):
        return "js"
    if path.endswith(".css"):
        return "css"
    if path.endswith(("/", ".html")):
        return "html"
    return "other"


def shown_kinds(kinds: dict[str, int]) -> str:
    return ", ".join(f"{name} {size / 1e3:,.0f}" for name, size in kinds.items() if size)


@contextlib.contextmanager
def counted(
    browser: Browser, *, counting: bool, paste: str | None = None
) -> Iterator[tuple[Any, Counter]]:
    """A fresh page (no cache) and the counter of what it fetches, closed afterwards."""
    context = browser.new_context()
    context.add_init_script(CLOCK)
    if paste is not None:
        context.add_init_script(PASTE % json.dumps(paste))
    try:
        page = context.new_page()
        counter = Counter(page)
        counter.on = counting
        yield page, counter
    finally:
        context.close()


#: (first result, after the input: seconds; bytes by kind; requests; the first result)
Run = tuple[float, float | None, dict[str, int], int, str]


def clock(page: Page, name: str) -> float:
    """A time on the page's clock (see CLOCK), in seconds since its navigation started."""
    value = page.evaluate(f"() => window.{name}")
    assert value is not None, name
    return float(value) / 1000


def search_box(browser: Browser, url: str, query: str) -> Run:
    """Home page loaded and idle; the box clicked, the query typed. From the focus."""
    with counted(browser, counting=False) as (page, counter):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        counter.on = True
        box = page.locator(".md-search__input")
        box.click()
        box.fill(query)
        page.wait_for_selector(FIRST, timeout=120_000)
        first = page.locator(FIRST).first.locator("h1").inner_text()
        page.wait_for_selector("[data-nexus-search][data-state='done']", timeout=120_000)
        page.wait_for_load_state("networkidle")
        focus, typed, shown = (clock(page, n) for n in ("__focus", "__input", "__shown"))
        return shown - focus, shown - typed, counter.kinds, counter.requests, first


def paste_page(browser: Browser, url: str, text: str) -> Run:
    """`seen/` opened, the text pasted when its HTML is parsed. From the navigation."""
    with counted(browser, counting=True, paste=text) as (page, counter):
        page.goto(url + "seen/", wait_until="commit")
        page.wait_for_selector("#nexus-seen-results > li", timeout=120_000)
        first = str(page.locator("#nexus-seen-results > li").first.get_attribute("data-incident"))
        page.wait_for_selector(".nexus-seen[data-state='done']", timeout=120_000)
        page.wait_for_load_state("networkidle")
        pasted, shown = clock(page, "__input"), clock(page, "__shown")
        return shown, shown - pasted, counter.kinds, counter.requests, first


def floor(browser: Browser, url: str) -> Run:
    """A page's own load, from the navigation to the end of its `load` event."""
    with counted(browser, counting=True) as (page, counter):
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        loaded = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
        return float(loaded) / 1000, None, counter.kinds, counter.requests, ""


def queries() -> dict[str, str]:
    """Queries on the synthetic records: an error of theirs, a word only, a pasted log."""
    error = "ModuleNotFoundError: No module named 'httpx'"
    log = "\n".join(
        [f"2025-11-09T10:00:{n:02d}Z INFO step {n} ok" for n in range(8)]
        + [f"2025-11-09T10:00:09Z {error}", "Error: Process completed with exit code 1."]
    )
    return {"error": error, "words": "rollback checkout", "log": log}


def index_sizes(site: Path) -> str:
    """The signature index's pieces in the built site, and what they weigh."""
    folder = site / "assets/nexus-pm/signatures"
    whole = site / "assets/nexus-pm/signatures.json"
    if whole.is_file():  # a site built before the index came in pieces
        return f"signature file {whole.stat().st_size / 1e3:,.0f} KB"
    shards = [path.stat().st_size for path in (folder / "t").glob("*.json")]
    chunks = [path.stat().st_size for path in (folder / "i").glob("*.json")]
    return (
        f"signature index: manifest {(folder / 'index.json').stat().st_size / 1e3:.1f} KB, "
        f"{len(shards)} shards of words {sum(shards) / 1e3:,.0f} KB (largest "
        f"{max(shards) / 1e3:.1f} KB), {len(chunks)} files of titles {sum(chunks) / 1e3:,.0f} KB"
    )


def row(n: int, what: str, runs: list[Run]) -> tuple[Any, ...]:
    """Median times and bytes of the runs; what the bytes are, requests and result of the first."""
    took = statistics.median(r[0] for r in runs)
    inside = [r[1] for r in runs if r[1] is not None]
    page = statistics.median(inside) if inside else None
    fetched = statistics.median(sum(r[2].values()) for r in runs)
    return (n, what, took, page, fetched, shown_kinds(runs[0][2]), runs[0][3], runs[0][4])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--workdir",
        type=Path,
        help="build each site in WORKDIR/N and keep it; a site already there is reused",
    )
    args = parser.parse_args(argv)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        for n in args.sizes:
            with _project(args.workdir, n) as project:
                site = project / "site"
                if site.is_dir():
                    print(f"N={n:,}: the site already built in {project} is reused", flush=True)
                else:
                    built, indexed = build(project, n)
                    print(f"N={n:,}: built in {built:.1f} s, Pagefind about {indexed:.1f} s")
                print(f"N={n:,}: {index_sizes(site)}", flush=True)
                with serving(site) as url:
                    home = [floor(browser, url) for _ in range(args.runs)]
                    rows.append(row(n, "floor: home page load", home))
                    seen = [floor(browser, url + "seen/") for _ in range(args.runs)]
                    rows.append(row(n, "floor: paste page load", seen))
                    for name, text in queries().items():
                        probes = [("search box", search_box), ("paste page", paste_page)]
                        # The paste page is for errors; words alone match no incident there.
                        for where, probe in probes[:1] if name == "words" else probes:
                            runs = [probe(browser, url, text) for _ in range(args.runs)]
                            rows.append(row(n, f"{where}: {name}", runs))
                            print(f"  {rows[-1]}", flush=True)
        browser.close()
    print(f"\nmedian of {args.runs} runs, fresh browser context each, no compression; KB\n")
    print("first result: search box from its focus, paste page from the navigation, floor")
    print("its load event; after the input: from the first change of the box (page clock)\n")
    print(
        "| N | what | first result | after the input | fetched | of which | requests | first result is |"
    )
    print("|---:|---|---:|---:|---:|---|---:|---|")
    for n, what, took, page, fetched, kinds, requests, first in rows:
        first = first.replace("|", "\\|")
        inside = "" if page is None else f"{page:.3f} s"
        print(
            f"| {n:,} | {what} | {took:.3f} s | {inside} | {fetched / 1e3:,.0f} KB | {kinds} "
            f"| {requests} | {first} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
