"""A `serve` rebuild after one edit does that record's work only, counted part by part."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config

from nexus_pm import feeds, search_serve, signature_file, similar
from nexus_pm.checks import links
from nexus_pm.plugin import NexusPlugin
from nexus_pm.render import Renderer

from .conftest import SEED
from .test_rebuild import rebuild


class Work:
    """What one build did: pages rendered, records proved, parts of files worked out."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: Counter[str] = Counter()
        self.incidents: list[str] = []
        self.listed: list[str] = []
        self.proved: list[str] = []
        self.indexing = threading.Event()
        self.release = threading.Event()
        self.release.set()

        def count(owner: Any, name: str, what: str) -> None:
            real = getattr(owner, name)

            def counted(*args: Any, **kwargs: Any) -> Any:
                self.counts[what] += 1
                return real(*args, **kwargs)

            monkeypatch.setattr(owner, name, counted)

        real_incident, real_render, real_disproof = (
            Renderer.incident,
            Renderer._render,
            links._disproof,
        )

        def incident(renderer: Renderer, record: Any, *args: Any, **kwargs: Any) -> str:
            self.incidents.append(record.incident.id)
            return real_incident(renderer, record, *args, **kwargs)

        def render(renderer: Renderer, template: str, uri: str, **context: Any) -> str:
            if template != "incident.md.j2":
                self.listed.append(uri)
            return real_render(renderer, template, uri, **context)

        def disproof(rule: Any, incident: Any, *args: Any) -> list[str]:
            self.proved.append(incident.id)
            return real_disproof(rule, incident, *args)

        monkeypatch.setattr(Renderer, "incident", incident)
        monkeypatch.setattr(Renderer, "_render", render)
        monkeypatch.setattr(links, "_disproof", disproof)
        count(feeds, "_entry", "export entries")
        count(similar, "features", "features")
        count(signature_file, "signature_files", "signature files")
        real_index = search_serve.index_site

        def index(site_dir: Path, output: Path | None = None) -> None:
            self.counts["pagefind in the foreground" if output is None else "pagefind aside"] += 1
            if output is not None:
                self.indexing.set()
                assert self.release.wait(60)
            real_index(site_dir, output)
            self.counts["pagefind done"] += 1

        monkeypatch.setattr(search_serve, "index_site", index)

    def clear(self) -> None:
        self.counts.clear()
        self.incidents.clear()
        self.listed.clear()
        self.proved.clear()


