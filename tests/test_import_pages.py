"""Imported postmortems, built into the site with `nexus-pm build --drafts`: the facts of each
source are in the visible text of its built HTML page, not only in the Markdown made for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from nexus_pm.cli import app

from .conftest import copy_project
from .import_helpers import FIXTURES, html_text, seen

REALWORLD = FIXTURES / "realworld"
SHAPES = FIXTURES / "import"
SEED = FIXTURES / "seed" / "voice-service-fix-2025-11-09.md"
SEED_FACTS = FIXTURES.parent / "golden" / "seed_facts.txt"
SOURCES = [
    SEED,
    *sorted(p for p in REALWORLD.glob("*.md") if p.stem != "README"),
    *sorted(p.with_suffix(".md") for p in SHAPES.glob("*.facts")),
]


def facts_of(source: Path) -> list[str]:
    if source == SEED:
        lines = SEED_FACTS.read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    lines = source.with_suffix(".facts").read_text(encoding="utf-8").splitlines()
    return [line.split(": ", 1)[1] for line in lines if line.strip()]


def _invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each source imported as a draft into a copy of the project, as the README says, then
    the site built with drafts: the visible text of each record's page, by source name."""
    root = copy_project(tmp_path_factory.mktemp("import-pages") / "kb")
    pages = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        paths = {}
        for source in SOURCES:
            extra = ["--severity", "SEV2", "--service", "voice-service"] if source == SEED else []
            result = _invoke("import", str(source), *extra, "--no-input")
            assert len(result.stdout.splitlines()) == 1, result.stdout
            paths[source.name] = root / result.stdout.strip()
        _invoke("validate")
        _invoke("build", "--drafts", "--site-dir", "out")
        for name, path in paths.items():
            record = yaml.safe_load(path.read_text(encoding="utf-8"))
            page = root / "out" / "incidents" / record["id"].lower() / "index.html"
            pages[name] = html_text(page.read_text(encoding="utf-8"))
    return pages


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_the_built_page_shows_the_facts(source: Path, built: dict[str, str]) -> None:
    shown = seen(built[source.name])
    facts = facts_of(source)
    missing = [fact for fact in facts if seen(fact) not in shown]
    share = 1 - len(missing) / len(facts)
    assert share >= 0.9, f"{source.name}: {share:.0%} on the built page; missing {missing}"


def test_visible_text_is_the_article_without_hidden_parts() -> None:
    page = (
        "<nav>Seen in the nav</nav><article><p>Shown <code>here</code></p>"
        "<script>var hidden = 1;</script><div hidden>not shown</div><td>a</td><td>b</td>"
        "</article>"
    )
    assert html_text(page) == "Shown here a b"
