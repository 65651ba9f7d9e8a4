"""Building blocks of format 2: the base model, string types, URLs, paths, times and zones."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)

from .record_names import DEFAULT_SEVERITIES as DEFAULT_SEVERITIES
from .record_names import ID_PATTERN as ID_PATTERN
from .record_names import RULE_PATTERN as RULE_PATTERN
from .record_names import SLUG_PATTERN as SLUG_PATTERN
from .record_names import did_you_mean as did_you_mean

# Patterns end up in the JSON Schema, which editors and ajv run as ECMAScript
# regexes in unicode mode: no Python-only syntax, no escaped quotes.
LANGUAGE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9+#._-]{0,39}$"
REPO_PATH_PATTERN = r"^(?!.*(^|/)[.][.]?(/|$))[A-Za-z0-9._+@-]+(/[A-Za-z0-9._+@-]+)*$"
# Nor the invisible: zero-width characters, bidi marks, overrides and isolates, and the BOM,
# which make a link show as an address other than the one it opens.
_URL_TAIL = "[^\\s<>\"'`\\\\\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2069\\ufeff]"
URL_PATTERN = (
    f"^(https?://[A-Za-z0-9.-]+(:[0-9]{{1,5}})?([/?#]{_URL_TAIL}*)?"
    f"|mailto:{_URL_TAIL}+@{_URL_TAIL}+)$"
)
TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
TIME_FORMATS = "`2019-03-26 23:04` (read in the record's timezone) or `2019-03-26T23:04:00-07:00`"
_REPO_PATH_CHARS = re.compile(r"[A-Za-z0-9._+@/-]")
_BARE_TIME = re.compile(r"^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?(\s*[A-Za-z]{1,5})?$")
_OFFSET = re.compile(r"^(UTC)?([+-])([0-9]{2}):([0-9]{2})$")
_ABBREVIATION = re.compile(r"^[A-Z]{2,5}[0-9]*([A-Z]{2,4})?$")


class Model(BaseModel):
    """Base for every part of a record: unknown keys are errors, strings are trimmed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
        frozen=True,
    )


# Value caps keep a pathological file cheap to validate and to render.
MANY = 1000
FEW = 100


def many(description: str, most: int = FEW) -> Any:
    """An optional list field, empty by default, of at most `most` items."""
    return Field(default_factory=list, max_length=most, description=description)


def maybe(description: str) -> Any:
    """An optional field, None when absent."""
    return Field(None, description=description)


Line = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=80)]
# Error output, code and logs are kept exactly as pasted: leading spaces and the
# final newline are part of what a reader compares against their own terminal.
Verbatim = Annotated[
    str, StringConstraints(min_length=1, max_length=100_000, strip_whitespace=False)
]


def _number_as_written(value: Any) -> Any:
    # `value: 120` and a port in a table are numbers to YAML and figures to the
    # reader: keep them, as text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _text_or_number(min_length: int) -> WithJsonSchema:
    text = {"type": "string", "minLength": min_length, "maxLength": 2000}
    return WithJsonSchema({"anyOf": [text, {"type": "number"}]})


Value = Annotated[
    str,
    BeforeValidator(_number_as_written),
    StringConstraints(min_length=1, max_length=2000),
    _text_or_number(1),
]
Cell = Annotated[
    str, BeforeValidator(_number_as_written), StringConstraints(max_length=2000), _text_or_number(0)
]
Minutes = Annotated[float, Field(ge=0, le=525600)]
IncidentId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# A service's or tag's page is services/<slug>.md or tags/<slug>.md, beside the overview
# of them all at index.md, which a slug of that name would silently replace.
RESERVED_SLUGS = frozenset({"index"})


def _not_reserved(value: str) -> str:
    if value in RESERVED_SLUGS:
        raise ValueError("is a reserved name: services/index.md and tags/index.md are overviews")
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN), AfterValidator(_not_reserved)]
RuleId = Annotated[str, StringConstraints(pattern=RULE_PATTERN)]
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]


def _url(value: str) -> str:
    if not re.fullmatch(URL_PATTERN, value):
        raise ValueError(
            "must be an http, https or mailto URL, such as https://example.com/issue/1"
        )
    return value


def _pattern(pattern: str) -> Any:
    # The JSON Schema states the pattern that the validator checks in Python, with its words.
    return Field(json_schema_extra={"pattern": pattern})


Url = Annotated[
    str, StringConstraints(max_length=2000), AfterValidator(_url), _pattern(URL_PATTERN)
]


def _repo_path(value: str) -> str:
    # Checks and links open these paths, so they must stay inside the repo and
    # hold nothing a shell or a URL would read as syntax.
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
        raise ValueError("must be relative to the repo root, not absolute")
    if ".." in value.split("/"):
        raise ValueError("must stay inside the repo; '..' is not allowed")
    odd = "".join(sorted(set(_REPO_PATH_CHARS.sub("", value))))
    if odd:
        raise ValueError(f"may hold only ASCII letters, digits, '/' and . _ + @ -, not {odd!r}")
    if not re.fullmatch(REPO_PATH_PATTERN, value):
        raise ValueError("must be a plain path such as services/api/Dockerfile")
    return value


