"""Incident pages as finished HTML, with their table of contents, anchors and links.

What `incident.md.j2` would become through Python-Markdown and the site's extensions, made
directly from the page's view: MkDocs then has nothing left to convert on these pages.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markdown.extensions.toc import slugify as default_slugify
from markdown.extensions.toc import strip_tags, unique
from markupsafe import Markup, escape

from . import html_text as ht
from . import layout
from .followups import FollowUp
from .incident_view import Action, Event, IncidentView
from .layout import image_uri
from .overview import ServiceStats
from .record_parts import Fact
from .render import template_loader
from .views import IncidentRow

#: Turns a docs path and an anchor ("" for none) into the URL the page links to.
Linker = Callable[[str, str], str]
#: Turns code, its language and title into a highlighted block, as the site's fences do.
Coder = Callable[[str, str, str | None], str]


@dataclass(frozen=True)
class Anchors:
    """How headings get their ids and permalinks: the site's `toc` extension settings."""

    permalink: str | None = "&para;"
    permalink_class: str = "headerlink"
    permalink_title: str = "Permanent link"
    slugify: Callable[[str, str], str] = default_slugify
    separator: str = "-"


@dataclass
class Rendered:
    """One page's HTML, its headings as `toc` tokens, the ids it holds and the links it makes."""

    html: str
    toc: list[dict[str, Any]]
    ids: set[str]


class _Page:
    """The state of one page while it renders: heading ids, the tab sets, the links."""

    def __init__(self, anchors: Anchors, link: Linker, coder: Coder) -> None:
        self.anchors = anchors
        self.link_to = link
        self.coder = coder
        self.ids: set[str] = set()
        self.toc: list[dict[str, Any]] = []
        self.tab_sets = 0

    def heading(self, level: int, inner: Markup | str) -> Markup:
        inner = Markup(inner) if isinstance(inner, Markup) else Markup(html.escape(inner))
        name = strip_tags(str(inner))
        a = self.anchors
        anchor = unique(a.slugify(html.unescape(name), a.separator), self.ids)
        token = {"level": level, "id": anchor, "name": name, "children": []}
        # As the toc extension nests them: under the nearest heading of a higher level.
        siblings = self.toc
        while siblings and siblings[-1]["level"] < level:
            siblings = siblings[-1]["children"]
        siblings.append(token)
        link = ""
        if a.permalink is not None:
            link = f'<a class="{a.permalink_class}" href="#{anchor}" title="{a.permalink_title}">{a.permalink}</a>'
        return Markup(f'<h{level} id="{anchor}">{inner}{link}</h{level}>')

    def link(self, target: str, anchor: str = "") -> str:
        return self.link_to(target, anchor)

    def code(self, source: str, language: str = "text", title: str | None = None) -> Markup:
        return Markup(self.coder(source, language, title))

    def tabs(self, *tabs: tuple[str, Markup]) -> Markup:
        # pymdownx.tabbed's alternate style, numbered per page as it numbers them.
        self.tab_sets += 1
        n, count = self.tab_sets, len(tabs)
        inputs = "".join(
            f"<input {'checked=' + chr(34) + 'checked' + chr(34) + ' ' if i == 1 else ''}"
            f'id="__tabbed_{n}_{i}" name="__tabbed_{n}" type="radio" />'
            for i in range(1, count + 1)
        )
        self.ids.update(f"__tabbed_{n}_{i}" for i in range(1, count + 1))
        labels = "".join(
            f'<label for="__tabbed_{n}_{i}">{html.escape(label)}</label>'
            for i, (label, _) in enumerate(tabs, 1)
        )
        blocks = "".join(f'<div class="tabbed-block">\n{body}\n</div>\n' for _, body in tabs)
        return Markup(
            f'<div class="tabbed-set tabbed-alternate" data-tabs="{n}:{count}">{inputs}'
            f'<div class="tabbed-labels">{labels}</div>\n'
            f'<div class="tabbed-content">\n{blocks}</div>\n</div>'
        )


