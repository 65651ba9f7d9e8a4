"""The index that error matching reads: incidents' error lines and patterns, by token."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .models import Incident
from .signature_lines import output_lines
from .signature_text import (
    GENERIC,
    code_tokens,
    normalise,
    shape,
    signature,
    tokens,
)

__all__ = [
    "GENERIC_IDF",
    "Entry",
    "Index",
    "Pattern",
    "Source",
    "build_index",
    "glob_pieces",
    "pattern_problem",
    "source_of",
]

#: Words in GENERIC weigh as if a fifth of the incidents held them, at most.
GENERIC_IDF = math.log(1 + 4)


@dataclass(frozen=True)
class Source:
    """What the index reads of one incident: its id, error outputs and signature patterns."""

    incident: str
    outputs: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


def source_of(incident: Incident) -> Source:
    """The errors and signatures of a format-2 record."""
    return Source(
        incident.id,
        tuple(error.output for error in incident.errors),
        tuple(incident.signatures),
    )


@dataclass(frozen=True)
class Entry:
    """One error line of an incident, as its signature and weighed tokens."""

    #: Position of its incident in Index.incidents.
    incident: int
    signature: str
    tokens: frozenset[str]
    #: Those of its tokens shaped like error codes (see code_tokens).
    codes: frozenset[str]
    #: Where those stand: each with the token before it (see signature_text.shape).
    slots: frozenset[tuple[str, str]]
    #: Those followed by a word: how a message after a name begins (see signature_text.shape).
    openings: frozenset[tuple[str, str]]
    #: Its words that stand as words (see signature_text.shape): what a message is said in.
    prose: frozenset[str]
    #: The sum of its tokens' squared weights.
    norm2: float


@dataclass(frozen=True)
class Pattern:
    """One signature pattern of an incident: its literal pieces, normalised."""

    incident: int
    #: As the record writes it.
    raw: str
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    """Error lines and patterns of many incidents, inverted by token."""

    incidents: tuple[str, ...]
    entries: tuple[Entry, ...]
    idf: Mapping[str, float]
    unknown_idf: float
    postings: Mapping[str, tuple[int, ...]]
    exact: Mapping[str, tuple[int, ...]]
    patterns: tuple[Pattern, ...]
    pattern_postings: Mapping[str, tuple[int, ...]]

    def weight(self, token: str) -> float:
        """How much a token tells incidents apart (its IDF): the rarer, the more."""
        if token in self.idf:
            return self.idf[token]
        # A word no incident has weighs as one that a single incident has.
        return GENERIC_IDF if token in GENERIC else self.unknown_idf


def glob_pieces(pattern: str) -> tuple[str, ...]:
    # A glob: literal pieces between `*`, each normalised as lines are, so that a
    # pattern written with an address or a path matches every occurrence of it.
    pieces = []
    for raw in pattern.split("*"):
        piece = normalise(raw).replace("\n", " ").lower()
        if piece and raw[:1].isspace():
            piece = " " + piece
        if piece and raw[-1:].isspace():
            piece += " "
        if piece:
            pieces.append(piece)
    return tuple(pieces)


def pattern_problem(pattern: str) -> str | None:
    """Why a signature pattern cannot identify an incident, or None if it can."""
    if not tokens(" ".join(glob_pieces(pattern))):
        return f"signature {pattern!r} has no word to match on; it would match any error"
    return None


def build_index(sources: Iterable[Source]) -> Index:
    """Index each incident's error lines (from its outputs) and its signature patterns.

    Raises ValueError for a pattern with no word in it (such as `*`).
    """
    incidents: list[str] = []
    entries: list[Entry] = []
    raw_patterns: list[tuple[int, str, tuple[str, ...]]] = []
    for source in sources:
        number = len(incidents)
        incidents.append(source.incident)
        seen: set[str] = set()
        for output in source.outputs:
            for _, line in output_lines(output):
                sig = signature(line)
                if sig.lower() not in seen:
                    seen.add(sig.lower())
                    codes = code_tokens(sig)
                    entries.append(Entry(number, sig, tokens(sig), codes, *shape(sig, codes), 0.0))
        for pattern in source.patterns:
            problem = pattern_problem(pattern)
            if problem:
                raise ValueError(f"{source.incident}: {problem}")
            raw_patterns.append((number, pattern, glob_pieces(pattern)))
    # Rarity is counted in incidents, not lines: one incident's long traceback does
    # not make its words common.
    holders: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        for token in entry.tokens:
            holders[token].add(entry.incident)
    total = max(1, len(incidents))
    idf = {token: math.log(1 + total / len(held)) for token, held in holders.items()}
    for token in GENERIC & idf.keys():
        idf[token] = min(idf[token], GENERIC_IDF)
    unknown_idf = math.log(1 + total)
    postings: dict[str, list[int]] = defaultdict(list)
    exact: dict[str, list[int]] = defaultdict(list)
    weighed = []
    for number, entry in enumerate(entries):
        # Summed in token order: the same float in every process and in the browser.
        norm2 = sum(idf[token] ** 2 for token in sorted(entry.tokens))
        weighed.append(
            Entry(
                entry.incident,
                entry.signature,
                entry.tokens,
                entry.codes,
                entry.slots,
                entry.openings,
                entry.prose,
                norm2,
            )
        )
        for token in entry.tokens:
            postings[token].append(number)
        exact[entry.signature.lower()].append(number)
    patterns = []
    pattern_postings: dict[str, list[int]] = defaultdict(list)
    for number, (incident, raw, pieces) in enumerate(raw_patterns):
        patterns.append(Pattern(incident, raw, pieces))
        # Filed under its rarest word: a line can only match if it holds that word.
        anchor = min(tokens(" ".join(pieces)), key=lambda t: (len(holders.get(t, ())), -len(t), t))
        pattern_postings[anchor].append(number)
    return Index(
        tuple(incidents),
        tuple(weighed),
        idf,
        unknown_idf,
        {token: tuple(found) for token, found in postings.items()},
        {key: tuple(found) for key, found in exact.items()},
        tuple(patterns),
        {token: tuple(found) for token, found in pattern_postings.items()},
    )
