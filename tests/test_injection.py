"""Hostile text in every field of a record shows as text in the built site, never as markup."""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from nexus_pm.layout import page_uri
from nexus_pm.loader import load_file
from nexus_pm.models import Incident
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records

from .browser import hostile
from .conftest import PROJECT_PARTS, ROOT, SEED
from .pagefind_index import fragments

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
# Fields of at most 80 characters (a priority, a phase, a time as written) get the worst of it.
SHORT = "<img src=x onerror=alert(1)>{{ 6*111111 }}[x](javascript:alert(5))|\u2028---"
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
# Each filled field ends with its own mark, to find it on the page: ` ⟨0042⟩`.
MARK_ROOM = 7
HOSTILE_ID, TWIN_ID = "INC-0666", "INC-0667"
HOSTILE_PAGE = "incidents/inc-0666/index.html"
TWIN_PAGE = "incidents/inc-0667/index.html"
SEED_PAGE = "incidents/inc-0001/index.html"
# What URL fields hold: valid http(s) URLs, full of Markdown, attribute-list and table syntax.
HOSTILE_URL = "https://evil.example/x)](javascript:alert(7)){:onclick=alert(8)}|x|&#106;s"
IMAGE = "incidents/evidence/graph.png"
# Checked against the team's lists (the severity scale, zone names): no free text passes.
CHECKED = {("Incident", "severity"), ("Incident", "timezone")}
# A rule written in a checklist item must prove itself on the record's snippets, so a
# payload cannot fill its patterns; its texts are poisoned in a test of their own below.
RULE_MODELS = {"RuleSpec", "QueryMatch", "DockerfileMatch"}
# Kept for the error matching of a later release; no page shows them yet.
NOT_SHOWN = {("Incident", "signatures")}
# A later prose filter may render this Markdown subset; nothing else may come of a payload.
MARKDOWN_SUBSET = {"a": {"href", "title"}, "code": set(), "em": set(), "strong": set()}
# What the twin keeps of a payload: its line breaks, and the backticks of its code spans.
KEPT = "\r\n\x85\u2028\u2029`"


def plain(text: str) -> str:
    """`text` with every other character made an `x`: the same lines and code spans, no syntax."""
    return "".join(c if c in KEPT else "x" for c in text)