def _table(head: Sequence[object], rows: Iterable[Sequence[object]]) -> Markup:
    cells = "".join(f"<th>{escape(c)}</th>\n" for c in head)
    body = "".join(
        "<tr>\n" + "".join(f"<td>{escape(c)}</td>\n" for c in row) + "</tr>\n" for row in rows
    )
    return Markup(
        f"<table>\n<thead>\n<tr>\n{cells}</tr>\n</thead>\n<tbody>\n{body}</tbody>\n</table>"
    )


def _items(values: Iterable[object], tag: str = "ul") -> Markup:
    lis = [f"<li>{ht.one(v)}</li>\n" for v in values]
    return Markup(f"<{tag}>\n{''.join(lis)}</{tag}>") if lis else Markup("")


def _lead(label: str, value: object, repo: str | None = None) -> Markup:
    """`**Asked:** prose`: the label opens the prose's first paragraph."""
    blocks = ht.prose_blocks(value, repo)
    first = f"<p><strong>{html.escape(label)}</strong> {blocks[0] if blocks else ''}</p>"
    return Markup("\n".join([first, *(f"<p>{b}</p>" for b in blocks[1:])]))


def _prose_list(values: Iterable[object], tag: str, repo: str | None = None) -> Markup:
    """A list of prose items; one of several paragraphs holds them as `<p>`s."""
    lis = []
    for value in values:
        blocks = ht.prose_blocks(value, repo)
        inner = blocks[0] if len(blocks) == 1 else "\n".join(f"<p>{b}</p>" for b in blocks)
        lis.append(f"<li>{inner}</li>\n")
    return Markup(f"<{tag}>\n{''.join(lis)}</{tag}>")


def _timeline(events: Iterable[Event]) -> list[list[Markup]]:
    rows = []
    for e in events:
        when = ("~ " if e.approximate else "") + html.escape(e.when)
        if e.as_written:
            when += f"<br>(written {ht.cell(e.as_written)})"
        kind = f"<strong>{html.escape(e.kind.capitalize())}:</strong> " if e.kind else ""
        rows.append([Markup(when), Markup(kind) + ht.cell(e.text), ht.cell(e.who or "")])
    return rows


def _effort(v: IncidentView) -> list[list[Markup]]:
    rows = [[ht.cell(phase), ht.text(mins)] for phase, mins in v.effort]
    total = ht.text(v.effort_total or "")
    return [*rows, [Markup("<strong>Total</strong>"), Markup(f"<strong>{total}</strong>")]]


def _facts(facts: Iterable[Fact]) -> list[list[Markup]]:
    return [[ht.cell(f.label), ht.cell(f.value)] for f in facts]


def _actions(actions: Iterable[Action]) -> list[list[Markup]]:
    dash = Markup("—")
    rows = []
    for a in actions:
        text = ht.cell(a.text) + (Markup(f"<br><em>{ht.cell(a.when)}</em>") if a.when else "")
        owner = ht.cell(a.owner) if a.owner else Markup("<em>unowned</em>") if a.unowned else dash
        due = ht.text(a.due.isoformat()) if a.due else dash
        ticket = Markup(f'<a href="{ht.url(a.ticket)}">ticket</a>') if a.ticket else dash
        rows.append([text, ht.text(a.kind or "—"), owner, due, ht.text(a.status or "—"), ticket])
    return rows


def _follow_ups(items: Iterable[FollowUp], show_owner: bool, link: Linker) -> Markup:
    """A table of follow-ups, as `_followups.md.j2` makes it."""
    dash = Markup("—")
    head = ["Action", "Incident", *(["Owner"] if show_owner else []), "Kind", "Priority"]
    rows = []
    for a in items:
        incident = f'<a href="{escape(link(a.target, ""))}">{escape(a.incident)}: {ht.cell(a.incident_title)}</a>'
        row = [ht.cell(a.text), Markup(incident)]
        if show_owner:
            row.append(ht.cell(a.owner) if a.owner else Markup("<em>unowned</em>"))
        due = dash
        if a.due:
            late = f" <strong>overdue</strong> {a.days_overdue} d" if a.overdue else ""
            due = Markup(a.due.isoformat() + late)
        ticket = Markup(f'<a href="{ht.url(a.ticket)}">ticket</a>') if a.ticket else dash
        when = ht.cell(a.when) if a.when else dash
        row += [ht.text(a.kind or "—"), when, due, ht.text(a.status), ticket]
        rows.append(row)
    return _table([*head, "Due", "Status", "Ticket"], rows)


