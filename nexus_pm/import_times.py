"""Times and dates as postmortems write them: `[03-26 23:04]`, `**16:58 UTC**`, `Jan 14, 10:18 AM`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# Fixed offsets of the abbreviations postmortems use. Each names one offset (PDT is
# always -07:00), so reading one is no guess; an ambiguous one (CST, IST) is not here.
ABBREVIATIONS = {
    "UTC": "UTC",
    "GMT": "UTC",
    "Z": "UTC",
    "PDT": "-07:00",
    "PST": "-08:00",
    "MDT": "-06:00",
    "MST": "-07:00",
    "CDT": "-05:00",
    "EDT": "-04:00",
    "EST": "-05:00",
    "CET": "+01:00",
    "CEST": "+02:00",
    "MEZ": "+01:00",
    "MESZ": "+02:00",
    "BST": "+01:00",
    "EET": "+02:00",
    "EEST": "+03:00",
    "JST": "+09:00",
    "AEST": "+10:00",
    "AEDT": "+11:00",
}
_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ZONE = r"(?:\s*\(?(?P<zone>UTC|GMT|Z|[ECMP][DS]T|CES?T|BST|EES?T|JST|AE[DS]T)(?P<off>\s*[+-\u2212]\s*\d{1,2}(?::?\d{2})?)?\)?)?"
_CLOCK = r"(?P<h>\d{1,2})[:.h](?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm>[ap]\.?m\.?)\b)?"
_AT = [
    # 2023-02-14 10:46, 2019-03-26T23:04
    rf"(?P<y>\d{{4}})-(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}})(?:[T ]|\s+-\s+|,\s*){_CLOCK}",
    # 24-10-2024 - 08:15, 24/10/2024 08:15
    rf"(?P<d>\d{{1,2}})[-/.](?P<mo>\d{{1,2}})[-/.](?P<y>\d{{4}})(?:\s+-\s+|,?\s+|T){_CLOCK}",
    # Jan 14, 10:18 AM; January 14, 2024 10:18; Jan 14 10:18
    rf"{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?(?:\s+(?P<y>\d{{4}}),?)?(?:\s+at)?\s+{_CLOCK}",
    # 14 Jan 2024 10:18
    rf"(?P<d>\d{{1,2}})\s+{_MONTH}(?:\s+(?P<y>\d{{4}}))?,?\s+{_CLOCK}",
    # 03-26 23:04 (month-day)
    rf"(?P<mo>\d{{1,2}})-(?P<d>\d{{1,2}})\s+{_CLOCK}",
    # 16:58, 03:26pm
    _CLOCK,
]
_LEAD = r"^(?P<open>\s*(?:\*\*|__)?\s*\[?\s*(?P<approx>±|~|≈|approx\.?\s+|around\s+|about\s+|ca\.\s+)?\s*)"
_TAIL = r"(?P<close>\s*\]?\s*(?:\*\*|__)?\s*\]?)(?P<sep>\s*(?:[-\u2013—:|]\s*|\s))?"
_ENTRY = [re.compile(_LEAD + f"(?P<when>{at}{_ZONE})" + _TAIL, re.IGNORECASE) for at in _AT]
_ZONE_LINE = re.compile(
    r"\b(?:all\s+|alle\s+)?(?:times?|zeiten)\s+(?:are\s+|is\s+|sind\s+)?"
    r"(?:(?:given|shown|listed|written|angegeben)\s+)?(?:in\s+)?"
    r"(?:the\s+)?(?P<zone>UTC|GMT|[A-Z]{3,4})\b(?:\s*\(\s*(?:UTC|GMT)\s*(?P<off>[+-\u2212]\s*\d{1,2}(?::?\d{2})?)\s*\))?",
    re.IGNORECASE,
)
_DATE = [
    re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\b"),
    re.compile(
        rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE
    ),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
    re.compile(r"\b(?P<d>\d{1,2})[-/.](?P<mo>\d{1,2})[-/.](?P<y>\d{4})\b"),
]


@dataclass(frozen=True)
class Moment:
    """A time found at the start of a timeline entry."""

    at: dt.datetime
    #: The zone the entry names: UTC or an offset such as -07:00; None when it names none.
    zone: str | None
    approximate: bool
    #: The time as the source wrote it, e.g. `03-26 23:04` or `16:58 UTC`.
    as_written: str
    #: True when the entry gave the day (so the next entries carry it forward).
    dated: bool
    #: The entry's text after the time and its separator.
    rest: str


def offset(zone: str | None, off: str | None) -> str | None:
    """`UTC` or a `-07:00` offset for a zone abbreviation with an optional `UTC-7`."""
    if off:
        text = off.replace("\u2212", "-").replace(" ", "")
        sign, digits = text[0], text[1:].replace(":", "")
        hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
        if int(hours) > 14 or int(minutes) > 59:
            return None
        return f"{sign}{int(hours):02d}:{minutes}"
    return ABBREVIATIONS.get(zone.upper()) if zone else None


def zone_line(text: str) -> str | None:
    """The zone a line such as "All times in PDT (UTC-7)." states, as UTC or an offset."""
    match = _ZONE_LINE.search(text)
    if not match:
        return None
    return offset(match.group("zone"), match.group("off"))


def parse_date(text: str) -> dt.date | None:
    """The first calendar date in `text`: 2025-11-09, November 9, 2025, 9 Nov 2025, 24-10-2024."""
    for pattern in _DATE:
        for match in pattern.finditer(text):
            found = _date(match.groupdict(), None)
            if found is not None:
                return found
    return None


def entry_time(text: str, day: dt.date, *, alone: bool = False) -> Moment | None:
    """The time an entry starts with, its date carried from `day` when it gives none.

    With `alone` (a table cell) the time may be all there is."""
    for pattern in _ENTRY:
        match = pattern.match(text)
        if match is None:
            continue
        parts = match.groupdict()
        clock = _clock(parts)
        when = _date(parts, day)
        if clock is None or when is None:
            continue
        rest = text[match.end() :].strip()
        if not rest and not match.group("sep") and not alone:
            continue
        dated = parts.get("d") is not None
        written = ((parts.get("approx") or "") + match.group("when")).strip()
        return Moment(
            at=dt.datetime.combine(when, clock),
            zone=offset(parts.get("zone"), parts.get("off")),
            approximate=bool(parts.get("approx")),
            as_written=written,
            dated=dated,
            rest=rest,
        )
    return None


def _clock(parts: dict[str, str | None]) -> dt.time | None:
    hour, minute = int(parts["h"] or 0), int(parts["m"] or 0)
    second = int(parts["s"] or 0)
    ampm = (parts.get("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def _date(parts: dict[str, str | None], day: dt.date | None) -> dt.date | None:
    if parts.get("d") is None:
        return day
    month = MONTHS.get((parts.get("mon") or "").lower()[:4].rstrip("."))
    if month is None and parts.get("mon"):
        month = MONTHS.get((parts.get("mon") or "").lower()[:3])
    if month is None:
        month = int(parts.get("mo") or 0) or None
    year = int(parts.get("y") or 0) or (day.year if day else None)
    if month is None or year is None:
        return None
    try:
        return dt.date(year, month, int(parts["d"] or 0))
    except ValueError:
        return None
