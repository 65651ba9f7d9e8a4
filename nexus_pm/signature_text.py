"""Error text normalised into signatures, so that what varies between occurrences does not count."""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Callable

__all__ = [
    "GENERIC",
    "MAX_LINE_CHARS",
    "ascii_re",
    "clean",
    "code_tokens",
    "normalise",
    "signature",
    "slots",
    "tokens",
    "without_prefix",
]


def ascii_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern whose classes (digit, word, boundary, space) are ASCII only.

    So they mean the same in the browser's port of these rules (see signature_export),
    and the tokens that match errors are ASCII words anyway.
    """
    return re.compile(pattern, flags | re.ASCII)


#: Only this much of a line is read: it bounds the work a pathological line costs.
MAX_LINE_CHARS = 4000

_ANSI = ascii_re(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_PATH_CHARS = r"[^\s\"'`(),;<>\[\]{}]"
_IPV6 = r"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?"
_Sub = tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]]


def _ip(match: re.Match[str]) -> str:
    # The pattern is loose (hex groups and colons); only a real address is one.
    text = match.group(0).strip("[]").split("%")[0]
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return match.group(0)
    return "<ip>"


def _tool(match: re.Match[str]) -> str:
    return (match.group("tool") or match.group("tool2")).lower()


# Each rule: a substring that must be present (a cheap test before the regex runs),
# the regex, and its replacement. Order matters: earlier rules consume what later ones
# would misread (a UUID's groups as numbers, an address's `1:54` as a time), and a path's
# interpreter or package prefix goes before its user name is masked. Ports are numbers.
_RULES: tuple[_Sub, ...] = (
    # The keys of a JSON log line (`"level":`, `"ts":`): every line of that logger has them.
    ('":', ascii_re(r'(?<![\w"])"[A-Za-z_@$][\w.@$-]{0,40}"\s*:\s*(?=["\d\[{tfn-])'), ""),
    ("", ascii_re(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b"), "<uuid>"),
    # A Kubernetes pod's name after its workload's: the template hash (or a job's
    # schedule time), then the pod's own suffix, drawn from an alphabet without vowels.
    (
        "-",
        ascii_re(
            r"(?<=[A-Za-z0-9])-(?:(?=[a-z]*[0-9])[0-9a-z]{6,10}|\d{6,10})"
            r"-[bcdfghjklmnpqrstvwxz2-9]{5}(?![A-Za-z0-9-])"
        ),
        "-<pod>",
    ),
    (
        "",
        ascii_re(
            r"\b\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
            r"(?:\s?(?:Z|UTC|[+-]\d{2}:?\d{2})\b|Z)?)?"
        ),
        "<time>",
    ),
    (
        "",
        ascii_re(
            rf"\b(?:{_DAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:\s+\d{{4}})?"
            r"\s+\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s+(?:[A-Z]{3,4}|[+-]\d{4})\b)?"
        ),
        "<time>",
    ),
    (
        "",
        ascii_re(
            rf"(?<![\w.])(?:/private)?/(?:tmp|var/tmp|var/folders)/{_PATH_CHARS}*"
            rf"|\b[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp\\{_PATH_CHARS}*",
            re.IGNORECASE,
        ),
        "<tmp>",
    ),
    # Interpreters and tools, by any path: `/opt/venv/bin/python3.12` is `python`.
    (
        "",
        ascii_re(
            r"(?<![\w.])(?:[A-Za-z]:)?(?:[/\\][\w.+@<>-]+)*[/\\]"
            r"(?:(?:s?bin|Scripts)[/\\](?P<tool>[A-Za-z][A-Za-z_+-]*?)"
            r"|(?P<tool2>python|node|ruby|perl|php|java|pip|npm))"
            r"(?:-?\d+(?:\.\d+)*)?(?:\.exe)?(?![\w.\\/-])",
            re.IGNORECASE,
        ),
        _tool,
    ),
    (
        "-packages",
        ascii_re(rf"(?<!{_PATH_CHARS}){_PATH_CHARS}*?[/\\](?:site|dist)-packages(?=[/\\])"),
        "site-packages",
    ),
    (
        "python",
        ascii_re(rf"(?<!{_PATH_CHARS}){_PATH_CHARS}*?[/\\]lib[/\\]python\d+(?:\.\d+)?(?=[/\\])"),
        "lib/python",
    ),
    (
        "node_modules",
        ascii_re(rf"(?<!{_PATH_CHARS}){_PATH_CHARS}*?[/\\]node_modules(?=[/\\])"),
        "node_modules",
    ),
    # Someone's home folder, whoever they are and whatever the system: `~`.
    (
        "",
        ascii_re(
            r"(?<![\w.])/(?:home|Users)/[^/\s\"'`]+|\b[A-Za-z]:\\Users\\[^\\\s\"'`]+",
            re.IGNORECASE,
        ),
        "~",
    ),
    ("@", ascii_re(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"), "<email>"),
    (".", ascii_re(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"), "<ip>"),
    (
        ":",
        ascii_re(rf"\[{_IPV6}\]|(?<![\w:.]){_IPV6}(?![\w:])"),
        _ip,
    ),
    (
        ":",
        ascii_re(r"(?<![\d.:])\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?[AaPp][Mm]\b)?(?![\d:])"),
        "<time>",
    ),
    # Seconds, milliseconds, microseconds or nanoseconds since 1970, from 2001 to 2033.
    ("", ascii_re(r"(?<![\w.])1\d{9}(?:\d{3}|\d{6}|\d{9})?(?:\.\d+)?(?![\w.])"), "<time>"),
    ("", ascii_re(r"\b0[xX][0-9a-fA-F]+\b"), "<hex>"),
    (
        "",
        ascii_re(r"(?<![\w])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{7,}(?![\w])"),
        "<hex>",
    ),
    ("", ascii_re(r"\bv\d+(?:\.\d+)+\b"), "v<n>"),
    # Kubernetes event counts: `(x4 over 49s)`.
    ("over", ascii_re(r"\(x\d+ over\b"), "(x<n> over"),
    # Numbers, with a unit if they have one, but not the digits of a name (x509, e2e,
    # k8s, sha256): those are preceded by a letter.
    (
        "",
        ascii_re(
            r"(?<![A-Za-z0-9])\d+(?:[.,]\d+)*"
            r"(?:ns|us|µs|ms|s|m|h|d|[KMGTP]i?B?|[kmgt]b|%)?(?![A-Za-z0-9])"
        ),
        "<n>",
    ),
)
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
        for needle, pattern, replacement in _RULES:
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


def _words(normalised: str) -> list[str]:
    return [
        token
        for token in _TOKEN.findall(normalised.lower())
        if len(token) > 1 and token[0] != "<" and not token.isdigit() and token not in _STOP
    ]


def tokens(normalised: str) -> frozenset[str]:
    """The words of a signature, lower-cased, without placeholders and filler words."""
    return frozenset(_words(normalised))


def slots(normalised: str, codes: frozenset[str]) -> frozenset[tuple[str, str]]:
    """(the word before, the name) for each code-shaped token of a signature after a word.

    `status: NXDOMAIN` and `status: SERVFAIL`, `api error ThrottlingException` and `api
    error AccessDenied`: the same place in the same message holding another name.
    """
    words = _words(normalised)
    return frozenset((before, word) for before, word in itertools.pairwise(words) if word in codes)


def code_tokens(normalised: str) -> frozenset[str]:
    """The tokens shaped like error codes and types (ECONNREFUSED, OOMKilled, x509), lower-cased."""
    return frozenset(
        word.lower() for word in _CODE.findall(normalised) if word.lower() not in GENERIC
    )