def resolve(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name, defs[name]
    return None, schema


def chosen(
    prop: dict[str, Any], defs: dict[str, Any], value: Any = None
) -> tuple[str | None, dict[str, Any]]:
    """The model and schema a value of `prop` follows: None left out, a block by its kind."""
    options = [
        resolve(o, defs)
        for o in prop.get("anyOf", prop.get("oneOf", [prop]))
        if o != {"type": "null"}
    ]
    if isinstance(value, dict) and "kind" in value:
        for name, option in options:
            if option.get("properties", {}).get("kind", {}).get("const") == value["kind"]:
                return name, option
    return options[0]


def is_free_text(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "string" and not {"pattern", "enum", "format", "const"} & set(prop)


def text_items(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """For a list of text, or a list of rows of text (a table's cells): the text's schema."""
    if prop.get("type") != "array":
        return None
    _, item = chosen(prop.get("items", {}), defs)
    if item.get("type") == "array":
        _, item = chosen(item.get("items", {}), defs)
    return item if is_free_text(item) else None


def free_text_fields(schema: dict[str, Any]) -> set[tuple[str, str]]:
    """(model, field) for every field of the record that holds free text, lists of it included."""
    defs = schema.get("$defs", {})
    found = set()
    for model, part in {"Incident": schema, **defs}.items():
        for name, prop in part.get("properties", {}).items():
            _, kind = chosen(prop, defs)
            if model in RULE_MODELS:
                continue
            if (is_free_text(kind) or text_items(kind, defs)) and (model, name) not in CHECKED:
                found.add((model, name))
    return found


@dataclass
class Poisoner:
    """Puts a payload, or its plain twin, in every free-text field of a record."""

    defs: dict[str, Any]
    twin: bool = False
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # path: (model, field)
    marks: dict[str, str] = field(default_factory=dict)  # path: its mark

    def text(self, prop: dict[str, Any], path: str, owner: tuple[str, str]) -> str:
        limit = prop.get("maxLength", 0)
        payload = next(p for p in (MULTILINE, PAYLOAD, SHORT) if len(p) + MARK_ROOM <= limit)
        mark = f"⟨{len(self.marks):04d}⟩"
        self.fields[path], self.marks[path] = owner, mark
        return f"{plain(payload) if self.twin else payload} {mark}"

    def walk(self, data: dict[str, Any], schema: dict[str, Any], model: str, where: str) -> None:
        for name, prop in schema.get("properties", {}).items():
            if (model, name) in CHECKED:
                continue
            path, value = f"{where}.{name}", data.get(name)
            part, kind = chosen(prop, self.defs, value)
            text = text_items(kind, self.defs)
            if is_free_text(kind):
                data[name] = self.text(kind, path, (model, name))
            elif text is not None:
                # Lists keep their length (a table stays rectangular); missing ones get two.
                items = value or [None, None]
                data[name] = [
                    [self.text(text, f"{path}.{n}.{m}", (model, name)) for m in range(len(item))]
                    if isinstance(item, list)
                    else self.text(text, f"{path}.{n}", (model, name))
                    for n, item in enumerate(items)
                ]
            elif kind.get("type") == "array" and isinstance(value, list):
                for n, element in enumerate(value):
                    if isinstance(element, dict):
                        part, item = chosen(kind.get("items", {}), self.defs, element)
                        self.walk(element, item, part or model, f"{path}.{n}")
            elif kind.get("type") == "object" and isinstance(value, dict):
                self.walk(value, kind, part or model, path)


def png() -> bytes:
    """A 1x1 white PNG, for the record's image block."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
        + chunk(b"IEND", b"")
    )


def with_every_part(data: dict[str, Any]) -> dict[str, Any]:
    """The seed with the parts it lacks: a timeline, figures, a full action item, more blocks."""
    data["timezone"] = "UTC"
    data["timeline"] = [
        {"at": "2025-11-09 10:00", "kind": "started", "text": "x"},
        {"at": "2025-11-09 10:02", "approximate": True, "kind": "detected", "text": "x"},
        {"at": "2025-11-09T11:09:00+01:00", "kind": "resolved", "text": "x"},
    ]
    data["impact"]["figures"] = [{"label": "x", "value": "x"}]
    data["cause"]["analysis"]["steps"].append({"finding": "x"})
    data["action_items"].append(
        # No horizon, so the timeframe is what the page shows.
        {
            "text": "x",
            "kind": "prevent",
            "status": "open",
            "due": "2025-12-01",
            "ticket": HOSTILE_URL,
        }
    )
    data["sections"].append(
        {
            "title": "x",
            "blocks": [
                {"kind": "image", "path": IMAGE, "alt": "x"},
                {"kind": "links", "links": [{"title": "x", "url": HOSTILE_URL}]},
                {"kind": "text", "text": "x"},
            ],
        }
    )
    data["related"] = {
        "incidents": ["INC-0001"],
        "links": [{"title": "x", "url": HOSTILE_URL}, {"title": "x"}],
    }
    # Rule links need snippets in the rule's language, which the payload replaces.
    for item in data["prevention"]["checklist"]:
        item.pop("check", None)
    return data


@dataclass
class Hostile:
    """A record with a payload in every free-text field, and where each one went."""

    data: dict[str, Any]
    fields: dict[str, tuple[str, str]]
    marks: dict[str, str]

    @property
    def filled(self) -> list[str]:
        return list(self.fields)


def hostile_record(*, twin: bool = False) -> Hostile:
    """The hostile record; its `twin` has the same shape, every payload made plain."""
    schema = Incident.model_json_schema()
    data = with_every_part(copy.deepcopy(yaml.safe_load(SEED.read_text(encoding="utf-8"))))
    data["id"] = TWIN_ID if twin else HOSTILE_ID
    poisoner = Poisoner(schema.get("$defs", {}), twin=twin)
    poisoner.walk(data, schema, "Incident", "incident")
    return Hostile(data, poisoner.fields, poisoner.marks)


class Page(HTMLParser):
    """What a page holds: its elements with their attributes, script bodies and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        # The elements outside code blocks, whose insides Pygments splits into spans.
        self.outline: list[tuple[str, frozenset[str]]] = []
        self.in_code: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.title: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if "pre" in self._open:
            self.in_code.append(tag)
        else:
            self.outline.append((tag, frozenset(name for name, _ in attrs)))
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


URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "data", "poster", "xlink:href")


def scheme(value: str) -> str:
    # Browsers drop whitespace and controls anywhere in a URL's scheme: `java\tscript:`.
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", value)
    try:
        return urlsplit(squeezed).scheme.lower()
    except ValueError:
        return "unreadable"


def assert_inert(page: Page, where: str) -> None:
    """No element or attribute that came from the payload can run anything."""
    for tag, attrs in page.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{where}: <{tag}> has event handlers {handlers}"
        for name in URL_ATTRIBUTES:
            value = attrs.get(name) or ""
            if value and value.strip().lower() != "javascript:void(0)":
                assert scheme(value) in ("", "http", "https", "mailto"), (
                    f"{where}: <{tag} {name}={value!r}>"
                )
        assert "srcdoc" not in attrs, f"{where}: <{tag} srcdoc>"
        assert tag not in ("iframe", "object", "embed", "base", "frame"), f"{where}: <{tag}>"
        if tag == "img":
            # Only the record's image block, published from the repo, shows an image.
            assert set(attrs) <= {"src", "alt", "title"}, f"{where}: <img {attrs}>"
            assert (attrs.get("src") or "").endswith("assets/repo/" + IMAGE), (
                f"{where}: <img {attrs}>"
            )
        if tag == "script":
            assert set(attrs) <= {"src", "id", "type"}, f"{where}: <script {attrs}>"
    for tag in page.in_code:
        assert tag in ("span", "code"), f"{where}: <{tag}> inside a code block"
    for body in page.scripts:
        assert "alert(" not in body and "111111" not in body, f"{where}: script {body[:80]!r}"


def assert_same_outline(hostile_page: Page, twin_page: Page, where: str) -> None:
    """The payload added no element but the Markdown subset, and took none away."""
    hostile, twin = Counter(hostile_page.outline), Counter(twin_page.outline)
    assert twin - hostile == Counter(), f"{where}: elements lost: {twin - hostile}"
    for (tag, attrs), count in (hostile - twin).items():
        assert tag in MARKDOWN_SUBSET and attrs <= MARKDOWN_SUBSET[tag], (
            f"{where}: {count} x <{tag} {sorted(attrs)}> came from the payload"
        )


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


def write_hostile_records(project: Path) -> None:
    (project / IMAGE).parent.mkdir(parents=True, exist_ok=True)
    (project / IMAGE).write_bytes(png())
    for name, record in (
        ("hostile.yaml", hostile_record()),
        ("twin.yaml", hostile_record(twin=True)),
    ):
        (project / "incidents" / name).write_text(
            yaml.safe_dump(record.data, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile"))
    write_hostile_records(project)
    return project


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def page(site: Path, uri: str) -> Page:
    return Page.parse((site / uri).read_text(encoding="utf-8"))


def test_the_payload_reaches_every_free_text_field() -> None:
    record = hostile_record()
    Incident.model_validate(record.data)
    # Every field of every model that holds free text, so a new field cannot be missed.
    expected = free_text_fields(Incident.model_json_schema())
    assert set(record.fields.values()) == expected
    # Spot checks that the walk went deep, into every part that reaches a page.
    for path in (
        "incident.title",
        "incident.summary",
        "incident.authors.0",
        "incident.commander",
        "incident.responders.1",
        "incident.timeline.0.text",
        "incident.timeline.0.who",
        "incident.timeline.2.as_written",
        "incident.effort.0.phase",
        "incident.impact.text",
        "incident.impact.details.0",
        "incident.impact.figures.0.label",
        "incident.impact.figures.0.value",
        "incident.detection",
        "incident.errors.0.title",
        "incident.errors.0.where",
        "incident.errors.0.output",
        "incident.cause.summary",
        "incident.cause.root_causes.0",
        "incident.cause.trigger",
        "incident.cause.contributing_factors.2",
        "incident.cause.analysis.method",
        "incident.cause.analysis.steps.0.question",
        "incident.cause.analysis.steps.0.details.0",
        "incident.cause.analysis.steps.3.result",
        "incident.fix.summary",
        "incident.fix.changes.0.title",
        "incident.fix.changes.0.before.code",
        "incident.fix.changes.0.notes.0",
        "incident.fix.steps.0.command",
        "incident.fix.steps.1.duration",
        "incident.action_items.0.text",
        "incident.action_items.3.owner",
        "incident.action_items.9.priority",
        "incident.action_items.9.timeframe",
        "incident.lessons.summary",
        "incident.lessons.learned.0",
        "incident.lessons.lucky.1",
        "incident.lessons.groups.0.title",
        "incident.lessons.groups.1.items.3",
        "incident.prevention.practices.0",
        "incident.prevention.checklist.0.text",
        "incident.sections.0.title",
        "incident.sections.0.text",
        "incident.sections.0.blocks.0.facts.0.label",
        "incident.sections.0.blocks.0.facts.0.value",
        "incident.sections.1.blocks.0.columns.0",
        "incident.sections.1.blocks.0.rows.1.1",
        "incident.sections.2.blocks.0.content",
        "incident.sections.5.blocks.0.items.0",
        "incident.sections.4.blocks.0.code",
        "incident.sections.4.blocks.0.title",
        "incident.sections.8.blocks.0.alt",
        "incident.sections.8.blocks.0.caption",
        "incident.sections.8.blocks.1.links.0.title",
        "incident.sections.8.blocks.2.text",
        "incident.related.links.0.title",
    ):
        assert path in record.fields, path
    assert len(record.filled) > 290
    # The URLs are the record's own, hostile but valid.
    assert record.data["action_items"][9]["ticket"] == HOSTILE_URL
    assert record.data["related"]["links"][0]["url"] == HOSTILE_URL


def test_the_twin_has_the_hostile_record_s_shape() -> None:
    hostile_one, twin = hostile_record(), hostile_record(twin=True)
    assert twin.fields == hostile_one.fields
    dumped = json.dumps(twin.data, default=str)
    assert "<" not in dumped and "{{" not in dumped
    Incident.model_validate(twin.data)


def test_every_page_is_inert(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        assert_inert(Page.parse(path.read_text(encoding="utf-8")), str(path.relative_to(site)))


def test_the_payload_adds_no_element_and_removes_none(site: Path) -> None:
    # The twin has the same fields filled with plain x's: any element or attribute on the
    # hostile page that the twin's lacks came from a payload. Code blocks are left out:
    # the highlighter splits a payload into more spans than a run of x's.
    assert_same_outline(page(site, HOSTILE_PAGE), page(site, TWIN_PAGE), HOSTILE_PAGE)


def test_no_template_syntax_was_evaluated(site: Path) -> None:
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "666666" not in text, path


def test_hostile_page_has_the_same_scripts_as_a_normal_one(site: Path) -> None:
    hostile_page, normal = page(site, HOSTILE_PAGE), page(site, SEED_PAGE)
    scripts = [attrs for tag, attrs in hostile_page.tags if tag == "script"]
    assert scripts == [attrs for tag, attrs in normal.tags if tag == "script"]
    assert len(hostile_page.scripts) == len(normal.scripts)


def test_payload_shows_as_text_on_the_page(site: Path) -> None:
    hostile_page = page(site, HOSTILE_PAGE)
    text = hostile_page.visible()
    for piece in VISIBLE:
        assert piece in text, piece
    record = hostile_record()
    assert text.count("<script>alert('xss')</script>") >= len(record.filled) // 2
    # Every field that reaches the page shows its own payload there, mark and all.
    # An image's alt text is what readers who cannot see it are shown.
    text += " ".join(attrs.get("alt") or "" for tag, attrs in hostile_page.tags if tag == "img")
    shown = {owner for path, owner in record.fields.items() if record.marks[path] in text}
    assert set(record.fields.values()) - shown == NOT_SHOWN


def test_line_breaks_in_text_start_no_markdown_blocks(site: Path) -> None:
    # The payload's CR, NEL, LS and PS each come before a line that Markdown would read
    # as a block: a collapsible, a code block, tabs, a table row, a rule or heading. The
    # twin has the same line breaks without the syntax, so its page has the same blocks.
    blocks = {"details", "summary", "pre", "h1", "h2", "h3", "h4", "table", "tr", "td"}
    blocks |= {"hr", "div", "ul", "ol", "li", "p", "blockquote", "br", "img"}

    def shape(page: Page) -> dict[str, int]:
        return dict(Counter(tag for tag, _ in page.tags if tag in blocks))

    assert shape(page(site, HOSTILE_PAGE)) == shape(page(site, TWIN_PAGE))


def test_urls_stay_whole_link_destinations(site: Path) -> None:
    # The ticket, the links block and the related link hold `)](javascript:...)`, an
    # attribute list and `|`: each stays one http link, and the table keeps its cells.
    hostile_page = page(site, HOSTILE_PAGE)
    hrefs = [attrs.get("href") for tag, attrs in hostile_page.tags if tag == "a"]
    # The `|` is percent-encoded, so it cannot end a table cell; `&#106;` is a character
    # reference, which HTML reads as `j` as Markdown meant (it cannot make a scheme).
    whole = html.unescape(HOSTILE_URL.replace("|", "%7C"))
    assert hrefs.count(whole) == 3, [h for h in hrefs if h and "evil" in h]
    assert not [h for h in hrefs if h and "evil" in h and h != whole]


def test_the_image_block_shows_the_repo_image_with_its_alt_text(site: Path) -> None:
    hostile_page = page(site, HOSTILE_PAGE)
    [image] = [attrs for tag, attrs in hostile_page.tags if tag == "img"]
    record = hostile_record()
    # As written, backticks too (alt text cannot hold code), one space for each line break.
    alt = record.data["sections"][8]["blocks"][0]["alt"]
    assert " ".join((image["alt"] or "").split()) == " ".join(alt.split())
    assert (site / "assets" / "repo" / IMAGE).read_bytes() == png()


FENCED = re.compile(r"^( *)(`{3,})[^`\n]*\n.*?^\1\2$", re.MULTILINE | re.DOTALL)


def test_generated_markdown_holds_no_raw_html(project: Path) -> None:
    # Before MkDocs: every `<` in the page's Markdown is one the template wrote (code, a line
    # break in a cell, a link destination), so no record text is raw HTML, whatever later
    # renders prose; and no link destination is anything but an http(s) URL or a page.
    record = load_file(project / "incidents" / "hostile.yaml")
    seed = load_file(project / "incidents" / SEED.name)
    by_id = {r.incident.id: r for r in (record, seed)}
    page_text = Renderer(project / "templates").incident(record, by_id)
    # The front matter is YAML, read for the <title>: its title is HTML-escaped JSON.
    _, front, body = page_text.split("---\n", 2)
    assert "<" not in front and ">" not in front
    assert yaml.safe_load(front)["title"].startswith(f"{HOSTILE_ID}: &lt;script&gt;")
    # Code blocks hold record text verbatim, behind a fence no line of it can close.
    text = FENCED.sub("", body)
    # An error, two snippets, three commands, six code, log and JSON blocks.
    assert len(FENCED.findall(page_text)) == 1 + 2 + 3 + 6
    # So no tag, and no `onerror=` in one: the payload's own `<` are all character references.
    odd = re.findall(r"<(?!code>|/code>|br>|https://)[^\n]{0,40}", text)
    assert odd == []
    assert text.count("&#60;script&#62;") >= 100
    assert "javascript:" not in re.sub(r"<https://[^>\n]*>", "", text)
    destinations = re.findall(r"\]\((<[^>\n]*>|[^)\s]*)\)", text)
    assert destinations
    for target in destinations:
        assert target.startswith("<https://") or not scheme(target), target


def test_title_element_holds_the_title_as_text(site: Path) -> None:
    hostile_page = page(site, HOSTILE_PAGE)
    title = " ".join("".join(hostile_page.title).split())
    assert title.startswith(f"{HOSTILE_ID}: <script>alert('xss')</script>")
    assert "</title><svg onload=alert(4)>" in title
    assert title.endswith("- nexus-pm postmortems")


def test_listings_show_the_title_as_text(site: Path) -> None:
    # The index, the service, tag and severity pages.
    for uri in (
        "incidents/index.html",
        "services/voice-service/index.html",
        "tags/docker/index.html",
        "severity/sev2/index.html",
    ):
        listing = page(site, uri)
        assert f"{HOSTILE_ID}: <script>alert('xss')</script>" in listing.visible(), uri


def test_checklist_page_shows_the_items_as_text(site: Path) -> None:
    checklist = page(site, "checklist/index.html")
    assert_inert(checklist, "checklist")
    record = hostile_record()
    for n in range(len(record.data["prevention"]["checklist"])):
        assert record.marks[f"incident.prevention.checklist.{n}.text"] in checklist.visible(), n


def test_tag_chips_are_plain_slugs(site: Path) -> None:
    hostile_page = page(site, HOSTILE_PAGE)
    chips = [attrs for tag, attrs in hostile_page.tags if "md-tag" in (attrs.get("class") or "")]
    assert chips, "the hostile page shows its tags"
    data = hostile_record().data
    assert data["tags"], "the hostile record keeps the seed's tags"
    with pytest.raises(ValueError, match=r"must be a slug|should match pattern"):
        Incident.model_validate({**data, "tags": ["<script>x</script>"]})


def test_the_search_index_holds_the_hostile_text_as_text(site: Path) -> None:
    # Pagefind keeps the text a page shows, which the search box puts in as text
    # (tests/browser/test_search.py runs it); Material's index, which writes into the page
    # as HTML, holds nothing.
    page = fragments(site)["incidents/inc-0666/"]
    shown = " ".join(page.content.split())
    for piece in VISIBLE:
        assert piece in shown, piece
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []


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
    # The front matter of an incident page comes from its own template.
    template = project / "templates" / "_front.md.j2"
    text = (ROOT / "nexus_pm" / "templates" / "_front.md.j2").read_text(encoding="utf-8")
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
        f"incidents/{hostile.C1_FILE}:3: yaml: character U+0080 (written as an escape): "
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
    # One title; headings for the timeline, errors, action items, lessons (and its group),
    # the section and the similar incidents; seven paragraphs (the link to all incidents,
    # the summary, the time zone, the section's text, the facts block's title, the similar
    # incidents' introduction, the source); the error's code
    # block; four tables (key facts, timeline, action items, facts) of 5, 2, 2 and 2 rows;
    # and a <br> for each of the six breaks in each of the six table cells that hold them.
    found = {tag: tags.count(tag) for tag in ("h1", "h2", "h3", "p", "pre", "table", "tr", "br")}
    assert found == {"h1": 1, "h2": 6, "h3": 1, "p": 7, "pre": 1, "table": 4, "tr": 11, "br": 36}
    assert not {"details", "summary", "blockquote"} & set(tags)
    assert tags.count("hr") == 1  # the template's own, before the source


def test_a_rule_written_in_a_record_shows_its_texts_escaped() -> None:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["prevention"]["checklist"].append(
        {
            "text": "No root " + PAYLOAD[:200],
            "rule": {
                "id": "dockerfile/no-root-copy",
                "title": "Copy " + SHORT,
                "message": "copied as root " + PAYLOAD[:300],
                "fix": "chown " + SHORT,
                "files": ["**/Dockerfile*"],
                "regex": "/root/[.]local",
            },
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents" / "seed.yaml"
        path.parent.mkdir()
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        records = load_records([path.parent])
    pages = Renderer().site(records)
    for uri in ("rules.md", "checklist.md", page_uri(records[0].incident)):
        # Escaped, the payload's tags are text: no `<` of theirs is left for HTML to read.
        assert not re.search(r"<(script|img|a )", pages[uri], re.IGNORECASE), uri
    assert "copied as root" in pages["rules.md"]
