"""Incident pages made as HTML show what Python-Markdown makes of their Markdown, and links still hold."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config

from nexus_pm.html_pages import Fences
from nexus_pm.site import build_site

from .conftest import ROOT
from .pagefind_index import fragments
from .test_bench import _synth
from .test_injection import make_project, png, write_hostile_records
from .test_site import _Text

FULL = ROOT / "tests" / "golden" / "full"
KB = ROOT / "tests" / "fixtures" / "kb"


class _Page(_Text):
    """A page's visible text, block by block, every id, and every link and image target."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.targets: list[str] = []
        #: Every element and its classes, in order: the look Material gives the page.
        self.outline: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.outline.append((tag, found.get("class") or ""))
        if tag in ("script", "style"):
            self._skip += 1
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag in ("a", "img"):
            self.targets.append(str(found.get("href") or found.get("src")))
        # A block starts a line of its own, so that text moved between blocks shows.
        if tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "pre", "br", "tr"):
            self.chunks.append("\n")
        if tag in ("input", "code", "strong", "em", "img"):
            self.chunks.append(f"<{tag}>")

    def lines(self) -> list[str]:
        text = "".join(self.chunks)
        return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _seen(path: Path) -> tuple[list[str], list[str], list[str], list[tuple[str, str]]]:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page.lines(), page.ids, page.targets, page.outline


def _code(path: Path) -> list[str]:
    return re.findall(r'<div class="highlight">.*?</pre></div>', path.read_text("utf-8"), re.DOTALL)


def _set_html(project: Path, on: bool) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "      templates_dir: templates\n",
        f"      templates_dir: templates\n      html: {str(on).lower()}\n",
    )
    config.write_text(text, encoding="utf-8")


def _both(project: Path) -> tuple[Path, Path]:
    """The project built with incident pages as Markdown, and again as HTML."""
    _set_html(project, False)
    build_site(project / "mkdocs.yml", project / "site-md", drafts=True)
    (project / "mkdocs.yml").write_text(
        (project / "mkdocs.yml").read_text(encoding="utf-8").replace("html: false", "html: true"),
        encoding="utf-8",
    )
    build_site(project / "mkdocs.yml", project / "site-html", drafts=True)
    return project / "site-md", project / "site-html"


_BLOCK_END = re.compile(r"\.(?= |$)")


