"""Render records into Markdown pages through the Jinja2 templates in `nexus_pm/templates/`."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from . import markdown as md
from .checks.links import rule_entries
from .checks.registry import META_RULES
from .clock import today as default_today
from .connections import Connections, connections
from .errors import display_path
from .followups import followups_view
from .incident_view import incident_view
from .layout import image_uri, page_uri, relative
from .loader import Record
from .memo import Memos
from .overview import overview_view, service_stats
from .overviews import Group, checklist, group_view, groups_view, rule_view
from .record_types import DEFAULT_SEVERITIES
from .views import incident_row

__all__ = ["Renderer", "template_environment"]


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
        # Neither output is HTML: `finalize` and the filters escape for Markdown or YAML.
        autoescape=False,
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Renderer:
    """Holds the template environment and turns records into pages."""

    #: What `serve` keeps between rebuilds of the pages over many records.
    memos: Memos | None = None

    def __init__(
        self,
        templates_dir: Path | None = None,
        severities: Sequence[str] = DEFAULT_SEVERITIES,
        repo_files: str | None = None,
        today: dt.date | None = None,
    ) -> None:
        """`repo_files` is the web address that repo paths are appended to, e.g.
        `https://github.com/org/repo/blob/HEAD/`; without it they show as text. `today`
        dates the overview and follow-ups; default: `clock.today()`."""
        self.severities = tuple(severities)
        self.today = today or default_today()
        # Whatever a template writes without a filter is escaped: only Safe passes as it is.
        self.env = template_environment(templates_dir, finalize=md.finalize)
        self.env.filters.update(md.FILTERS)
        # Repo paths in prose link to the file in the repo's web view, when it has one.
        self.env.filters["prose"] = lambda value: md.prose(value, repo=repo_files)
        self.repo_files = repo_files
        #: With `site(html=True)`: each page made as HTML, its template and what it shows.
        self.views: dict[str, tuple[str, dict[str, Any]]] = {}

    def _render(self, template: str, uri: str, **context: Any) -> str:
        return "".join(self._stream(template, uri, **context))

    def _stream(self, template: str, uri: str, **context: Any) -> Iterator[str]:
        """The page, in the pieces Jinja renders it in: a caller may stop early."""
        start = posixpath.dirname(uri)

        def link(target: str) -> md.Safe:
            return md.path(relative(target, start))

        return self.env.get_template(template).generate(
            link=link, image=image_uri, uri=uri, **context
        )

    def incident(
        self, record: Record, by_id: dict[str, Record], kb: Connections | None = None
    ) -> str:
        return self._render(
            "incident.md.j2",
            page_uri(record.incident),
            v=incident_view(record, by_id, display_path(record.path)),
            kb=kb or Connections(),
        )

    def site(self, records: Sequence[Record], *, html: bool = False) -> dict[str, str]:
        """Every generated page, keyed by its path in the docs tree; with `html`, an incident
        page, the follow-ups, the incident index and the service and severity pages are only
        their front matter and heading, and their views go in `views`."""
        by_id = {r.incident.id: r for r in records}
        kb = connections(records, self.memos)
        if html:
            pages = {}
            for r in records:
                uri = page_uri(r.incident)
                view = incident_view(r, by_id, display_path(r.path))
                self.views[uri] = ("incident.html.j2", {"v": view, "kb": kb[r.incident.id]})
                pages[uri] = self._render("_front.md.j2", uri, v=view)
        else:
            pages = {
                page_uri(r.incident): self.incident(r, by_id, kb[r.incident.id]) for r in records
            }
        # Tag pages stay Markdown: Material's tags plugin fills in the listing they hold.
        as_html = {"services", "severity"} if html else set()
        groups = self.groups(records)
        for kind, members in groups.items():
            for group in members:
                stats = service_stats(group.records) if kind == "services" else None
                context = {"v": group_view(group), "stats": stats}
                pages[group.uri] = self._page("group", group.uri, context, kind in as_html)
            uri = f"{kind}/index.md"
            pages[uri] = self._render("groups.md.j2", uri, v=groups_view(kind, members))
        rows = {"rows": [incident_row(r) for r in records]}
        pages["incidents/index.md"] = self._page("index", "incidents/index.md", rows, html)
        pages["checklist.md"] = self._render(
            "checklist.md.j2", "checklist.md", entries=checklist(records)
        )
        pages["overview.md"] = self._render(
            "overview.md.j2", "overview.md", v=overview_view(records, self.severities, self.today)
        )
        follow_ups = {"v": followups_view(records, self.today)}
        pages["follow-ups.md"] = self._page("follow-ups", "follow-ups.md", follow_ups, html)
        rules = [rule_view(e) for e in rule_entries(records)]
        meta = [(rule_id, title, why) for rule_id, (title, why) in META_RULES.items()]
        pages["rules.md"] = self._render("rules.md.j2", "rules.md", rules=rules, meta=meta)
        return dict(sorted(pages.items()))

    def _page(self, name: str, uri: str, context: dict[str, Any], html: bool) -> str:
        """Page `name`.md.j2; with `html`, only its front matter and heading, which give MkDocs
        its title, while its view waits in `views` for `name`.html.j2."""
        if not html:
            return self._render(f"{name}.md.j2", uri, **context)
        self.views[uri] = (f"{name}.html.j2", context)
        # Rendered only as far as the heading: the tables below it took most of the time.
        page = ""
        for piece in self._stream(f"{name}.md.j2", uri, **context):
            page += piece
            at = 0 if page.startswith("# ") else page.find("\n# ") + 1
            end = page.find("\n", at) if at or page.startswith("# ") else -1
            if end >= 0:
                return page[: end + 1]
        return page

    def groups(self, records: Iterable[Record]) -> dict[str, list[Group]]:
        found: dict[str, dict[str, Group]] = defaultdict(dict)
        for severity in self.severities:
            found["severity"][severity] = Group("severity", severity)
        for record in records:
            i = record.incident
            keys = [("services", s) for s in i.services] + [("tags", t) for t in i.tags]
            if i.severity:
                keys.append(("severity", i.severity))
            for kind, name in keys:
                found[kind].setdefault(name, Group(kind, name)).records.append(record)
        # Severities keep the scale's order, worst first; names sort.
        return {
            "services": sorted(found["services"].values(), key=lambda g: g.name),
            "tags": sorted(found["tags"].values(), key=lambda g: g.name),
            "severity": list(found["severity"].values()),
        }
