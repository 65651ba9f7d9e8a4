"""`nexus-pm generate`: a docs tree that plain MkDocs builds into the plugin's pages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nexus_pm.generated_docs import MARKER

from .components import need
from .conftest import CliInvoke, tree

PLUGIN = """  - nexus-pm:
      incidents_dir: incidents
      templates_dir: templates
"""


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke) -> Path:
    monkeypatch.chdir(tmp_path)
    cli_invoke("init", "--no-input")
    cli_invoke(
        *("new", "Checkout returns 502", "--severity", "SEV1", "--service", "checkout"),
        *("--tag", "load-balancer", "--status", "in-review", "--summary", "Backends lost."),
        "--no-input",
    )
    return tmp_path


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def plain_config(kb: Path, docs: str) -> Path:
    """mkdocs.yml without the nexus-pm plugin, reading the generated folder."""
    text = (kb / "mkdocs.yml").read_text(encoding="utf-8")
    assert PLUGIN in text and "\ndocs_dir: docs\n" in text
    plain = kb / "mkdocs.plain.yml"
    plain.write_text(
        text.replace(PLUGIN, "").replace("\ndocs_dir: docs\n", f"\ndocs_dir: {docs}\n"),
        encoding="utf-8",
    )
    return plain


def properdocs() -> str | None:
    return shutil.which("properdocs", path=str(Path(sys.executable).parent))


def builder(name: str) -> list[str]:
    """The command that builds a site: plain MkDocs, or ProperDocs (the MkDocs 1.x fork)."""
    if name == "mkdocs":
        return [sys.executable, "-m", "mkdocs"]
    tool = properdocs()
    need("properdocs", tool is not None, "properdocs is not installed (the test extra)")
    assert tool is not None
    return [tool]


@pytest.mark.parametrize(
    ("name", "drafts"), [("mkdocs", False), ("mkdocs", True), ("properdocs", False)]
)
def test_plain_builders_build_the_generated_tree_into_the_plugins_pages(
    kb: Path, cli_invoke: CliInvoke, name: str, drafts: bool
) -> None:
    command = builder(name)
    flag = ["--drafts"] if drafts else []
    cli_invoke("build", *flag)
    cli_invoke("generate", "--out", "generated", *flag)
    assert (kb / "generated" / "index.md").read_text() == (kb / "docs" / "index.md").read_text()
    built = subprocess.run(
        [
            *command,
            *("build", "--strict", "-q"),
            *("-f", str(plain_config(kb, "generated")), "-d", str(kb / "plain-site")),
        ],
        cwd=kb,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    expected = pages(kb / "site")
    assert "incidents/inc-0002/index.html" in expected
    assert ("incidents/inc-0001/index.html" in expected) is drafts
    assert pages(kb / "plain-site") == expected
    page = (kb / "plain-site" / "incidents" / "inc-0002" / "index.html").read_text()
    assert "Checkout returns 502" in page


def test_generate_replaces_only_its_own_folder(kb: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke("generate", "--out", "generated", "--drafts")
    assert (kb / "generated" / MARKER).is_file()
    assert (kb / "generated" / "incidents" / "inc-0001.md").is_file()
    # A record gone is a page gone: the folder is written whole each time.
    for record in (kb / "incidents").glob("example-*.yaml"):
        record.unlink()
    cli_invoke("generate", "--out", "generated", "--drafts")
    assert not (kb / "generated" / "incidents" / "inc-0001.md").exists()
    # A folder it did not write is refused and left as it was.
    (kb / "mine").mkdir()
    (kb / "mine" / "notes.md").write_text("ours\n")
    before = tree(kb / "mine")
    result = cli_invoke("generate", "--out", "mine", exit_code=1)
    assert "mine: holds files nexus-pm did not write" in result.stderr
    assert tree(kb / "mine") == before
    refused = cli_invoke("generate", "--out", "docs", exit_code=1)
    assert refused.stderr == "docs: is the docs folder; refusing to replace it\n"


def test_a_broken_record_writes_nothing(kb: Path, cli_invoke: CliInvoke) -> None:
    (kb / "incidents" / "bad.yaml").write_text("format: 2\nid: INC-0009\n")
    result = cli_invoke("generate", "--out", "generated", exit_code=1)
    assert "incidents/bad.yaml:1: title: Field required" in result.stderr
    assert not (kb / "generated").exists()
