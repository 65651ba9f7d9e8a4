"""Render records into Markdown pages through the Jinja2 templates in `nexus_pm/templates/`."""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from .checks.links import rule_entries
from .checks.registry import META_RULES
from .errors import display_path
from .loader import Record
from .models import SEVERITY_MEANING, Incident, Severity
from .yamlsafe import UNCARRIED

# Characters that Markdown, its extensions (attr_list, emoji, tables, arithmatex)
# or HTML could read as syntax anywhere in a line. Writing them as numeric
# character references makes them plain text whatever extension sees them.
_SPECIAL = "\\`*_{}[]()#!|<>&:~^$"
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# These only mean something at the start of a line: lists, rules, setext headings, tabs
# (===) and collapsible blocks (???).
_LINE_START = re.compile(r"^([-+=?]|\d+(?=[.)]))")
# What str.splitlines() breaks lines on, as Jinja's `indent` filter does (and Markdown, for
# a lone CR). Each becomes \n before escaping, so every line is escaped where it starts.
_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# The languages a record may ask to highlight: those whose Pygments lexers stay linear on
# pathological input (tests/test_render.py times each on 100 KB of it). Many others do
# not: `c#` takes minutes on 20,000 characters of `a\n`, and `yaml`, `console`, `ini`,
# `javascript`, `java`, `go`, `html` and `xml` each have an input as bad. They show as text.
LANGUAGES = frozenset(
    {
        *("text", "bash", "sh", "shell", "zsh", "python", "py", "python3", "pycon", "pytb"),
        *("json", "toml", "dockerfile", "docker", "diff", "sql", "rust"),
    }
)
# YAML reads none of UNCARRIED raw, and reads NEL, LS and PS as line breaks; JSON's \u
# escapes carry them all through the front matter as they are.
_NOT_RAW_IN_YAML = re.compile(f"[\x85\u2028\u2029]|{UNCARRIED.pattern}")


def escape(value: object) -> str:
    """Plain text, safe in a Markdown paragraph, list item, heading or table cell."""
    return _unindent(_lines(value).translate(_ESCAPES))


def inline(value: object) -> str:
    """Like `escape`, but `backtick spans` become code, as authors expect."""
    text = _lines(value)
    parts: list[str] = []
    pos = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(text[pos : match.start()].translate(_ESCAPES))
        # The <code> element is raw inline HTML, and Python-Markdown still runs
        # inline patterns inside it, so its text is escaped like any other.
        code = match.group(2).strip().replace("\n", " ")
        parts.append("<code>" + code.translate(_ESCAPES) + "</code>")
        pos = match.end()
    parts.append(text[pos:].translate(_ESCAPES))
    return _unindent("".join(parts))


def _lines(value: object) -> str:
    return _BREAK.sub("\n", str(value))


def _unindent(text: str) -> str:
    # Leading spaces would turn a line into an indented code block.
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(_LINE_START.sub(_entity, line) for line in lines)


def _entity(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(c)};" for c in match.group(0))


def one(value: object) -> str:
    """Inline text on a single line, for headings and list items."""
    return " ".join(inline(value).split("\n"))


def cell(value: object) -> str:
    """Text for one table cell: one line, pipes escaped."""
    return inline(value).replace("\n", "<br>")


def fence(code: str, language: str = "text", title: str | None = None) -> str:
    """A fenced code block whose fence no line of `code` can close."""
    code = _lines(code)
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    lang = language.strip().lower()
    if lang not in LANGUAGES:
        lang = "text"
    head = f"{ticks}{lang}"
    if title:
        one_line = " ".join(_lines(title).split("\n"))  # a break would end the opening line
        head += f' title="{html.escape(one_line, quote=True)}"'
    return f"{head}\n{code.rstrip(chr(10))}\n{ticks}"


def to_json(value: object) -> str:
    """A JSON value for front matter, where it is read as YAML."""
    # Non-ASCII stays as it is: YAML reads JSON's surrogate-pair escapes of an
    # emoji as two lone surrogates, fails, and MkDocs then renders the whole
    # front matter as Markdown, links and all.
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_RAW_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or "x"


def package_template(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    """A template shipped in `nexus_pm/templates/`, read through importlib.resources."""
    resource = resources.files("nexus_pm").joinpath("templates", *split_template_path(name))
    if not resource.is_file():
        return None
    # The package does not change while the process runs.
    return resource.read_text(encoding="utf-8"), str(resource), lambda: True


def template_loader(overrides: Path | None) -> jinja2.BaseLoader:
    """The packaged templates, each replaced by a file of the same name in `overrides`."""
    package = jinja2.FunctionLoader(package_template)
    if overrides is None:
        return package
    # A missing folder overrides nothing: FileSystemLoader simply finds no file in it.
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(overrides)), package])


