"""Have we seen this error? Records matched against a pasted log, shown as lines or JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .checks.escape import json_safe, plain
from .errors import NexusError, Problem, display_path
from .layout import page_uri, page_url
from .loader import Record, locate
from .signatures import Index, build_index, match, pattern_problem, source_of

if TYPE_CHECKING:
    from .models import Incident

__all__ = [
    "MAX_INPUT_BYTES",
    "Hit",
    "Shown",
    "check_patterns",
    "fix_line",
    "index_records",
    "seen",
    "seen_in",
    "to_json",
    "to_text",
]

#: A log longer than this is read from its end: that is where a failed run's error is.
MAX_INPUT_BYTES = 8 * 1024 * 1024
# The fix as one terminal line: its first sentence, cut at this many characters.
_FIX_CHARS = 160
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)", re.DOTALL)


@dataclass(frozen=True)
class Hit:
    """One matching incident, as `nexus-pm match` shows it; texts are raw (escaped on output)."""

    id: str
    title: str
    url: str | None
    score: float
    line_no: int
    #: The pasted line that matched, and what of the incident it matched.
    line: str
    matched: str
    how: str
    fix: str | None


@dataclass(frozen=True)
class Shown:
    """What a hit shows of its incident besides the line that matched."""

    id: str
    title: str
    fix: str | None


def fix_line(incident: Incident) -> str | None:
    """The fix in one line: the first sentence of `fix.summary`, or the first change's title."""
    fix = incident.fix
    if fix is None:
        return None
    text = ""
    if fix.summary:
        summary = " ".join(fix.summary.split())
        found = _SENTENCE.match(summary)
        text = found.group(1) if found else summary
    elif fix.changes:
        text = " ".join(fix.changes[0].title.split())
    if len(text) > _FIX_CHARS:
        text = text[: _FIX_CHARS - 1].rstrip() + "…"
    return text or None


def check_patterns(records: Sequence[Record]) -> None:
    """A NexusError if a signature pattern of `records` has no word in it."""
    problems = [
        Problem(
            display_path(record.path),
            locate(record.text, ("signatures", number)),
            f"signatures.{number}",
            problem,
        )
        for record in records
        for number, pattern in enumerate(record.incident.signatures)
        if (problem := pattern_problem(pattern))
    ]
    if problems:
        raise NexusError(problems)


def index_records(records: Sequence[Record]) -> Index:
    """The match index of `records`; a signature pattern with no word in it is a problem."""
    check_patterns(records)
    # Sorted by id: the index, and so every tie, is the same whatever the records' order.
    return build_index(source_of(r.incident) for r in sorted(records, key=lambda r: r.incident.id))


def seen(
    text: str,
    records: Sequence[Record],
    *,
    site_url: str | None = None,
    directory_urls: bool = True,
    limit: int = 10,
) -> list[Hit]:
    """The incidents among `records` whose errors `text` holds, best first."""
    shown = {
        r.incident.id: Shown(r.incident.id, r.incident.title, fix_line(r.incident)) for r in records
    }
    index = index_records(records)
    return seen_in(
        text, index, shown, site_url=site_url, directory_urls=directory_urls, limit=limit
    )


def seen_in(
    text: str,
    index: Index,
    shown: Mapping[str, Shown],
    *,
    site_url: str | None = None,
    directory_urls: bool = True,
    limit: int = 10,
) -> list[Hit]:
    """The incidents of `index` whose errors `text` holds, best first; `shown` by id."""
    hits = []
    for found in match(text, index, limit=limit):
        incident = shown[found.incident]
        hits.append(
            Hit(
                incident.id,
                incident.title,
                page_url(site_url, page_uri(incident), directory_urls=directory_urls),
                found.score,
                found.line_no,
                found.line,
                found.matched,
                found.how,
                incident.fix,
            )
        )
    return hits


def to_text(hits: Sequence[Hit]) -> str:
    """Each hit as a few lines: id and title, the line that matched, the fix and the link."""
    blocks = []
    for hit in hits:
        lines = [
            f"{hit.id}  {plain(hit.title)}  (score {hit.score:.2f})",
            f"  line {hit.line_no}: {plain(hit.line.strip())} ≈ {hit.id}",
        ]
        if hit.fix:
            lines.append(f"  fix: {plain(hit.fix)}")
        if hit.url:
            lines.append(f"  {plain(hit.url)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def to_json(hits: Sequence[Hit]) -> str:
    """A JSON array of the hits, best first, with DEL, C1 and bidi characters escaped."""
    return json_safe(json.dumps([asdict(hit) for hit in hits], indent=2, ensure_ascii=False)) + "\n"
