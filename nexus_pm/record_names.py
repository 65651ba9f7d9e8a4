"""What a record's ids and slugs look like and the default scale, without pydantic's import."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

# Patterns end up in the JSON Schema, which editors and ajv run as ECMAScript
# regexes in unicode mode: no Python-only syntax, no escaped quotes.
ID_PATTERN = r"^INC-[0-9]{4,6}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"
RULE_PATTERN = r"^[a-z0-9-]+/[a-z0-9-]+$"
DEFAULT_SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")


def did_you_mean(value: str, choices: Sequence[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, ignoring case, or nothing."""
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean {lowered[close[0]]!r}?" if close else ""