def template_environment(
    overrides: Path | None, finalize: Callable[[Any], Any] | None = None
) -> jinja2.Environment:
    """Strict Jinja2 over the templates, for output that is Markdown or YAML, not HTML."""
    return jinja2.Environment(
        loader=template_loader(overrides),
        undefined=jinja2.StrictUndefined,
        # Neither output is HTML: each template escapes values with its own filters.
        autoescape=False,
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class Group:
    """Incidents that share a service, tag or severity."""

    kind: str
    name: str
    records: list[Record] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return f"{self.kind}/{self.name.lower()}.md"


@dataclass
class ChecklistEntry:
    """One de-duplicated prevention item and the incidents it came from."""

    text: str
    checks: list[str]
    records: list[Record]


def page_uri(incident: Incident) -> str:
    return f"incidents/{incident.id.lower()}.md"


class Renderer:
    """Holds the template environment and turns records into pages."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        self.env = template_environment(templates_dir)
        self.env.filters.update(
            t=inline, one=one, text=escape, cell=cell, fence=fence, slug=slug, tojson=to_json
        )
        self.env.globals.update(SEVERITY_MEANING=SEVERITY_MEANING, page_uri=page_uri)

    def _render(self, template: str, uri: str, **context: Any) -> str:
        start = posixpath.dirname(uri)

        def link(target: str) -> str:
            return _relative(target, start)

        return self.env.get_template(template).render(link=link, uri=uri, **context)

    def incident(self, record: Record, by_id: dict[str, Record]) -> str:
        return self._render(
            "incident.md.j2",
            page_uri(record.incident),
            r=record,
            i=record.incident,
            source=display_path(record.path),
            related=[by_id[x] for x in record.incident.related if x in by_id],
        )

    def site(self, records: Sequence[Record]) -> dict[str, str]:
        """Every generated page, keyed by its path in the docs tree."""
        by_id = {r.incident.id: r for r in records}
        pages = {page_uri(r.incident): self.incident(r, by_id) for r in records}
        groups = self.groups(records)
        for kind, members in groups.items():
            for group in members:
                pages[group.uri] = self._render("group.md.j2", group.uri, group=group)
            uri = f"{kind}/index.md"
            pages[uri] = self._render("groups.md.j2", uri, kind=kind, groups=members)
        pages["incidents/index.md"] = self._render(
            "index.md.j2", "incidents/index.md", records=records
        )
        pages["checklist.md"] = self._render(
            "checklist.md.j2", "checklist.md", entries=checklist(records)
        )
        pages["rules.md"] = self._render(
            "rules.md.j2", "rules.md", rules=rule_entries(records), meta=META_RULES
        )
        return dict(sorted(pages.items()))

    @staticmethod
    def groups(records: Iterable[Record]) -> dict[str, list[Group]]:
        found: dict[str, dict[str, Group]] = defaultdict(dict)
        for record in records:
            i = record.incident
            keys = [("services", s) for s in i.services] + [("tags", t) for t in i.tags]
            keys.append(("severity", i.severity.value))
            for kind, name in keys:
                found[kind].setdefault(name, Group(kind, name)).records.append(record)
        for severity in Severity:
            found["severity"].setdefault(severity.value, Group("severity", severity.value))
        return {
            kind: sorted(found[kind].values(), key=lambda g: g.name)
            for kind in ("services", "tags", "severity")
        }


@functools.lru_cache(maxsize=16384)
def _relative(target: str, start: str) -> str:
    # Group pages link the same few thousand targets from a handful of folders; rooting
    # both paths also spares relpath an os.getcwd() call on every link.
    return posixpath.relpath("/" + target, "/" + start)


def checklist(records: Iterable[Record]) -> list[ChecklistEntry]:
    """Every incident's checklist items, merged where the text is the same."""
    merged: dict[str, ChecklistEntry] = {}
    # `record in entry.records` compared whole records field by field: quadratic.
    listed: set[tuple[str, str]] = set()
    for record in records:
        for item in record.incident.prevention.checklist:
            key = " ".join(item.text.casefold().split())
            entry = merged.setdefault(key, ChecklistEntry(item.text, [], []))
            if item.check and item.check not in entry.checks:
                entry.checks.append(item.check)
            if (key, record.incident.id) not in listed:
                listed.add((key, record.incident.id))
                entry.records.append(record)
    return sorted(merged.values(), key=lambda e: e.text.casefold())
