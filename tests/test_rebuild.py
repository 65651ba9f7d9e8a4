"""A `serve` rebuild after one edit re-renders only what the edit changed, and shows it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from nexus_pm.loader import MAX_BYTES
from nexus_pm.rebuild_cache import RecordCache
from nexus_pm.render import Renderer

from .conftest import SEED
from .pagefind_index import fragments

URL = "http://127.0.0.1:8000/"


def rebuild(project: Path, site: Path) -> None:
    """One build as `mkdocs serve --dirty` makes it: a fresh config, the same plugin."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.site_url = URL
    build(config, serve_url=URL, dirty=True)


def test_a_rebuild_renders_only_the_edited_incident(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    seed = (project / "incidents" / SEED.name).read_text(encoding="utf-8")
    for n in (2, 3):
        other = seed.replace("id: INC-0001", f"id: INC-000{n}").replace("Voice", f"Voice {n}")
        (project / "incidents" / f"2025-11-0{n}-other.yaml").write_text(other, encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    rendered: list[str] = []
    real = Renderer.incident

    def counted(self: Renderer, record: Any, *args: Any, **kwargs: Any) -> str:
        rendered.append(record.incident.id)
        return real(self, record, *args, **kwargs)

    monkeypatch.setattr(Renderer, "incident", counted)
    record = project / "incidents" / SEED.name
    text = record.read_text(encoding="utf-8")
    try:
        rebuild(project, site)
        assert sorted(rendered) == ["INC-0001", "INC-0002", "INC-0003"]
        pages = {p: p.stat().st_mtime_ns for p in site.glob("incidents/inc-*/index.html")}
        # An edit no other page shows: that incident alone is rendered and written again.
        rendered.clear()
        summary = text.replace("exited immediately after start", "stopped at once on start")
        assert summary != text
        record.write_text(summary, encoding="utf-8")
        rebuild(project, site)
        assert rendered == ["INC-0001"]
        rewritten = [p.parent.name for p, t in pages.items() if p.stat().st_mtime_ns != t]
        assert rewritten == ["inc-0001"]
        page = (site / "incidents/inc-0001/index.html").read_text(encoding="utf-8")
        assert "stopped at once on start" in page
        # A new title shows on the index, and on every page that names the incident.
        rendered.clear()
        edited = summary.replace('title: "Voice service down:', 'title: "Voice service edited:')
        record.write_text(edited, encoding="utf-8")
        rebuild(project, site)
    finally:
        config.plugins.on_shutdown()
    assert "INC-0001" in rendered
    assert "Voice service edited" in (site / "incidents/inc-0001/index.html").read_text("utf-8")
    # No page shows the old title any more (those naming the incident as similar included).
    for html in site.rglob("*.html"):
        assert "Voice service down" not in html.read_text(encoding="utf-8"), html
    index = (site / "incidents/index.html").read_text(encoding="utf-8")
    assert "Voice service edited" in index
    assert "Voice service down" not in index
    # Search still holds every page once (`fragments` checks), the edited one by its new title.
    indexed = fragments(site)
    incidents = {url.split("/")[1] for url in indexed if url.startswith("incidents/inc-")}
    assert incidents == {p.parent.name for p in pages} == {"inc-0001", "inc-0002", "inc-0003"}
    assert "Voice service edited" in indexed["incidents/inc-0001/"].title


def test_rebuilt_pages_match_a_fresh_build(project: Path, tmp_path: Path) -> None:
    """After edits, what the rebuilds left is what a build from nothing makes."""
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    seed = project / "incidents" / SEED.name
    text = seed.read_text(encoding="utf-8")
    for n in (2, 3):
        (project / "incidents" / f"2025-11-0{n}-other.yaml").write_text(
            text.replace("id: INC-0001", f"id: INC-000{n}"), encoding="utf-8"
        )
    # A page of the docs folder that lists every tagged page: its source never changes. The
    # incidents' tags link to it, as the listing nearest to them (Material picks among equally
    # near ones in no set order).
    listing = "# All tags\n\n<!-- material/tags -->\n"
    (project / "docs" / "incidents").mkdir()
    (project / "docs" / "incidents" / "all-tags.md").write_text(listing, encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    try:
        rebuild(project, site)
        # A record that goes takes its page with it.
        (project / "incidents" / "2025-11-02-other.yaml").unlink()
        rebuild(project, site)
        seed.write_text(text.replace("Voice service down", "Voice service edited"), "utf-8")
        rebuild(project, site)
        # The listing shows the new title, though only the tags plugin knew it changed.
        all_tags = (site / "incidents" / "all-tags" / "index.html").read_text(encoding="utf-8")
        assert "INC-0001: Voice service edited" in all_tags
        assert "INC-0001: Voice service down" not in all_tags
        # An edit that only its own page shows: the other incidents are not read again.
        seed.write_text(text.replace("exited immediately", "stopped at once"), "utf-8")
        rebuild(project, site)
        # Edits the listings show: the severity moves the incident to another severity page,
        # a settled action item leaves the follow-ups; then a rebuild with nothing edited.
        edited = text.replace("severity: SEV2", "severity: SEV3").replace(
            "{text: Load testing, status: open,", "{text: Load testing, status: done,"
        )
        assert edited.count("SEV3") > text.count("SEV3")
        assert "Load testing, status: done" in edited
        seed.write_text(edited, "utf-8")
        rebuild(project, site)
        rebuild(project, site)
    finally:
        # Waits for the search index the last rebuilds left to be made in the background.
        config.plugins.on_shutdown()
    # A preview renders Markdown pages (an HTML page's source would not show an edit), so the
    # build to match is one on that path too.
    config_text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - nexus-pm:\n" in config_text
    (project / "mkdocs-markdown.yml").write_text(
        config_text.replace("  - nexus-pm:\n", "  - nexus-pm:\n      html: false\n", 1),
        encoding="utf-8",
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            "mkdocs-markdown.yml",
            "-d",
            str(fresh),
        ],
        cwd=project,
        env={**os.environ, "SITE_URL": URL},
        check=True,
    )
    made, expected = tree(site), tree(fresh)
    assert sorted(made) == sorted(expected)
    # Search entries may come in another order, which search does not mind.
    assert search(made.pop("search/search_index.json")) == search(
        expected.pop("search/search_index.json")
    )
    assert made == expected


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a site but the compressed sitemap, whose gzip header holds a time."""
    files = (p for p in site.rglob("*") if p.is_file() and p.suffix != ".gz")
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in files}


def search(data: bytes) -> list[dict[str, Any]]:
    return sorted(json.loads(data)["docs"], key=lambda e: json.dumps(e, sort_keys=True))


def test_a_record_is_read_again_only_when_its_bytes_change(tmp_path: Path) -> None:
    cache = RecordCache()
    path = tmp_path / SEED.name
    # CRLF line ends: the loader's text is not the file's bytes, the cache still holds.
    path.write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    first = cache.load(path, max_bytes=MAX_BYTES)
    assert cache.load(path, max_bytes=MAX_BYTES) is first
    path.write_bytes(path.read_bytes().replace(b"Voice service down", b"Voice service edited"))
    second = cache.load(path, max_bytes=MAX_BYTES)
    assert second is not first
    assert second.incident.title.startswith("Voice service edited")
