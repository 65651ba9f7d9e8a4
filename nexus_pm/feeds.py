"""The site's machine-readable exports: an Atom feed and `incidents.json` of published records."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .layout import page_uri, page_url
from .loader import Record
from .memo import ByRecord
from .models import Status

FEED = "feed.xml"
EXPORT = "incidents.json"
ATOM = "http://www.w3.org/2005/Atom"
_LOCAL = "http://localhost/"
# Entries are the newest incidents; a feed reader keeps what it has already seen.
FEED_ENTRIES = 50


def published(records: Sequence[Record]) -> list[Record]:
    """The records the feeds carry: published ones, newest first (then by id)."""
    chosen = [r for r in records if r.incident.status is Status.PUBLISHED]
    return sorted(chosen, key=lambda r: (r.incident.date, r.incident.id), reverse=True)


def _href(site_url: str | None, page: str, directory_urls: bool) -> str:
    """The page's public URL, or without a site_url one relative to the feed at the root."""
    url = page_url(site_url or _LOCAL, page, directory_urls=directory_urls) or ""
    return url if site_url else url.removeprefix(_LOCAL)


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom(
    records: Sequence[Record], title: str, site_url: str | None, directory_urls: bool = True
) -> str:
    """An Atom 1.0 feed; ElementTree escapes every text and attribute it writes."""
    ET.register_namespace("", ATOM)
    chosen = published(records)[:FEED_ENTRIES]

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", title)
    sub(feed, "id", site_url or "urn:nexus-pm:incidents")
    newest = chosen[0].incident.date if chosen else dt.date(1970, 1, 1)
    sub(feed, "updated", _stamp(newest))
    # Atom wants an author on the feed or on every entry; the site stands in for the team.
    sub(sub(feed, "author"), "name", title)
    sub(feed, "link", href=_href(site_url, "index.md", directory_urls) or "./")
    if site_url:
        sub(feed, "link", rel="self", href=site_url.rstrip("/") + "/" + FEED)
    for record in chosen:
        i = record.incident
        href = _href(site_url, page_uri(i), directory_urls)
        entry = sub(feed, "entry")
        sub(entry, "title", f"{i.id}: {i.title}")
        sub(entry, "id", href if site_url else f"urn:nexus-pm:incident:{i.id}")
        sub(entry, "updated", _stamp(i.date))
        sub(entry, "link", href=href)
        for name in i.authors:
            sub(sub(entry, "author"), "name", name)
        sub(entry, "summary", i.summary)
        for term in [i.severity, *i.services, *i.tags]:
            if term:
                sub(entry, "category", term=term)
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def export(records: Sequence[Record], memo: ByRecord[str] | None = None) -> str:
    """Every published record as the JSON Schema describes it, by id.

    With `memo` (serve), a record's entry is written again only when the record changed.
    """
    chosen = sorted(published(records), key=lambda r: r.incident.id)
    if memo is None:
        data = [r.incident.model_dump(mode="json") for r in chosen]
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    if not chosen:
        return "[]\n"
    # A list's items are written one level in and joined by ",\n": each item as it stands in
    # a list of one is the same text, so the whole is the same bytes as the line above.
    return "[\n" + ",\n".join(memo.all(chosen, _entry)) + "\n]\n"


def _entry(record: Record) -> str:
    one = [record.incident.model_dump(mode="json")]
    return json.dumps(one, indent=1, ensure_ascii=False, sort_keys=False)[2:-2]
