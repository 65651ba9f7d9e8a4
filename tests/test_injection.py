"""Hostile text in every field of a record shows as text in the built site, never as markup."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from nexus_pm.models import Incident

from .browser import hostile
from .conftest import PROJECT_PARTS, ROOT, SEED

# One payload for every free-text field: HTML and JS, Markdown and Jinja syntax,
# a way out of <title>, emoji and right-to-left text.
PAYLOAD = (
    "<script>alert('xss')</script> <img src=x onerror=alert(1)> "
    '<a href="javascript:alert(2)" onclick="alert(3)">click</a> </title><svg onload=alert(4)> '
    "[link](javascript:alert(5)) ![pic](x) {: onclick='alert(6)' } "
    "{{ 6*111111 }} {% if true %}JINJA{% endif %} {# note #} <!-- comment "
    "| pipe | cell | ``` fence ``` ~~~ &amp; &lt;b&gt; "
    "🚀 שלום עולם مرحبا \u202eRTL"
    # Every other kind of line break, each before a line Markdown would read as a block.
    '\r??? note "details"\u2028    indented code\x85=== "Tab"\u2029| x | y |\r\n---'
)
# Multi-line fields also get lines that Markdown reads as structure.
MULTILINE = PAYLOAD + "\n| a | b |\n| --- | --- |\n```\ncode\n```\n# heading\n    indented\n-->"
VISIBLE = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 6*111111 }}",
    "{% if true %}JINJA{% endif %}",
    "<!-- comment",
    "| pipe | cell |",
    "&amp; &lt;b&gt;",
    "🚀 שלום עולם مرحبا",
]
HOSTILE_ID = "INC-0666"
HOSTILE_PAGE = "incidents/inc-0666/index.html"
SEED_PAGE = "incidents/inc-0001/index.html"
TEXT_KINDS = {"Line": PAYLOAD, "Text": MULTILINE}


def free_text_fields(schema: dict[str, Any], defs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(field, schema) for each property of `schema`, with references resolved."""
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        chosen = next((o for o in options if o.get("type") != "null"), prop)
        if "$ref" in chosen:
            chosen = defs[chosen["$ref"].rsplit("/", 1)[-1]]
        yield name, chosen


