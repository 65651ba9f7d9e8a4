"""The match index as JSON data and back, checked value by value: what `match` keeps whole."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .signature_index import Entry, Index, Pattern
from .signature_text import shape

__all__ = ["index_data", "index_of", "words"]


def index_data(index: Index) -> dict[str, Any]:
    """The index as JSON data; index_of(index_data(index)) == index."""
    return {
        "incidents": list(index.incidents),
        # Tokens are words of letters, digits and `_`: a space parts them.
        "entries": [
            [
                e.incident,
                e.signature,
                " ".join(sorted(e.tokens)),
                " ".join(sorted(e.codes)),
                e.norm2,
            ]
            for e in index.entries
        ],
        "idf": dict(index.idf),
        "unknown_idf": index.unknown_idf,
        "postings": {token: list(found) for token, found in index.postings.items()},
        "patterns": [[p.incident, p.raw, list(p.pieces)] for p in index.patterns],
        "pattern_postings": {t: list(found) for t, found in index.pattern_postings.items()},
    }


def _entry(number: int, sig: str, toks: str, codes: str, norm2: float) -> Entry:
    # Where its names stand is worked out again: it follows from the signature and codes.
    found = words(codes)
    return Entry(number, sig, words(toks), found, *shape(sig, found), norm2)


def index_of(data: Any) -> Index | None:
    """The index that `index_data` made `data` from, or None if `data` is not such data.

    Every number that points into the index is checked to, so that no hand-made file can
    make the matcher fail.
    """
    try:
        incidents = tuple(data["incidents"])
        entries = tuple(_entry(*entry) for entry in data["entries"])
        patterns = tuple(
            Pattern(number, raw, tuple(pieces)) for number, raw, pieces in data["patterns"]
        )
        idf, unknown_idf = data["idf"], data["unknown_idf"]
        postings = _positions(data["postings"], len(entries))
        pattern_postings = _positions(data["pattern_postings"], len(patterns))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None  # not a mapping, a key missing, a list of another length, not a text
    if postings is None or pattern_postings is None or type(unknown_idf) is not float:
        return None
    if not (type(idf) is dict and all(type(value) is float for value in idf.values())):
        return None
    if not all(type(incident) is str for incident in incidents):
        return None
    count = len(incidents)
    if not all(
        type(e.incident) is int and 0 <= e.incident < count and type(e.signature) is str
        and type(e.norm2) is float
        for e in entries
    ):  # fmt: skip
        return None
    if not all(
        type(p.incident) is int and 0 <= p.incident < count and type(p.raw) is str
        and all(type(piece) is str for piece in p.pieces)
        for p in patterns
    ):  # fmt: skip
        return None
    # As build_index files them: each signature, lower-cased, with its entries in order.
    exact: dict[str, list[int]] = defaultdict(list)
    for number, entry in enumerate(entries):
        exact[entry.signature.lower()].append(number)
    found = {key: tuple(numbers) for key, numbers in exact.items()}
    return Index(incidents, entries, idf, unknown_idf, postings, found, patterns, pattern_postings)


def words(text: str) -> frozenset[str]:
    """The tokens that a space-separated text holds (see index_data)."""
    return frozenset(text.split(" ")) if text else frozenset()


def _positions(data: Any, size: int) -> dict[str, tuple[int, ...]] | None:
    """token -> positions, each an int below `size`; None if `data` holds anything else."""
    if type(data) is not dict:
        return None
    found = {}
    for token, numbers in data.items():
        if type(numbers) is not list or not numbers:
            return None
        if not all(type(n) is int for n in numbers) or min(numbers) < 0 or max(numbers) >= size:
            return None
        found[token] = tuple(numbers)
    return found
