"""The small views every page shares: links, incident rows, durations and times as shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .layout import group_uri, page_uri
from .loader import Record
from .models import Incident


@dataclass(frozen=True)
class Link:
    """Text and the docs path it links to."""

    text: str
    target: str


@dataclass(frozen=True)
class Titled:
    """A link to an incident page, shown as its id and title."""

    id: str
    title: str
    target: str | None


def titled(record: Record) -> Titled:
    return Titled(record.incident.id, record.incident.title, page_uri(record.incident))


@dataclass(frozen=True)
class IncidentRow:
    """One incident in a table of incidents."""

    date: dt.date
    id: str
    title: str
    target: str
    severity: Link | None
    status: str
    services: tuple[Link, ...]


def incident_row(record: Record) -> IncidentRow:
    i = record.incident
    return IncidentRow(
        i.date, i.id, i.title, page_uri(i), severity_link(i), i.status.value, service_links(i)
    )


def severity_link(i: Incident) -> Link | None:
    return Link(i.severity, group_uri("severity", i.severity)) if i.severity else None


def service_links(i: Incident) -> tuple[Link, ...]:
    return tuple(Link(s, group_uri("services", s)) for s in i.services)


def duration(delta: dt.timedelta) -> str:
    """`45 s`, `9 min`, `2 h 5 min`, `3 d 4 h`: as precise as a reader needs."""
    seconds = int(abs(delta.total_seconds()))
    sign = "-" if delta.total_seconds() < 0 else ""
    if seconds < 60:
        return f"{sign}{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{sign}{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{sign}{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{sign}{days} d" + (f" {hours} h" if hours else "")


def minutes(value: float) -> str:
    """Minutes as a reader writes them: `2`, `1.5`."""
    return f"{value:g}"


def moment(when: dt.datetime, zone_name: str | None) -> str:
    """A time in the record's zone: `2019-03-26 23:04`, with the offset when no zone is set."""
    text = when.strftime("%Y-%m-%d %H:%M")
    if when.second:
        text += when.strftime(":%S")
    if zone_name is None and when.utcoffset() is not None:
        text += " " + when.strftime("%z")[:3] + ":" + when.strftime("%z")[3:]
    return text