def is_free_text(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "string" and not {"pattern", "enum", "format", "const"} & set(prop)


def poison(
    data: dict[str, Any], schema: dict[str, Any], defs: dict[str, Any], where: str
) -> list[str]:
    """Put the payload in every free-text field of `data` and of the objects it holds."""
    filled = []
    for name, prop in free_text_fields(schema, defs):
        path = f"{where}.{name}"
        if is_free_text(prop):
            data[name] = MULTILINE if prop.get("maxLength", 0) > 2000 else PAYLOAD
            filled.append(path)
        elif prop.get("type") == "array" and is_free_text(prop.get("items", {})):
            data[name] = [
                PAYLOAD,
                MULTILINE if prop["items"].get("maxLength", 0) > 2000 else PAYLOAD,
            ]
            filled.append(path)
        elif prop.get("type") == "array" and name in data:
            item = prop.get("items", {})
            if "$ref" in item:
                item = defs[item["$ref"].rsplit("/", 1)[-1]]
            for index, element in enumerate(data[name]):
                if isinstance(element, dict):
                    filled += poison(element, item, defs, f"{path}.{index}")
        elif prop.get("type") == "object" and isinstance(data.get(name), dict):
            filled += poison(data[name], prop, defs, path)
    return filled


def hostile_record() -> tuple[dict[str, Any], list[str]]:
    schema = Incident.model_json_schema()
    data = copy.deepcopy(yaml.safe_load(SEED.read_text(encoding="utf-8")))
    data["id"] = HOSTILE_ID
    data["related"] = ["INC-0001"]
    # Rule links need snippets in the rule's language, which the payload replaces.
    for item in data.get("prevention", {}).get("checklist", []):
        item.pop("check", None)
    filled = poison(data, schema, schema.get("$defs", {}), "incident")
    return data, filled


class Page(HTMLParser):
    """What a page holds: its elements with their attributes, script bodies and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.title: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if "script" in self._open:
            self.scripts.append(data)
        elif "title" in self._open:
            self.title.append(data)
        else:
            self.text.append(data)

    @classmethod
    def parse(cls, html: str) -> Page:
        page = cls()
        page.feed(html)
        page.close()
        return page

    def visible(self) -> str:
        return " ".join("".join(self.text).split())


def assert_inert(page: Page, where: str) -> None:
    """No element or attribute that came from the payload can run anything."""
    for tag, attrs in page.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{where}: <{tag}> has event handlers {handlers}"
        for name in ("href", "src", "action", "formaction", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith("javascript:") or value == "javascript:void(0)", (
                f"{where}: <{tag} {name}={value!r}>"
            )
        assert tag not in ("img", "iframe", "object", "embed", "base"), f"{where}: <{tag}>"
        if tag == "script":
            assert set(attrs) <= {"src", "id", "type"}, f"{where}: <script {attrs}>"
    for body in page.scripts:
        assert "alert(" not in body and "111111" not in body, f"{where}: script {body[:80]!r}"


def make_project(project: Path) -> Path:
    """A copy of the site's sources with only the seed record in `incidents/`."""
    project.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if part == "incidents" or not source.exists():
            continue
        if source.is_dir():
            shutil.copytree(source, project / part)
        else:
            shutil.copy2(source, project / part)
    (project / "incidents").mkdir()
    shutil.copy2(SEED, project / "incidents" / SEED.name)
    return project


def build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexus_pm", "build", "--site-dir", "site"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile"))
    data, _ = hostile_record()
    (project / "incidents" / "hostile.yaml").write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_the_payload_reaches_every_free_text_field() -> None:
    data, filled = hostile_record()
    Incident.model_validate(data)
    # Spot checks that the walk went deep, not just over the top level.
    for field in (
        "incident.title",
        "incident.summary",
        "incident.authors",
        "incident.symptom.error_output",
        "incident.symptom.error_language",
        "incident.symptom.observations.0.label",
        "incident.root_cause.steps.0.details",
        "incident.fix.changes.0.before.code",
        "incident.fix.changes.0.notes",
        "incident.implementation.0.command",
        "incident.verification.0.content",
        "incident.system_status.0.service",
        "incident.lessons.lucky",
        "incident.prevention.checklist.0.text",
        "incident.action_items.3.owner",
        "incident.access.0.commands",
        "incident.outcome.after",
        "incident.fix_pattern.scope",
        "incident.final_status.0.value",
        "incident.references.0.title",
    ):
        assert field in filled, field
    assert len(filled) > 100