def _incidents(rows: Iterable[IncidentRow], link: Linker) -> Markup:
    """A table of incidents, as `_table.md.j2` makes it."""
    dash = Markup("—")

    def a(target: str, text: Markup | str) -> Markup:
        return Markup(f'<a href="{escape(link(target, ""))}">{escape(text)}</a>')

    cells = []
    for r in rows:
        title = Markup(f"{escape(r.id)}: {ht.cell(r.title)}")
        severity = a(r.severity.target, ht.text(r.severity.text)) if r.severity else dash
        services = Markup(", ").join(a(s.target, ht.cell(s.text)) for s in r.services)
        cells.append(
            [ht.text(r.date.isoformat()), a(r.target, title), severity, r.status, services]
        )
    return _table(("Date", "Incident", "Severity", "Status", "Services"), cells)


def _glance(stats: ServiceStats, link: Linker) -> list[list[Markup]]:
    """The rows of a service's "At a glance" table, as `group.md.j2` makes them."""

    def a(target: str, text: Markup, anchor: str = "") -> str:
        return f'<a href="{escape(link(target, anchor))}">{text}</a>'

    rows: list[list[object]] = [["Incidents", stats.count]]
    if stats.last:
        shown = Markup(f"{escape(stats.last.id)}: {ht.cell(stats.last.title)}")
        # The last incident is one of the group's own, so it has a page.
        last = a(stats.last.target, shown) if stats.last.target else shown
        rows.append(["Last incident", Markup(f"{last}, {stats.last_date}")])
    rows.append(["Median time to detect", stats.median_detect or "—"])
    rows.append(["Median time to resolve", stats.median_resolve or "—"])
    if stats.tags:
        tags = (f"{a(f'tags/{tag}.md', ht.cell(tag))} ({n})" for tag, n in stats.tags)
        rows.append(["Recurring tags", Markup(", ".join(tags))])
    if stats.rules:
        rules = (
            f"{a('rules.md', Markup(f'<code>{ht.text(rule)}</code>'), layout.slug(rule))} ({n})"
            for rule, n in stats.rules
        )
        rows.append(["Recurring rules", Markup(", ".join(rules))])
    return [[Markup(f"<strong>{escape(k)}</strong>"), escape(v)] for k, v in rows]


def environment(repo: str | None = None) -> jinja2.Environment:
    """Autoescaping Jinja over the packaged HTML templates; `repo` as for `Renderer`."""
    env = jinja2.Environment(
        loader=template_loader(None),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(ht.FILTERS)
    env.filters["slug"] = layout.slug
    env.filters["prose"] = functools.partial(ht.prose, repo=repo)
    env.globals.update(
        table=_table,
        items=_items,
        lead=functools.partial(_lead, repo=repo),
        prose_list=functools.partial(_prose_list, repo=repo),
        rows_timeline=_timeline,
        rows_effort=_effort,
        rows_facts=_facts,
        rows_actions=_actions,
        follow_ups=_follow_ups,
        incidents=_incidents,
        glance=_glance,
        image=image_uri,
    )
    return env


def render(
    env: jinja2.Environment,
    template: str,
    context: dict[str, Any],
    *,
    link: Linker,
    code: Coder,
    anchors: Anchors,
) -> Rendered:
    """A page from `template` and what it shows; `link` turns a docs path into a URL from it."""
    page = _Page(anchors, link, code)
    out = env.get_template(template).render(
        **context, h=page.heading, link=page.link, code=page.code, tabs=page.tabs
    )
    return Rendered(out, page.toc, page.ids)
