"""Command-line values read and checked, shared by `new` and `list`: a bad one is a UsageError."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

from .errors import UsageError
from .models import Status
from .record_types import DEFAULT_SEVERITIES, SLUG_PATTERN, did_you_mean

MAX_SLUG = 60
# C0, DEL and C1 controls and the non-characters: records may not hold them (the loader
# refuses what YAML cannot carry), so a value the user types is refused before it is written.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def slugify(title: str) -> str:
    """A file-name-safe slug: ASCII letters and digits joined by dashes, never a path."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        # Cut at a word boundary when there is one.
        slug = slug[: MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug


def parse_text(value: str, param: str, *, one_line: bool, limit: int) -> str:
    """Free text, stripped: valid UTF-8, not empty, no control characters, within `limit`."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(param, "the value is not valid UTF-8 text") from None
    value = value.replace("\r\n", "\n").strip()
    if not value:
        raise UsageError(param, "the value is empty")
    if one_line and ("\n" in value or "\r" in value):
        raise UsageError(param, "the value must be one line")
    if _CONTROL.search(value):
        raise UsageError(param, "the value contains a control character")
    if len(value) > limit:
        raise UsageError(param, f"the value is {len(value)} characters, over the limit of {limit}")
    return value


def parse_title(value: str) -> str:
    title = parse_text(value, "TITLE", one_line=True, limit=2000)
    if not slugify(title):
        raise UsageError("TITLE", f"{title!r} has no letters or digits to name the file after")
    return title


def parse_choice(value: str, choices: Sequence[str], option: str) -> str:
    """One of `choices`, matched without regard to case; a near miss gets a "did you mean"."""
    for choice in choices:
        if value.strip().lower() == choice.lower():
            return choice
    hint = did_you_mean(value.strip(), choices)
    raise UsageError(option, f"{value!r} is not one of {', '.join(choices)}{hint}")


def parse_severity(value: str, scale: Sequence[str] = DEFAULT_SEVERITIES) -> str:
    """A severity on the team's scale."""
    return parse_choice(value, scale, "--severity")


def parse_status(value: str) -> Status:
    return Status(parse_choice(value, [s.value for s in Status], "--status"))


def parse_date(value: str) -> dt.date:
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
            return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise UsageError("--date", f"{value!r} is not a calendar date written YYYY-MM-DD")


def parse_slugs(values: Iterable[str], param: str) -> list[str]:
    """Slugs from repeated options or a comma-separated answer, in order, without repeats."""
    found: list[str] = []
    for value in values:
        for part in (p.strip() for p in value.split(",")):
            if part and not re.fullmatch(SLUG_PATTERN, part):
                raise UsageError(
                    param, f"{part!r} is not a slug (lowercase letters, digits, '.', '_', '-')"
                )
            if part and part not in found:
                found.append(part)
    return found