def test_every_page_is_inert(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        assert_inert(Page.parse(path.read_text(encoding="utf-8")), str(path.relative_to(site)))


def test_no_template_syntax_was_evaluated(site: Path) -> None:
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "666666" not in text, path


def test_hostile_page_has_the_same_scripts_as_a_normal_one(site: Path) -> None:
    hostile = Page.parse((site / HOSTILE_PAGE).read_text(encoding="utf-8"))
    normal = Page.parse((site / SEED_PAGE).read_text(encoding="utf-8"))
    scripts = [attrs for tag, attrs in hostile.tags if tag == "script"]
    assert scripts == [attrs for tag, attrs in normal.tags if tag == "script"]
    assert len(hostile.scripts) == len(normal.scripts)


def test_payload_shows_as_text_on_the_page(site: Path) -> None:
    page = Page.parse((site / HOSTILE_PAGE).read_text(encoding="utf-8"))
    text = page.visible()
    for piece in VISIBLE:
        assert piece in text, piece
    # Every text field shows it: count the copies against the fields filled.
    _, filled = hostile_record()
    assert text.count("<script>alert('xss')</script>") >= len(filled) // 2


def test_line_breaks_in_text_start_no_markdown_blocks(site: Path) -> None:
    # The payload's CR, NEL, LS and PS each come before a line that Markdown would read
    # as a block: a collapsible, a code block, tabs, a table row, a rule or heading. The
    # hostile record has the seed's structure, so its page has the seed's blocks.
    blocks = {"details", "summary", "pre", "h1", "h2", "table", "tr", "td", "hr", "div"}

    def shape(page: Page) -> dict[str, int]:
        return dict(Counter(tag for tag, _ in page.tags if tag in blocks))

    hostile = Page.parse((site / HOSTILE_PAGE).read_text(encoding="utf-8"))
    normal = Page.parse((site / SEED_PAGE).read_text(encoding="utf-8"))
    assert shape(hostile) == shape(normal)


def test_title_element_holds_the_title_as_text(site: Path) -> None:
    page = Page.parse((site / HOSTILE_PAGE).read_text(encoding="utf-8"))
    title = " ".join("".join(page.title).split())
    assert title.startswith(f"{HOSTILE_ID}: <script>alert('xss')</script>")
    assert "</title><svg onload=alert(4)>" in title
    assert title.endswith("- nexus-pm postmortems")


def test_listings_show_the_title_as_text(site: Path) -> None:
    # The index, the service, tag and severity pages, and the related link on the seed.
    for uri in (
        "incidents/index.html",
        "services/voice-service/index.html",
        "tags/docker/index.html",
        "severity/sev2/index.html",
    ):
        page = Page.parse((site / uri).read_text(encoding="utf-8"))
        assert f"{HOSTILE_ID}: <script>alert('xss')</script>" in page.visible(), uri


def test_tag_chips_are_plain_slugs(site: Path) -> None:
    page = Page.parse((site / HOSTILE_PAGE).read_text(encoding="utf-8"))
    chips = [attrs for tag, attrs in page.tags if "md-tag" in (attrs.get("class") or "")]
    assert chips, "the hostile page shows its tags"
    data, _ = hostile_record()
    assert data["tags"], "the hostile record keeps the seed's tags"
    with pytest.raises(ValueError, match=r"must be a slug|should match pattern"):
        Incident.model_validate({**data, "tags": ["<script>x</script>"]})


def test_search_index_entries_are_inert_and_readable(site: Path) -> None:
    # Material writes search titles and texts into the page as HTML.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [d for d in index["docs"] if d["location"].startswith("incidents/inc-0666/")]
    assert entries
    seen = ""
    for entry in entries:
        for key in ("title", "text"):
            page = Page.parse(entry[key])
            assert_inert(page, f"search {entry['location']} {key}")
            seen += " " + page.visible()
    for piece in VISIBLE:
        assert piece in " ".join(seen.split()), piece


TITLE_LINE = 'title: {{ (v.row.id ~ ": " ~ v.row.title) | e | tojson }}'


@pytest.mark.parametrize(
    ("slip", "why"),
    [
        # Text after the quoted title: `title: "INC-0001: ...": x` is no YAML. (Raw output
        # of the title is no longer possible: `{{ }}` would escape it, `:` included.)
        ((TITLE_LINE, TITLE_LINE + ": x"), "mapping values are not allowed"),
        # A line before the front matter: MkDocs no longer sees it as front matter.
        (("is written as it is. #}\n---", "is written as it is. #}\n\n---"), "it must open"),
    ],
    ids=["unparsable", "not-at-the-top"],
)
def test_front_matter_mkdocs_cannot_read_fails_the_build(
    slip: tuple[str, str], why: str, tmp_path: Path
) -> None:
    # MkDocs would render such front matter as Markdown, silently: attribute lists
    # in it become live attributes. The plugin names the page and stops instead.
    project = make_project(tmp_path / "project")
    template = project / "templates" / "incident.md.j2"
    text = (ROOT / "nexus_pm" / "templates" / "incident.md.j2").read_text(encoding="utf-8")
    assert text.count(slip[0]) == 1
    template.write_text(text.replace(*slip), encoding="utf-8")
    result = build(project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "generated page incidents/inc-0001.md has front matter MkDocs cannot read: " + why
    ) in result.stderr
    assert not (project / "site").exists()


HOSTILE_NAME = 'x" autofocus onfocus="alert(1)" y=".yaml'


def test_edit_link_keeps_the_record_path_inside_its_href(tmp_path: Path) -> None:
    # The loader refuses such a name in incidents/, but a safely named symlink may point
    # into a subfolder whose names are not safe, and the edit link names the real file.
    project = make_project(tmp_path / "project")
    archive = project / "incidents" / 'old" onmouseover="alert(2)'
    archive.mkdir()
    text = SEED.read_text(encoding="utf-8").replace("id: INC-0001", "id: INC-0002")
    (archive / HOSTILE_NAME).write_text(text, encoding="utf-8")
    (project / "incidents" / "linked.yaml").symlink_to(Path(archive.name) / HOSTILE_NAME)
    result = build(project)
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "incidents" / "inc-0002" / "index.html").read_text("utf-8")
    page = Page.parse(html)
    assert_inert(page, "linked record")
    assert not [tag for tag, attrs in page.tags if {"autofocus", "onfocus"} & set(attrs)]
    [edit] = [attrs["href"] for tag, attrs in page.tags if attrs.get("rel") == "edit"]
    assert edit is not None and edit.startswith("http")
    assert edit.endswith(
        "/incidents/old%22%20onmouseover%3D%22alert%282%29/"
        "x%22%20autofocus%20onfocus%3D%22alert%281%29%22%20y%3D%22.yaml"
    )
    seed = Page.parse((project / "site" / SEED_PAGE).read_text("utf-8"))
    [seed_edit] = [attrs["href"] for tag, attrs in seed.tags if attrs.get("rel") == "edit"]
    assert seed_edit is not None and seed_edit.endswith(f"/incidents/{SEED.name}")


