"""A real strict MkDocs build of the repo's records: pages, search index and every seed fact."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nexus_pm.compact import compact
from nexus_pm.layout import GROUP_KINDS
from nexus_pm.site import build_site

from .compact_reference import compact_by_tags
from .conftest import PROJECT_PARTS, ROOT
from .fields import choices, models
from .pagefind_index import fragments

FACTS = Path(__file__).parent / "golden" / "seed_facts.txt"


class _Text(HTMLParser):
    """Visible text of a page, and the checkboxes in it."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.checkboxes = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        found = dict(attrs)
        # Task-list boxes are disabled; Material's own toggles are not.
        if tag == "input" and found.get("type") == "checkbox" and "disabled" in found:
            self.checkboxes += 1
        if tag in ("td", "th", "li", "p", "br", "div", "h1", "h2", "h3", "pre", "tr"):
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    def text(self) -> str:
        return " ".join("".join(self.chunks).split())


def parse(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, root / part)
        else:
            shutil.copy2(src, root / part)
    build_site(root / "mkdocs.yml", root / "site")
    return root / "site"


def test_expected_pages_exist(site: Path) -> None:
    for page in (
        "index.html",
        "incidents/index.html",
        "incidents/inc-0001/index.html",
        "checklist/index.html",
        "services/voice-service/index.html",
        "tags/docker/index.html",
        "severity/sev2/index.html",
        "reference/schema/index.html",
        "writing/index.html",
    ):
        assert (site / page).is_file(), page


