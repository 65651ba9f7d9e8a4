"""Match pasted errors and logs against the errors of past incidents, best match first."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .signature_index import Entry, Index, Source, build_index, pattern_problem, source_of
from .signature_lines import error_lines
from .signature_text import (
    GENERIC,
    Pairs,
    clean,
    code_tokens,
    normalise,
    shape,
    signature,
    tokens,
    without_prefix,
)

__all__ = [
    "MIN_SCORE",
    "Index",
    "Match",
    "Source",
    "build_index",
    "error_lines",
    "match",
    "pattern_problem",
    "signature",
    "source_of",
]

#: Below this similarity (0 to 1, see _score) a line is unrelated to an indexed one.
#: Chosen on tests/test_signatures.py: true matches there score 0.5 and up, lines that
#: merely share words with an incident 0.4 and below.
MIN_SCORE = 0.45
#: The words a line shares with an indexed one must weigh at least this much, counted
#: in words found in one incident only; a code-like word (see code_tokens) counts more,
#: words in GENERIC not at all. So one rare English word is not enough, `ImagePullBackOff`
#: is.
MIN_EVIDENCE = 1.5
CODE_FACTOR = 1.5
#: Added when a line's whole signature equals an entry's, and when a pattern matches.
EXACT_BONUS = 1.0
PATTERN_BONUS = 1.0
# Work per line is bounded: candidates come from the rarest few of its tokens, each
# read only if fewer entries than this hold it (a word that common identifies nothing),
# and only the best few candidates are scored in full.
_CANDIDATE_TOKENS = 6
_MAX_POSTINGS = 400
_SCORED_CANDIDATES = 12
_MAX_PATTERN_CHECKS = 200
# A paste without a line that looks like an error is read whole if it is this short.
_SHORT_PASTE = 50
# Distinct error lines of one log that are matched; the rest repeat or are noise.
_MAX_QUERY_LINES = 5000


Words = frozenset[str]


@dataclass(frozen=True)
class Match:
    """An incident whose errors a pasted text shares, and the line that shares them."""

    incident: str
    score: float
    line_no: int
    line: str
    #: What of the incident it matched: an error line's signature, or the pattern.
    matched: str
    #: `signature` (the whole signature is the same), `pattern`, or `tokens`.
    how: str


def _query_lines(text: str) -> list[tuple[int, str]]:
    found = error_lines(text)
    if found:
        return found
    lines = [(n, clean(raw)) for n, raw in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line.strip()]
    return lines if len(lines) <= _SHORT_PASTE else []


def _evidence(shared: Iterable[str], codes: frozenset[str], index: Index) -> float:
    # Generic words count for similarity but are no evidence: three of them (`dial tcp:
    # i/o timeout`) do not make two errors the same.
    return sum(
        index.weight(token) / index.unknown_idf * (CODE_FACTOR if token in codes else 1.0)
        for token in sorted(shared)
        if token not in GENERIC
    )


def _differ(mine: Pairs, my_words: Words, theirs: Pairs, their_words: Words) -> bool:
    # The same first word, another second one, and neither side holds the other's anywhere.
    held = {first for first, second in theirs if second not in my_words}
    return any(first in held and second not in their_words for first, second in mine)


def _names_differ(query: Words, words: Words, places: Pairs, opens: Pairs, entry: Entry) -> bool:
    """Whether a line and an entry are two errors of one template, however much they share.

    One names a thing where the other names another, after the same word (`status:
    NOERROR`, `status: NXDOMAIN`), or the same name opens two messages
    (`OutOfMemoryError: Java heap space`, `OutOfMemoryError: Metaspace`; see shape).
    Only words each side lacks count: a word the other side holds elsewhere (for a
    message, as a word of its own: not `java` of `java.lang`) is the same error worded
    otherwise.
    """
    return _differ(places, query, entry.slots, entry.tokens) or _differ(
        opens, words, entry.openings, entry.prose
    )


def _score(shared2: float, query2: float, entry2: float) -> float:
    """Similarity from squared weights: shared, the query's and the entry's (all > 0).

    The mean of the cosine and the larger containment: a fragment of a long indexed line
    (`ImagePullBackOff`) and a line holding a whole indexed one plus noise both score
    well, and two lines that merely share words do not.
    """
    cosine = shared2 / math.sqrt(query2 * entry2)
    return (cosine + max(shared2 / query2, shared2 / entry2)) / 2


def _similar(sig: str, index: Index) -> list[tuple[float, int]]:
    """(score, entry) for the entries most like a signature, bounded work, best first."""
    query = tokens(sig)
    weight = {token: index.weight(token) for token in query}
    # Sums run in token order, so that a score is the same float in every process (a set's
    # order is not) and in the browser's port (signature_export).
    query2 = sum(weight[token] ** 2 for token in sorted(query))
    if not query2:
        return []
    codes = code_tokens(sig)
    places, opens, words = shape(sig, codes)
    known = sorted((len(index.postings[t]), t) for t in query if t in index.postings)
    partial: dict[int, float] = defaultdict(float)
    for count, token in known[:_CANDIDATE_TOKENS]:  # rarest first
        if count > _MAX_POSTINGS:
            break
        for number in index.postings[token]:
            partial[number] += weight[token] ** 2
    # Best partial sums first; among equal ones the lower entry (the sort is stable).
    best = sorted(sorted(partial), key=partial.__getitem__, reverse=True)[:_SCORED_CANDIDATES]
    scored = []
    for number in best:
        entry = index.entries[number]
        shared = query & entry.tokens
        if _evidence(shared, codes | entry.codes, index) < MIN_EVIDENCE:
            continue
        if _names_differ(query, words, places, opens, entry):
            continue
        shared2 = sum(weight[token] ** 2 for token in sorted(shared))
        scored.append((_score(shared2, query2, entry.norm2), number))
    return sorted(scored, key=lambda item: (-item[0], item[1]))


def _patterns_hit(normalised: str, index: Index) -> list[int]:
    text = normalised.lower()
    candidates = sorted(
        {n for token in tokens(normalised) for n in index.pattern_postings.get(token, ())}
    )
    hits = []
    for number in candidates[:_MAX_PATTERN_CHECKS]:
        # Pieces in order, each found as early as possible: that finds a glob match
        # whenever there is one, in time linear in the line.
        at = 0
        for piece in index.patterns[number].pieces:
            at = text.find(piece, at)
            if at < 0:
                break
            at += len(piece)
        else:
            hits.append(number)
    return hits


def _line_scores(normalised: str, index: Index) -> dict[int, tuple[float, str, str]]:
    """incident -> (score, what matched, how) for one normalised query line."""
    sig = without_prefix(normalised)
    best: dict[int, tuple[float, str, str]] = {}

    def offer(incident: int, score: float, matched: str, how: str) -> None:
        if incident not in best or score > best[incident][0]:
            best[incident] = (score, matched, how)

    # The same signature: found by lookup, so even a line of common words counts.
    exact = index.exact.get(sig.lower(), ())
    for number in exact:
        entry = index.entries[number]
        # The same signature still has to say something: `Exit Code: <n>` does not.
        if _evidence(entry.tokens, entry.codes, index) >= MIN_EVIDENCE:
            offer(entry.incident, 1.0 + EXACT_BONUS, entry.signature, "signature")
    for score, number in _similar(sig, index):
        if score >= MIN_SCORE and number not in exact:
            entry = index.entries[number]
            offer(entry.incident, score, entry.signature, "tokens")
    hit: dict[int, str] = {}
    for number in _patterns_hit(normalised, index):
        hit.setdefault(index.patterns[number].incident, index.patterns[number].raw)
    for incident, raw in hit.items():
        best[incident] = (best.get(incident, (0.0,))[0] + PATTERN_BONUS, raw, "pattern")
    return best


def match(text: str, index: Index, limit: int = 10) -> list[Match]:
    """Incidents whose errors `text` shares, best first: one Match per incident.

    `text` is a pasted error or a whole log: its error lines are matched (a short paste
    with none is matched line by line). Ties go to the earlier line, then the lower id.
    """
    found: dict[int, Match] = {}
    seen: set[str] = set()
    for line_no, line in _query_lines(text):
        normalised = normalise(line)
        key = without_prefix(normalised).lower()
        if key in seen:
            continue
        if len(seen) >= _MAX_QUERY_LINES:
            break
        seen.add(key)
        for incident, (score, matched, how) in _line_scores(normalised, index).items():
            if incident not in found or score > found[incident].score:
                found[incident] = Match(
                    index.incidents[incident], round(score, 6), line_no, line, matched, how
                )
    ranked = sorted(found.values(), key=lambda m: (-m.score, m.line_no, m.incident))
    return ranked[:limit]
