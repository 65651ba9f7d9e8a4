"""What "today" is for pages and commands that date things: given, from SOURCE_DATE_EPOCH, or now."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping

from .errors import UsageError

EPOCH_ENV = "SOURCE_DATE_EPOCH"


def parse_day(value: str, param: str = "--today") -> dt.date:
    """A calendar date written YYYY-MM-DD; anything else is a UsageError naming `param`."""
    text = value.strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(param, f"{value!r} is not a calendar date written YYYY-MM-DD")


def today(
    given: str | None = None, environ: Mapping[str, str] | None = None, param: str = "--today"
) -> dt.date:
    """`given`, else the UTC day of SOURCE_DATE_EPOCH (reproducible builds), else the current day."""
    if given is not None:
        return parse_day(given, param)
    env = os.environ if environ is None else environ
    epoch = env.get(EPOCH_ENV, "").strip()
    if epoch:
        if not re.fullmatch(r"[0-9]{1,12}", epoch):
            raise UsageError(EPOCH_ENV, f"{epoch!r} is not a number of seconds since 1970")
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()
