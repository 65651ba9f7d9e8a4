"""Templates ship in the package; a repo's templates folder overrides them file by file."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexus_pm.markdown import url
from nexus_pm.render import Renderer, package_template
from nexus_pm.validate import load_records

from .conftest import ROOT, SEED

PACKAGED = ROOT / "nexus_pm" / "templates"


def test_packaged_templates_are_read_through_importlib_resources() -> None:
    found = package_template("incident.md.j2")
    assert found is not None
    assert found[0] == (PACKAGED / "incident.md.j2").read_text(encoding="utf-8")
    assert package_template("no-such.md.j2") is None


def test_the_repo_templates_folder_holds_no_template_only_how_to_override() -> None:
    assert sorted(p.name for p in (ROOT / "templates").iterdir()) == ["README.md"]


def test_a_missing_overrides_folder_changes_nothing(tmp_path: Path) -> None:
    records = load_records([SEED.parent])
    assert Renderer(tmp_path / "missing").site(records) == Renderer().site(records)


def test_an_override_replaces_only_its_own_file(tmp_path: Path) -> None:
    records = load_records([SEED.parent])
    (tmp_path / "index.md.j2").write_text("# Overridden\n", encoding="utf-8")
    ours, packaged = Renderer(tmp_path).site(records), Renderer().site(records)
    assert ours.pop("incidents/index.md") == "# Overridden\n"
    packaged.pop("incidents/index.md")
    assert ours == packaged


def test_an_override_of_an_included_template_is_used_where_it_is_included(
    tmp_path: Path,
) -> None:
    # The incident page includes _section.md.j2 for each supporting section.
    records = load_records([SEED.parent])
    (tmp_path / "_section.md.j2").write_text("## {{ section.title | one }} (ours)\n\n")
    ours, packaged = Renderer(tmp_path).site(records), Renderer().site(records)
    page = ours.pop("incidents/inc-0001.md")
    titles = [s.title for s in records[0].incident.sections]
    assert titles and all(f"\n## {title} (ours)\n" in page for title in titles)
    assert page != packaged.pop("incidents/inc-0001.md")
    assert ours == packaged


def test_output_without_a_filter_is_escaped() -> None:
    source = "{{ v }}|{{ v | one }}|{{ n }}|{{ n | number }}"
    page = Renderer().env.from_string(source).render(v="*a* <b>", n=1.5)
    # Each value is escaped as if it began a line, where `1.` would start a list.
    assert page == "&#42;a&#42; &#60;b&#62;|&#42;a&#42; &#60;b&#62;|&#49;.5|1.5"


def test_a_url_that_could_leave_its_link_is_refused() -> None:
    assert url("https://example.com/a?b=c") == "https://example.com/a?b=c"
    for bad in ("javascript:alert(1)", "https://x/>[a](b)", "https://x/ y"):
        with pytest.raises(ValueError, match="not a URL"):
            url(bad)