def _search(site: Path) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    # Runs of white space are one space to a browser and to the search's tokenizer; the
    # Markdown's indented continuation lines leave longer ones. Pagefind ends a block with
    # "." unless its source ends in punctuation, and the two paths write `)` or `'` as a
    # character or as an entity, whose `;` counts as punctuation: the dots do not count.
    return {
        url: (page.title, _BLOCK_END.sub("", " ".join(page.content.split())), page.anchors)
        for url, page in fragments(site).items()
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed, the hostile record and its twin, and the fullest record with its relative."""
    project = make_project(tmp_path_factory.mktemp("html-hostile"))
    write_hostile_records(project)
    for name in ("record.yaml", "related.yaml"):
        shutil.copy2(FULL / name, project / "incidents" / f"full-{name}")
    record = yaml.safe_load((FULL / "record.yaml").read_text(encoding="utf-8"))
    for section in record["sections"]:
        for block in section.get("blocks", []):
            if block["kind"] == "image":
                (project / block["path"]).parent.mkdir(parents=True, exist_ok=True)
                (project / block["path"]).write_bytes(png())
    return _both(project)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Synthetic records of every shape `bench/synth.py` makes, and the knowledge-base fixtures."""
    project = make_project(tmp_path_factory.mktemp("html-synth"))
    shutil.rmtree(project / "incidents")
    _synth().write(project / "incidents", 40, seed=3)
    for path in KB.glob("*.yaml"):
        shutil.copy2(path, project / "incidents" / path.name)
    return _both(project)


@pytest.mark.parametrize("which", ["hostile", "synthetic"])
def test_html_pages_show_what_markdown_shows(which: str, request: pytest.FixtureRequest) -> None:
    markdown_site, html_site = request.getfixturevalue(which)
    pages = sorted(markdown_site.glob("incidents/inc-*/index.html"))
    assert len(pages) >= 4
    pages += [markdown_site / page / "index.html" for page in ("follow-ups", "incidents")]
    pages += sorted(markdown_site.glob("services/*/index.html"))
    pages += sorted(markdown_site.glob("severity/*/index.html"))
    for path in pages:
        other = html_site / path.relative_to(markdown_site)
        # The whole page: the table of contents, the nav and the article with its anchors.
        want, got = _seen(path), _seen(other)
        assert got[0] == want[0], path
        assert got[1] == want[1], f"{path}: ids"
        assert got[2] == want[2], f"{path}: links"
        assert got[3] == want[3], f"{path}: elements"
        # Code blocks, highlighted by the same extension: byte for byte the same.
        assert _code(other) == _code(path), f"{path}: code"
    # The search index holds the same sections with the same text.
    assert _search(html_site) == _search(markdown_site)


def test_the_other_pages_are_the_same_bytes(synthetic: tuple[Path, Path]) -> None:
    # The same pages came out; those that stay Markdown did not change at all.
    markdown_site, html_site = synthetic
    names = {p.relative_to(markdown_site) for p in markdown_site.rglob("*.html")}
    assert names == {p.relative_to(html_site) for p in html_site.rglob("*.html")}
    tags = sorted(p.relative_to(markdown_site) for p in markdown_site.glob("tags/*/index.html"))
    for page in [Path("overview/index.html"), Path("rules/index.html"), *tags]:
        assert (markdown_site / page).read_bytes() == (html_site / page).read_bytes(), page


# A hook that runs after the plugin: it takes a page away, and with it the target of links.
_HOOK = r"""
def on_files(files, config):
    for uri in ("severity/sev2.md",):
        files.remove(files.get_file_from_path(uri))
    return files


def on_page_markdown(markdown, page, config, files):
    # The Rules page without its headings: links to a rule's anchor now point nowhere.
    if page.file.src_uri == "rules.md":
        return "# Rules\n"
    return markdown
"""


@pytest.mark.parametrize("html", [True, False])
def test_a_strict_build_still_fails_on_a_broken_link(tmp_path: Path, html: bool) -> None:
    project = make_project(tmp_path / "project")
    (project / "hook.py").write_text(_HOOK, encoding="utf-8")
    _set_html(project, html)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "hooks:\n  - hook.py\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "out"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    page = "incidents/inc-0001.md"
    assert (
        f"WARNING -  Doc file '{page}' contains a link '../severity/sev2.md', but the target "
        "'severity/sev2.md' is not found among documentation files." in done.stderr
    ), done.stderr
    # Each anchor the seed's checklist links to on the Rules page, reported by MkDocs itself.
    assert f"Doc file '{page}' contains a link '../rules.md#dockerfile-" in done.stderr
    assert "but the doc 'rules.md' does not contain an anchor '#dockerfile-" in done.stderr


def _fences(tmp_path: Path, highlight: dict[str, object]) -> Fences:
    config = {
        "site_name": "x",
        "markdown_extensions": [{"pymdownx.highlight": highlight}, "pymdownx.superfences"],
    }
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    return Fences(load_config(str(tmp_path / "mkdocs.yml")))


def test_the_same_code_is_highlighted_once_unless_its_lines_get_ids(tmp_path: Path) -> None:
    fences = _fences(tmp_path, {})
    first = fences("RUN pip install --user x\n", "dockerfile")
    assert '<span class="k">RUN</span>' in first
    assert fences("RUN pip install --user x\n", "dockerfile") is first
    assert fences("RUN pip install x\n", "dockerfile") != first
    # Line anchors are numbered by the code blocks before them: each block is its own.
    numbered = _fences(tmp_path, {"anchor_linenums": True})
    one, two = (numbered("x = 1\n", "python") for _ in range(2))
    assert "__codelineno-" in one and one != two