RepoPath = Annotated[
    str, StringConstraints(max_length=1000), AfterValidator(_repo_path), _pattern(REPO_PATH_PATTERN)
]


def _known(what: str, key: str) -> Callable[[str, ValidationInfo], str]:
    """A validator that checks a value against the list the caller passed as context[key]."""

    def check(value: str, info: ValidationInfo) -> str:
        allowed = (info.context or {}).get(key)
        if allowed is not None and value not in allowed:
            raise ValueError(f"{value!r} is not a known {what}{did_you_mean(value, allowed)}")
        return value

    return check


# What the default scale means; a team's own scale is shown without meanings.
SEVERITY_MEANING = {
    "SEV1": "Critical: a core product is down for most users, or data is lost.",
    "SEV2": "Major: a service or feature is unavailable for many users.",
    "SEV3": "Minor: degraded service with a workaround, or an internal outage.",
    "SEV4": "Low: no user impact; a near miss worth learning from.",
}


def _on_scale(value: str, info: ValidationInfo) -> str:
    # Teams grade on their own scale (P0-P4, SEV0-SEV3, ...); the record uses
    # theirs as written instead of translating it into ours.
    scale = (info.context or {}).get("severities") or DEFAULT_SEVERITIES
    if value not in scale:
        scale_text = ", ".join(scale)
        raise ValueError(
            f"{value!r} is not on the severity scale ({scale_text}){did_you_mean(value, scale)}"
        )
    return value


Service = Annotated[Slug, AfterValidator(_known("service", "services"))]
Tag = Annotated[Slug, AfterValidator(_known("tag", "tags"))]
Severity = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_on_scale)]


def _event_time(value: Any) -> Any:
    # A bare `14:54` says nothing about the day, and events of one incident
    # often span midnight; so every time carries its date.
    if isinstance(value, dt.datetime):
        return _placeable(value, str(value))
    if isinstance(value, dt.date):
        raise ValueError(f"{value} is a date without a time of day; write {TIME_FORMATS}")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        bare = f"{value // 60}:{value % 60:02d}"
        raise ValueError(
            f"is the number {value} (YAML reads an unquoted {bare} as minutes); "
            f"write the date and time: {TIME_FORMATS}"
        )
    if not isinstance(value, str):
        raise ValueError(f"must be a date and time such as {TIME_FORMATS}")
    text = value.strip()
    if text[:1] in ("±", "~"):
        raise ValueError(
            f"{text!r}: write the time without {text[0]!r} and mark it `approximate: true`"
        )
    if _BARE_TIME.match(text):
        raise ValueError(f"{text!r} has no date; write {TIME_FORMATS}")
    if not re.fullmatch(TIME_PATTERN, text):
        raise ValueError(f"{text!r} is not a date and time; write {TIME_FORMATS}")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date and time ({exc})") from None
    return _placeable(parsed, text)


def _placeable(value: dt.datetime, text: str) -> dt.datetime:
    # A page shows each time in the record's zone, up to a day away: in the first or the
    # last year Python can hold, that would step out of its calendar.
    if not 1 < value.year < 9999:
        raise ValueError(f"{text!r} is out of range; write a year from 0002 to 9998")
    return value


EventTime = Annotated[
    dt.datetime,
    BeforeValidator(_event_time),
    WithJsonSchema({"type": "string", "pattern": TIME_PATTERN}),
]


def _time_zone(value: str) -> str:
    # Abbreviations are ambiguous (CST is US Central and China Standard Time),
    # and fixed ones like PDT go wrong across a DST change: names or offsets only.
    if value in ("UTC", "Z") or _OFFSET.match(value):
        return value
    if _ABBREVIATION.fullmatch(value) and value != "GMT":
        raise ValueError(
            f"{value!r} is an abbreviation, and abbreviations are ambiguous: write an IANA "
            "name such as America/Los_Angeles, or a UTC offset such as -07:00"
        )
    if value not in _zone_names():
        raise ValueError(
            f"{value!r} is not a time zone: write UTC, an IANA name such as Europe/Copenhagen, "
            f"or a UTC offset such as +01:00{did_you_mean(value, sorted(_zone_names()))}"
        )
    return value


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(zoneinfo.available_timezones())
    return _ZONES


_ZONES: set[str] = set()

TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_time_zone)]


def zone(name: str) -> dt.tzinfo:
    """The tzinfo that a valid `timezone:` value names."""
    if name in ("UTC", "Z"):
        return dt.UTC
    offset = _OFFSET.match(name)
    if offset:
        sign = -1 if offset.group(2) == "-" else 1
        delta = dt.timedelta(hours=int(offset.group(3)), minutes=int(offset.group(4)))
        return dt.timezone(sign * delta)
    return zoneinfo.ZoneInfo(name)