@pytest.fixture(scope="module")
def unguarded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("unguarded"))
    hostile.write_records(project / "incidents")
    result = hostile.build_unguarded(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_the_loader_refuses_a_u0080_title_and_a_hostile_file_name(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    hostile.write_records(project / "incidents")
    result = build(project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        f"incidents/{hostile.C1_FILE}:2: yaml: character U+0080 (written as an escape): "
        "YAML cannot carry it; remove it",
        f"incidents/{hostile.HOSTILE_NAME}:1: file: name may hold only letters, digits, "
        "'.', '_' and '-', not ' \"\\'='",
    ]
    assert not (project / "site").exists()


def unguarded_page(site: Path, incident_id: str) -> Page:
    return Page.parse((site / "incidents" / incident_id.lower() / "index.html").read_text("utf-8"))


@pytest.mark.parametrize("incident_id", [hostile.C1_ID, hostile.NAME_ID, hostile.BREAKS_ID])
def test_pages_stay_inert_without_the_loader_refusals(unguarded: Path, incident_id: str) -> None:
    page = unguarded_page(unguarded, incident_id)
    assert_inert(page, incident_id)
    assert not [tag for tag, attrs in page.tags if {"autofocus", "onfocus", "onerror"} & set(attrs)]
    assert not [tag for tag, _ in page.tags if tag in ("details", "summary", "blockquote")]


def test_a_u0080_title_is_the_title_not_markdown(unguarded: Path) -> None:
    page = unguarded_page(unguarded, hostile.C1_ID)
    title = "".join(page.title)
    assert title == f"{hostile.C1_ID}: {hostile.C1_TITLE} - nexus-pm postmortems"
    assert f"{hostile.C1_ID}: {hostile.C1_TITLE}" in page.visible()
    assert "title:" not in page.visible()  # the front matter was read, not shown


def test_a_hostile_file_name_is_quoted_in_the_edit_link(unguarded: Path) -> None:
    page = unguarded_page(unguarded, hostile.NAME_ID)
    [edit] = [attrs.get("href") or "" for tag, attrs in page.tags if attrs.get("rel") == "edit"]
    assert edit.endswith("/incidents/" + hostile.QUOTED_NAME)


def test_line_breaks_of_every_kind_start_no_blocks(unguarded: Path) -> None:
    page = unguarded_page(unguarded, hostile.BREAKS_ID)
    tags = [tag for tag, _ in page.tags]
    # One heading; four paragraphs (summary, symptom title and text, source); the symptom's
    # code block; two tables (the facts, the observations) of a header row and a row each.
    counts = [tags.count(tag) for tag in ("h1", "p", "pre", "table", "tr", "details")]
    assert counts == [1, 4, 1, 2, 4, 0]
