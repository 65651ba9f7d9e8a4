"""The index that error matching reads: incidents' error lines and patterns, by token."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .signature_lines import output_lines
from .signature_text import (
    GENERIC,
    code_tokens,
    normalise,
    shape,
    signature,
    tokens,
)

if TYPE_CHECKING:
    # Only named: `match` with every record cached starts without the models.
    from .models import Incident

__all__ = [
    "GENERIC_IDF",
    "Entry",
    "Index",
    "Pattern",
    "Prepared",
    "Source",
    "assemble",
    "build_index",
    "glob_pieces",
    "pattern_problem",
    "prepare",
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


@dataclass(frozen=True)
class Prepared:
    """One incident as the index reads it: its error lines' signatures and tokens, and its
    patterns' pieces. Worked out from that incident alone, so `match` can keep it."""

    incident: str
    #: (signature, tokens, code tokens) of each distinct error line, in the outputs' order.
    lines: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = ()
    #: (pattern as written, its glob pieces) of each signature pattern.
    patterns: tuple[tuple[str, tuple[str, ...]], ...] = ()


def prepare(source: Source) -> Prepared:
    """What the index reads of one incident; ValueError for a pattern with no word in it."""
    seen: set[str] = set()
    lines = []
    for output in source.outputs:
        for _, line in output_lines(output):
            sig = signature(line)
            if sig.lower() not in seen:
                seen.add(sig.lower())
                lines.append((sig, tokens(sig), code_tokens(sig)))
    patterns = []
    for pattern in source.patterns:
        problem = pattern_problem(pattern)
        if problem:
            raise ValueError(f"{source.incident}: {problem}")
        patterns.append((pattern, glob_pieces(pattern)))
    return Prepared(source.incident, tuple(lines), tuple(patterns))


def build_index(sources: Iterable[Source]) -> Index:
    """Index each incident's error lines (from its outputs) and its signature patterns.

    Raises ValueError for a pattern with no word in it (such as `*`).
    """
    return assemble(prepare(source) for source in sources)


def assemble(prepared: Iterable[Prepared]) -> Index:
    """The index of incidents already prepared: the weights, which span all of them."""
    incidents: list[str] = []
    lines: list[tuple[int, str, frozenset[str], frozenset[str]]] = []
    raw_patterns: list[tuple[int, str, tuple[str, ...]]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    exact: dict[str, list[int]] = defaultdict(list)
    # Rarity is counted in incidents, not lines: one incident's long traceback does
    # not make its words common.
    holders: dict[str, int] = defaultdict(int)
    for one in prepared:
        number = len(incidents)
        incidents.append(one.incident)
        held: set[str] = set()
        for sig, toks, codes in one.lines:
            for token in toks:
                postings[token].append(len(lines))
            exact[sig.lower()].append(len(lines))
            lines.append((number, sig, toks, codes))
            held |= toks
        for token in held:
            holders[token] += 1
        raw_patterns.extend((number, raw, pieces) for raw, pieces in one.patterns)
    total = max(1, len(incidents))
    idf = {token: math.log(1 + total / held) for token, held in holders.items()}
    for token in GENERIC & idf.keys():
        idf[token] = min(idf[token], GENERIC_IDF)
    unknown_idf = math.log(1 + total)
    square = {token: weight**2 for token, weight in idf.items()}
    # Summed in token order: the same float in every process and in the browser.
    weighed = [
        Entry(
            incident,
            sig,
            toks,
            codes,
            *shape(sig, codes),
            sum(map(square.__getitem__, sorted(toks))),
        )
        for incident, sig, toks, codes in lines
    ]
    patterns = []
    pattern_postings: dict[str, list[int]] = defaultdict(list)
    for number, (incident, raw, pieces) in enumerate(raw_patterns):
        patterns.append(Pattern(incident, raw, pieces))
        # Filed under its rarest word: a line can only match if it holds that word.
        anchor = min(tokens(" ".join(pieces)), key=lambda t: (holders.get(t, 0), -len(t), t))
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
