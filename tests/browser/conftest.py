"""Builds of the site with hostile records, served on loopback, and one headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)

from nexus_pm.models import Incident
from nexus_pm.validate import load_records

from ..components import need
from ..conftest import PROJECT_PARTS, ROOT
from ..serving import serving
from . import hostile

CHROMIUM_ENV = "CHROMIUM_PATH"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
ARTIFACTS_ENV = "NEXUS_PM_ARTIFACTS"
# Headless on a machine whose only network is loopback: no sandbox as root, and none of
# Chromium's own background traffic, which would fail and slow every start.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
HOSTILE = Path(__file__).with_name("hostile-record.yaml")
# Third parties the published site asks for: Material's web font, and the GitHub API
# for the repository's stars and latest release. Tests answer them with empty bodies,
# so a run needs no network; any other outside request fails the test.
THIRD_PARTIES = {
    "fonts.googleapis.com": ("text/css", ""),
    "fonts.gstatic.com": ("font/woff2", ""),
    "api.github.com": ("application/json", "{}"),
}


@dataclass
class Site:
    """The built site, where it is served, and the records it was built from."""

    url: str
    root: Path
    incidents: dict[str, Incident]


@dataclass
class Tab:
    """A page in a fresh browser context, and everything it did that a visitor would not want."""

    page: Page
    site: Site
    console_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: set[str] = field(default_factory=set)

    def open(self, path: str) -> None:
        response = self.page.goto(self.site.url + path.lstrip("/"))
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        self.page.wait_for_load_state("load")

    def watch(self, context: BrowserContext) -> None:
        """Record what goes wrong; answer third parties, refuse every other outside host."""
        context.route(lambda url: not url.startswith(self.site.url), self._outside)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._request_failed)

    def _outside(self, route: Route) -> None:
        host = urlsplit(route.request.url).hostname or route.request.url
        self.outside.add(host)
        if host in THIRD_PARTIES:
            content_type, body = THIRD_PARTIES[host]
            route.fulfill(status=200, content_type=content_type, body=body)
        else:
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        self.console.append(message.text)
        if message.type == "error":
            self.console_errors.append(message.text)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request_failed(self, request: Request) -> None:
        # Leaving a page cancels what it still loads (often the favicon): not a fault.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.failure} {request.url}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def assert_clean(self) -> None:
        """No console errors, script errors, dialogs, failed requests or unknown hosts."""
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []
        assert self.failed == []
        assert not [m for m in self.console if "xss-ran" in m]
        assert self.outside <= set(THIRD_PARTIES), self.outside


def chromium_path() -> str:
    return os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM


def _nexus_pm() -> list[str]:
    script = Path(sys.executable).with_name("nexus-pm")
    if script.is_file():
        return [str(script)]
    found = shutil.which("nexus-pm")
    assert found, "the nexus-pm command is not installed; pip install -e ."
    return [found]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    need(
        "chromium",
        os.path.isfile(path) and os.access(path, os.X_OK),
        f"no Chromium at {path}; apt-get install chromium, or set {CHROMIUM_ENV}",
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _project(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    project = tmp_path_factory.mktemp(name)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, project / part)
        elif src.is_file():
            shutil.copy2(src, project / part)
    return project


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The repo's site plus the hostile record, built strictly by the CLI and served."""
    project = _project(tmp_path_factory, "browser-project")
    shutil.copy2(HOSTILE, project / "incidents" / "2025-12-01-hostile-record.yaml")
    with _built(project) as (site, _):
        yield site


@contextlib.contextmanager
def _built(project: Path) -> Iterator[tuple[Site, list[Any]]]:
    """`project` built strictly by the CLI into its site/, served, with its records."""
    root = project / "site"
    with serving(root) as url:
        done = subprocess.run(
            [*_nexus_pm(), "build", "--site-dir", str(root)],
            cwd=project,
            env={**os.environ, "SITE_URL": url},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        records = load_records([project / "incidents"])
        yield Site(url, root, {r.incident.id: r.incident for r in records}), records


@pytest.fixture(scope="session")
def unguarded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The repo's site plus records the loader refuses, built with those refusals off."""
    project = _project(tmp_path_factory, "unguarded-project")
    hostile.write_records(project / "incidents")
    root = project / "site"
    with serving(root) as url:
        done = hostile.build_unguarded(project, root, env={**os.environ, "SITE_URL": url})
        assert done.returncode == 0, done.stderr
        yield Site(url, root, {})


@contextlib.contextmanager
def _tab(
    browser: Browser, site: Site, *, scheme: str = "light", width: int = 1280, script: bool = True
) -> Iterator[Tab]:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,  # type: ignore[arg-type]
        locale="en-US",
        java_script_enabled=script,
    )
    tab = Tab(context.new_page(), site)
    tab.watch(context)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def tab(browser: Browser, site: Site) -> Iterator[Tab]:
    with _tab(browser, site) as opened:
        yield opened


@pytest.fixture
def unguarded_tab(browser: Browser, unguarded_site: Site) -> Iterator[Tab]:
    with _tab(browser, unguarded_site) as opened:
        yield opened


@pytest.fixture(scope="session")
def screenshot(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Save a screenshot in the pytest temp folder, and in $NEXUS_PM_ARTIFACTS when set."""
    folder = tmp_path_factory.mktemp("screenshots")

    def save(page: Page, name: str, *, full_page: bool = False) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        artifacts = os.environ.get(ARTIFACTS_ENV)
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, Path(artifacts) / path.name)
        return path

    return save
