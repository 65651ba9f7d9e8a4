"""Error text normalised into signatures, so that what varies between occurrences does not count."""

from __future__ import annotations

import itertools
import re

from .signature_rules import RULES, ascii_re

__all__ = [
    "GENERIC",
    "MAX_LINE_CHARS",
    "ascii_re",
    "clean",
    "code_tokens",
    "normalise",
    "shape",
    "signature",
    "tokens",
    "without_prefix",
]


#: Only this much of a line is read: it bounds the work a pathological line costs.
MAX_LINE_CHARS = 4000

_ANSI = ascii_re(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Quotes vary with the tool ('x', "x", `x`, curly quotes); what they hold is a name that
# identifies the error (module, table, key) or a value of this occurrence.
_QUOTED = ascii_re(
    r"""(?<![\w])(?:'([^'\n]{0,300})'|"([^"\n]{0,300})"|`([^`\n]{0,300})`"""
    r"|\u2018([^\u2019\n]{0,300})\u2019|\u201c([^\u201d\n]{0,300})\u201d)(?![\w])"
)
_QUOTES = "'\"`\u2018\u201c"
_WORD = ascii_re(r"[A-Za-z]{2,}")
_PLACEHOLDER = ascii_re(r"<[a-z]+>")
# What comes before the message on a log line: times, levels, pids, a compose
# service name, syslog's host and program, CI markers; dropped from the front of a signature.
_LEAD = ascii_re(
    r"^(?:\s*(?:\[?<(?:time|n|hex|uuid)>\]?|(?<=<time> )[\w.<>-]+ [\w./<>@-]+\[<n>\]:|\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR"
    r"|CRITICAL|FATAL|SEVERE)\]?:?(?=\s)|\[?(?:trace|debug|info|warn|warning|error|fatal)\]"
    r"|##\[(?:error|warning)\]|E(?=\s)|>|[\w.-]+\s+\|(?=\s))[\s:,|-]*)+"
)
_SPACE = re.compile(r"\s+")
_TOKEN = ascii_re(r"<[a-z]+>|[a-z0-9_]+")
# A token, and (the second group, matched or not) how a word of prose ends: punctuation,
# then a space or the end of the line (a signature's lines have no line break). An empty
# alternative, not `?`: JavaScript leaves an optional group that matched nothing unset.
_PLACED = ascii_re(r"(<[a-z]+>|[a-z0-9_]+)(?:([.,;:!?)]*(?:\s|$))|)")
# An inner capital (OOMKilled, ImagePullBackOff), all capitals (ECONNREFUSED) or letters
# then digits (x509): a name someone gave this error, unlike a word of the message.
_CODE = ascii_re(
    r"(?<![A-Za-z0-9_])(?:[A-Za-z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z]{4,}|[A-Za-z]+[0-9][A-Za-z0-9]*)"
    r"(?![A-Za-z0-9_])"
)
#: Words that nearly every error or log line holds, whatever went wrong, and the words of
#: system error texts (`Permission denied`, `Connection refused`): however rare they are
#: among the indexed incidents, they identify none of them.
GENERIC = frozenset(
    """error errors err exception traceback fatal panic warning warn info debug trace notice
    critical level failed failure fail fails exit exited code status line file process
    completed returned value invalid unable cannot could not no none null undefined true false
    message msg time request response http https get post put server client
    most recent call last see above below during handling occurred another caused
    permission denied such directory connection refused reset timeout timed found exist exists
    does unknown unexpected missing tcp udp dial read write connect lookup host port
    """.split()  # noqa: SIM905 (a word list reads better as words)
)
_STOP = frozenset(
    """a an the to of in on at for by with and or is are was were be been it its this that as
    from into""".split()  # noqa: SIM905 (a word list reads better as words)
)


def clean(line: str) -> str:
    """The line as a terminal would show it: no ANSI escapes, no overwritten progress."""
    line = line[:MAX_LINE_CHARS]
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    if "\r" in line:
        line = line.rstrip("\r").rsplit("\r", 1)[-1]
    return line.rstrip()


def _quoted(match: re.Match[str]) -> str:
    inner = next(group for group in match.groups() if group is not None)
    # A value with no word left in it (a number, a date, an address) is this
    # occurrence's data; anything with words is a name or a message, and stays.
    if not _WORD.search(_PLACEHOLDER.sub("", inner)):
        return "<q>"
    return inner


def normalise(text: str) -> str:
    """Each line of `text` with what varies between occurrences replaced, all lines kept."""
    lines = []
    for raw in text.splitlines():
        line = clean(raw).replace('\\"', '"')
        for needle, pattern, replacement in RULES:
            if needle in line:
                line = pattern.sub(replacement, line)
        if any(quote in line for quote in _QUOTES):
            line = _QUOTED.sub(_quoted, line)
        line = _SPACE.sub(" ", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def without_prefix(normalised: str) -> str:
    """Each line of a normalised text without its log prefix (time, level, source)."""
    lines = []
    for line in normalised.split("\n"):
        # A line that is nothing but a prefix keeps it: `ERROR` alone is still a line.
        stripped = _LEAD.sub("", line).strip() or line
        if stripped:
            lines.append(stripped)
    return "\n".join(lines)


def signature(text: str) -> str:
    """`text` with what varies between occurrences replaced and log prefixes dropped."""
    return without_prefix(normalise(text))


def tokens(normalised: str) -> frozenset[str]:
    """The words of a signature, lower-cased, without placeholders and filler words."""
    return frozenset(
        token
        for token in _TOKEN.findall(normalised.lower())
        if len(token) > 1 and token[0] != "<" and not token.isdigit() and token not in _STOP
    )


Pairs = frozenset[tuple[str, str]]


def shape(normalised: str, codes: frozenset[str]) -> tuple[Pairs, Pairs, frozenset[str]]:
    """Where a signature's names stand: its slots, its openings and its prose words.

    Slots: (the word before, the name) for each code-shaped token after a word, so that
    `status: NXDOMAIN` and `status: SERVFAIL`, `api error ThrottlingException` and `api
    error AccessDenied` are the same place holding another name. Openings: (the name, the
    word after it) where that word is prose, which is how a message after a name begins:
    `OutOfMemoryError: Java heap space` and `OutOfMemoryError: Metaspace`. Prose words
    stand as words rather than going on into a name (`redis.internal`, `worker-3`,
    `java.lang`). Read in one pass over the words; prose words are only read beside
    openings (see signatures._names_differ), so a signature without names has none.
    """
    if not codes:
        return frozenset(), frozenset(), frozenset()
    placed = [
        (word, found.group(2) is not None)
        for found in _PLACED.finditer(normalised.lower())
        if len(word := found.group(1)) > 1
        and word[0] != "<"
        and not word.isdigit()
        and word not in _STOP
    ]
    slots = frozenset(
        (before, word) for (before, _), (word, _) in itertools.pairwise(placed) if word in codes
    )
    openings = frozenset(
        (name, word)
        for (name, _), (word, plain) in itertools.pairwise(placed)
        if plain and name in codes
    )
    return slots, openings, frozenset(word for word, plain in placed if plain and openings)


def code_tokens(normalised: str) -> frozenset[str]:
    """The tokens shaped like error codes and types (ECONNREFUSED, OOMKilled, x509), lower-cased."""
    return frozenset(
        word.lower() for word in _CODE.findall(normalised) if word.lower() not in GENERIC
    )
