"""Drafts: left out of a build, put in by `--drafts` or the plugin's `drafts` option, with a banner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nexus_pm.models import find_placeholders

from .conftest import SEED, CliInvoke

BANNER = '<p class="admonition-title">Draft</p>'
BANNER_TEXT = (
    "This postmortem is a draft: it is not reviewed yet, and published builds leave it out."
)
DRAFT_PAGE = Path("incidents", "inc-0002", "index.html")
SEED_PAGE = Path("incidents", "inc-0001", "index.html")


@pytest.fixture
def draft(project: Path, cli_invoke: CliInvoke) -> Path:
    """A draft as `nexus-pm new` writes it, TODOs and all, beside the published seed."""
    result = cli_invoke(
        "new", "Disk full on the build runner", "--severity", "SEV3", "--service", "ci",
        "--date", "2025-11-20", "--no-input",
    )  # fmt: skip
    path = project / result.stdout.strip()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (data["id"], data["status"]) == ("INC-0002", "draft")
    assert find_placeholders(data)
    return path


def site_text(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".xml")
    }


def test_a_build_leaves_drafts_out(project: Path, draft: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke("build", "--site-dir", "out")
    site = project / "out"
    assert (site / SEED_PAGE).is_file()
    assert not (site / DRAFT_PAGE).exists()
    # Not on the index, a service or tag page, nor in the search index either.
    mentions = [name for name, text in site_text(site).items() if "INC-0002" in text]
    assert mentions == []
    assert BANNER not in (site / SEED_PAGE).read_text(encoding="utf-8")


def test_drafts_option_puts_them_in_with_a_banner(
    project: Path, draft: Path, cli_invoke: CliInvoke
) -> None:
    cli_invoke("build", "--site-dir", "out", "--drafts")
    site = project / "out"
    page = (site / DRAFT_PAGE).read_text(encoding="utf-8")
    assert page.count(BANNER) == 1
    assert BANNER_TEXT in page
    assert "Disk full on the build runner" in (site / "incidents" / "index.html").read_text("utf-8")
    # The published record gets no banner.
    assert BANNER not in (site / SEED_PAGE).read_text(encoding="utf-8")


def test_the_plugin_option_puts_drafts_in_too(
    project: Path, draft: Path, cli_invoke: CliInvoke
) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      templates_dir: templates\n" in text
    config.write_text(
        text.replace("      templates_dir: templates\n", "      templates_dir: templates\n      drafts: true\n"),
        encoding="utf-8",
    )  # fmt: skip
    cli_invoke("build", "--site-dir", "out")
    assert BANNER in (project / "out" / DRAFT_PAGE).read_text(encoding="utf-8")


def test_a_placeholder_past_draft_fails_the_build(
    project: Path, draft: Path, cli_invoke: CliInvoke
) -> None:
    # Leaving draft is a promise that the TODOs are written: the build holds the record to it.
    text = draft.read_text(encoding="utf-8")
    assert text.count('status: "draft"\n') == 1
    text = text.replace('status: "draft"\n', "status: in-review\n")
    draft.write_text(text, encoding="utf-8")
    result = cli_invoke("build", "--site-dir", "out", "--drafts", exit_code=1)
    shown = draft.relative_to(project).as_posix()
    lines = result.stderr.splitlines()
    placeholders = [line for line in lines if line.startswith(f"{shown}:")]
    # One line per placeholder, each on a line of the record that holds a TODO.
    assert len(placeholders) == len(find_placeholders(yaml.safe_load(text))) > 1, result.stderr
    for line in placeholders:
        number = int(line.split(":")[1])
        assert "TODO" in text.splitlines()[number - 1], line
        assert line.endswith(
            "still a placeholder (TODO) in a record that is in-review: "
            "write it, or set `status: draft`"
        )
    assert lines[-1] == f"{len(placeholders)} problems in 1 file"
    assert not (project / "out").exists()


def test_a_published_record_is_never_a_draft(project: Path, cli_invoke: CliInvoke) -> None:
    # The seed alone, built with --drafts: nothing changes for it.
    assert "status: published" in SEED.read_text(encoding="utf-8")
    cli_invoke("build", "--site-dir", "out", "--drafts")
    assert BANNER not in (project / "out" / SEED_PAGE).read_text(encoding="utf-8")
