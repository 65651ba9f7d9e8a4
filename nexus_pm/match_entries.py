"""What `match` keeps of one valid record, and that as JSON data, checked when read back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .loader import Record
from .seen import Shown, fix_line
from .signature_index import Prepared, prepare, source_of
from .signature_store import words

__all__ = ["Known", "cross_checked", "decode", "encode", "entry_hash", "known_of"]


@dataclass(frozen=True)
class Known:
    """What `match` needs of one valid record, and what it checks across records."""

    shown: Shown
    prepared: Prepared
    #: The ids it relates, which must exist; whether it writes a rule in its checklist,
    #: which other records' proofs may use.
    related: tuple[str, ...]
    rules: bool


def known_of(record: Record) -> Known:
    """What the cache keeps of a record whose signature patterns have been checked."""
    incident = record.incident
    return Known(
        Shown(incident.id, incident.title, fix_line(incident)),
        prepare(source_of(incident)),
        tuple(incident.related.incidents),
        any(item.rule is not None for item in incident.prevention.checklist),
    )


def cross_checked(knowns: Iterable[Known]) -> bool:
    """The rules that span records (cross_record_problems): ids unique, related ids exist."""
    ids: set[str] = set()
    related: set[str] = set()
    count = 0
    for known in knowns:
        ids.add(known.shown.id)
        related.update(known.related)
        count += 1
    return len(ids) == count and related <= ids


def encode(known: Known, hashed: str) -> dict[str, Any]:
    """A Known as JSON data, with the hash of its file's bytes."""
    shown, prepared = known.shown, known.prepared
    return {
        "hash": hashed,
        "id": shown.id,
        "title": shown.title,
        "fix": shown.fix,
        "related": list(known.related),
        "rules": known.rules,
        # Tokens are words of letters, digits and `_`: a space parts them.
        "lines": [[sig, " ".join(sorted(t)), " ".join(sorted(c))] for sig, t, c in prepared.lines],
        "patterns": [[raw, list(pieces)] for raw, pieces in prepared.patterns],
    }


def entry_hash(entry: Any) -> object:
    """The file hash an entry was kept under, if it has one."""
    return entry.get("hash") if isinstance(entry, dict) else None


def decode(entry: Any) -> Known | None:
    """The Known of a cache entry, or None if it is not one this module wrote."""
    # Checked to the last string, so that no value of another type reaches the matcher.
    try:
        ident, title, fix, rules = entry["id"], entry["title"], entry["fix"], entry["rules"]
        related = tuple(entry["related"])
        lines = []
        for sig, toks, codes in entry["lines"]:
            if type(sig) is not str or type(toks) is not str or type(codes) is not str:
                return None
            lines.append((sig, words(toks), words(codes)))
        patterns = []
        for raw, pieces in entry["patterns"]:
            if type(raw) is not str or type(pieces) is not list:
                return None
            patterns.append((raw, tuple(pieces)))
    except (KeyError, TypeError, ValueError):
        return None  # not a mapping, a key missing, a list of another length
    texts = [ident, title, *related, *(piece for _, pieces in patterns for piece in pieces)]
    if fix is not None:
        texts.append(fix)
    if type(rules) is not bool or not all(type(text) is str for text in texts):
        return None
    prepared = Prepared(ident, tuple(lines), tuple(patterns))
    return Known(Shown(ident, title, fix), prepared, related, rules)