def test_a_one_record_edit_does_one_records_work(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    seed = project / "incidents" / SEED.name
    text = seed.read_text(encoding="utf-8")
    for n in (2, 3):
        other = text.replace("id: INC-0001", f"id: INC-000{n}").replace("Voice", f"Voice {n}")
        (project / "incidents" / f"2025-11-0{n}-other.yaml").write_text(other, encoding="utf-8")
    work = Work(monkeypatch)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    plugin = config.plugins["nexus-pm"]
    assert isinstance(plugin, NexusPlugin)
    try:
        rebuild(project, site)
        # The first build does everything, and indexes the site before it is served.
        assert sorted(work.incidents) == ["INC-0001", "INC-0002", "INC-0003"]
        assert {"incidents/index.md", "checklist.md", "follow-ups.md"} <= set(work.listed)
        assert set(work.proved) == {"INC-0001", "INC-0002", "INC-0003"}
        assert work.counts["export entries"] == work.counts["features"] == 3
        assert work.counts["pagefind in the foreground"] == work.counts["pagefind done"] == 1
        assert (site / "pagefind" / "pagefind.js").is_file()

        # Nothing edited: nothing is rendered, proved or indexed again.
        work.clear()
        rebuild(project, site)
        assert (work.incidents, work.listed, work.proved) == ([], [], [])
        assert sum(work.counts.values()) == 0

        # A summary, which only the incident's own page shows (and the files of all).
        work.clear()
        work.release.clear()
        seed.write_text(text.replace("exited immediately", "stopped at once"), "utf-8")
        rebuild(project, site)
        assert work.incidents == ["INC-0001"]
        assert work.listed == []
        assert sorted(set(work.proved)) == ["INC-0001"]
        assert work.counts["export entries"] == work.counts["features"] == 1
        assert work.counts["signature files"] == 0
        page = site / "incidents" / "inc-0001" / "index.html"
        assert "stopped at once" in page.read_text(encoding="utf-8")
        # The rebuild is over and its page written while Pagefind has not finished yet: the
        # index is made after it, beside the site, and the old one answers meanwhile.
        assert work.indexing.wait(60)
        assert work.counts["pagefind in the foreground"] == work.counts["pagefind done"] == 0
        assert (site / "pagefind" / "pagefind.js").is_file()
        # A build that writes while Pagefind reads (here one that changes no page, but MkDocs
        # still writes 404.html) has the site indexed once more after it.
        rebuild(project, site)
        assert work.counts["pagefind aside"] == 1
        work.release.set()
        assert plugin.search_index is not None
        plugin.search_index.wait()
        assert work.counts["pagefind aside"] == work.counts["pagefind done"] == 2
        assert (site / "pagefind" / "pagefind.js").is_file()
        assert not list(tmp_path.glob(".site-pagefind-*"))

        # A title shows on the listings too, but not on the checklist, which names ids.
        work.clear()
        seed.write_text(text.replace("Voice service down", "Voice service edited"), "utf-8")
        rebuild(project, site)
        plugin.search_index.wait()
        assert "INC-0001" in work.incidents
        assert "incidents/index.md" in work.listed
        assert "checklist.md" not in work.listed
        assert sorted(set(work.proved)) == ["INC-0001"]
        assert work.counts["export entries"] == work.counts["signature files"] == 1
        assert work.counts["pagefind done"] == 1
    finally:
        config.plugins.on_shutdown()


def test_kept_parts_are_what_a_build_makes(tmp_path: Path) -> None:
    """Export, similar incidents, signature file and rule problems, kept or made afresh."""
    from nexus_pm.checks.links import record_check_problems
    from nexus_pm.loader import load_file
    from nexus_pm.memo import Memos
    from nexus_pm.validate import load_records

    folder = tmp_path / "incidents"
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for n in (1, 2, 3):
        other = text.replace("id: INC-0001", f"id: INC-000{n}")
        if n == 3:
            other = other.replace("status: published", "status: in-review")
        (folder / f"2025-11-0{n}-x.yaml").write_text(other, encoding="utf-8")
    records = load_records([folder])
    # A record that links a rule no one knows: its problem is kept with it.
    unknown = tmp_path / "2025-11-04-unknown.yaml"
    unknown.write_text(
        text.replace("id: INC-0001", "id: INC-0004").replace(
            "check: dockerfile/pip-user-install", "check: dockerfile/no-such-rule"
        ),
        encoding="utf-8",
    )
    checked = [*records, load_file(unknown)]
    assert record_check_problems(checked)
    memos = Memos()
    for _ in range(2):
        assert feeds.export(records, memos.export) == feeds.export(records)
        assert similar.similar(records, memo=memos.features, last=memos.similar) == (
            similar.similar(records)
        )
        kept = signature_file.signature_files_kept(
            records, directory_urls=True, last=memos.signatures
        )
        assert kept == signature_file.signature_files(records)
        assert record_check_problems(checked, memo=memos.proofs) == record_check_problems(checked)
    assert memos.export.made == 2  # the in-review record is not exported
    assert memos.features.made == 3
    # The record with an unknown rule is proved each time: the message names the known rules.
    assert memos.proofs.made == 4 + 1
    assert memos.similar.made == memos.signatures.made == 1
    assert feeds.export([], memos.export) == feeds.export([]) == "[]\n"