def test_every_seed_fact_is_on_the_incident_page(site: Path) -> None:
    text = parse(site / "incidents/inc-0001/index.html").text()
    facts = [
        " ".join(line.split())
        for line in FACTS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    missing = [fact for fact in facts if fact not in text]
    assert not missing, missing


def test_search_index_finds_the_error(site: Path) -> None:
    pages = fragments(site)
    assert "No module named uvicorn" in pages["incidents/inc-0001/"].content
    assert "Voice service down" in pages["incidents/inc-0001/"].title
    # Every page but the lists by service, tag and severity, whose incidents are indexed.
    assert {"", "overview/", "incidents/", "writing/", "reference/schema/"} <= set(pages)
    assert (site / "tags/index.html").is_file() and (site / "services/index.html").is_file()
    assert not [url for url in pages if url.split("/")[0] in GROUP_KINDS]
    # Material's index is written, as its plugin keeps the header's search box, but empty:
    # the box asks Pagefind, and indexing every page twice cost a fifth of a build.
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []


def test_checklists_render_as_checkboxes(site: Path) -> None:
    # The 6 prevention items are checkboxes; action items are a table, one row each.
    incident = parse(site / "incidents/inc-0001/index.html")
    assert incident.checkboxes == 6
    combined = parse(site / "checklist/index.html")
    assert combined.checkboxes == 6
    assert "Install packages system-wide (no --user)" in combined.text()
    sections = _Sections()
    sections.feed((site / "incidents/inc-0001/index.html").read_text(encoding="utf-8"))
    actions = [row for row in sections.sections["Action items"] if row]
    assert len(actions) == 9
    assert all(len(row) == 6 for row in actions), actions


def test_index_lists_the_incident_with_its_facets(site: Path) -> None:
    text = parse(site / "incidents/index.html").text()
    assert re.search(
        r"2025-11-09 INC-0001: Voice service down: No module named uvicorn SEV2 published voice-service",
        text,
    )


def test_edit_link_points_at_the_record(site: Path) -> None:
    html = (site / "incidents/inc-0001/index.html").read_text(encoding="utf-8")
    assert "edit/main/incidents/2025-11-09-voice-service-no-module-named-uvicorn.yaml" in html


def test_incident_is_not_in_the_nav(site: Path) -> None:
    # Incidents are reached through index pages; a nav entry each would bloat every page.
    html = (site / "writing/index.html").read_text(encoding="utf-8")
    assert "inc-0001" not in html


class _Sections(HTMLParser):
    """Each h2 heading of a page and the rows of the tables under it, as cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self._heading: list[str] | None = None
        self._current: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._heading = []
        elif tag == "a" and ("class", "headerlink") in attrs:
            self._in_link = True  # the heading's permalink sign is not its name
        elif tag == "tr" and self._current is not None:
            self._current.append([])
        elif tag == "td" and self._current:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self._current = self.sections.setdefault("".join(self._heading).strip(), [])
            self._heading = None
        elif tag == "a":
            self._in_link = False
        elif tag == "td" and self._cell is not None and self._current:
            self._current[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None and not self._in_link:
            self._heading.append(data)
        elif self._cell is not None:
            self._cell.append(data)


def test_schema_reference_lists_every_model(site: Path) -> None:
    parser = _Sections()
    parser.feed((site / "reference/schema/index.html").read_text(encoding="utf-8"))
    # Rows of header cells only (th, no td) are empty: keep the field rows.
    sections = {name: [r for r in rows if r] for name, rows in parser.sections.items()}
    expected = models()
    assert len(expected) > 15, "the walk found too few models to be the schema"
    assert sorted(sections) == sorted(m.__name__ for m in expected)
    for model in expected:
        rows = {row[0]: row for row in sections[model.__name__]}
        assert list(rows) == list(model.model_fields), model.__name__
        for name, info in model.model_fields.items():
            # An enum or Literal field lists every value it accepts in its Type cell.
            type_cell = rows[name][1]
            missing = [v for v in choices(info) if v not in type_cell]
            assert not missing, f"{model.__name__}.{name}: {missing} not in {type_cell!r}"


def plain_mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` itself, finding the plugin through its entry point."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "out"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def test_plain_mkdocs_build_reports_record_problems(project: Path) -> None:
    broken = "format: 2\nid: INC-0002\nseverity: SEV9\n"
    (project / "incidents" / "broken.yaml").write_text(broken, "utf-8")
    done = plain_mkdocs_build(project)
    assert done.returncode == 1
    assert (
        "incidents/broken.yaml:3: severity: 'SEV9' is not on the severity scale "
        "(SEV1, SEV2, SEV3, SEV4)" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_plain_mkdocs_build_strict_passes(project: Path) -> None:
    done = plain_mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    assert (project / "out" / "incidents" / "inc-0001" / "index.html").is_file()


def test_incident_toc_lists_sections_only(site: Path) -> None:
    html = (site / "incidents/inc-0001/index.html").read_text(encoding="utf-8")
    toc = html[html.index('aria-label="Table of contents"') : html.index("<article")]
    assert 'href="#cause"' in toc and 'href="#resolution"' in toc
    assert 'href="#root-cause"' not in toc
    assert 'href="#1-question-the-assumption"' not in toc
    # The subsections themselves are still on the page, with their anchors.
    assert 'id="root-cause"' in html and 'id="1-question-the-assumption"' in html


def test_every_incident_page_is_under_40_kb(site: Path) -> None:
    # A page is read on phones over slow links: the seed, the longest record, stays under 40 KB.
    pages = sorted((site / "incidents").glob("inc-*/index.html"))
    assert pages
    sizes = {p.parent.name: p.stat().st_size for p in pages}
    assert max(sizes.values()) < 40 * 1024, sizes
    # The compaction kept every code block's text: the seed's Dockerfile lines are all there.
    seed = (site / "incidents/inc-0001/index.html").read_text(encoding="utf-8")
    assert "pip install --user" in seed and 'class="w"' not in seed


def test_every_page_of_a_site_is_compacted_as_tag_by_tag(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        # A built page is compacted already; compacting it again must change it alike.
        html = path.read_text(encoding="utf-8").replace("\n", "\n    ")
        assert compact(html) == compact_by_tags(html), path
