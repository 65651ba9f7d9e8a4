"""The substitutions that normalise an error line: what varies between occurrences, replaced."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

__all__ = ["RULES", "ascii_re", "ip", "tool"]


def ascii_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern whose classes (digit, word, boundary, space) are ASCII only.

    So they mean the same in the browser's port of these rules (see signature_export),
    and the tokens that match errors are ASCII words anyway.
    """
    return re.compile(pattern, flags | re.ASCII)


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_PATH_CHARS = r"[^\s\"'`(),;<>\[\]{}]"
_IPV6 = r"(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?"
_Sub = tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]]


def ip(match: re.Match[str]) -> str:
    # The pattern is loose (hex groups and colons); only a real address is one.
    text = match.group(0).strip("[]").split("%")[0]
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return match.group(0)
    return "<ip>"


def tool(match: re.Match[str]) -> str:
    return (match.group("tool") or match.group("tool2")).lower()


# Each rule: a substring that must be present (a cheap test before the regex runs),
# the regex, and its replacement. Order matters: earlier rules consume what later ones
# would misread (a UUID's groups as numbers, an address's `1:54` as a time), and a path's
# interpreter or package prefix goes before its user name is masked. Ports are numbers.
RULES: tuple[_Sub, ...] = (
    # The keys of a JSON log line (`"level":`, `"ts":`): every line of that logger has them.
    ('":', ascii_re(r'(?<![\w"])"[A-Za-z_@$][\w.@$-]{0,40}"\s*:\s*(?=["\d\[{tfn-])'), " "),
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
            rf"\b(?:{_DAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s+\d{{4}})?"
            r"\s+\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?[AaPp][Mm]\b)?(?:\s+(?:[A-Z]{3,4}|[+-]\d{4})\b)?"
        ),
        "<time>",
    ),
    # Access logs' `02/Dec/2026:10:01:02 +0000`, ISO's basic `20261202T100102Z`, and the
    # level and date klog (Kubernetes' components) starts lines with: `E1202 10:01:02`.
    (
        "",
        ascii_re(
            rf"\b\d{{1,2}}/{_MONTH}/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}}(?:\s+[+-]\d{{4}})?"
            r"|\b\d{8}T\d{6}(?:[.,]\d+)?Z?\b|(?<![A-Za-z0-9])[IWEF]\d{4}(?= \d{2}:\d{2}:\d{2})"
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
        tool,
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
        ip,
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
    # Generated ids (request ids, ULIDs, build refs): long, with letters and many digits.
    (
        "",
        ascii_re(
            r"(?<![A-Za-z0-9])(?=[A-Za-z0-9]*[A-Za-z])(?=(?:[A-Za-z]*[0-9]){4})"
            r"[A-Za-z0-9]{12,}(?![A-Za-z0-9])"
        ),
        "<id>",
    ),
    ("", ascii_re(r"\bv\d+(?:\.\d+)+\b"), "v<n>"),
    # Go's and Kubernetes' durations in more than one unit: `4m31s`, `1h2m3.5s`.
    (
        "",
        ascii_re(r"(?<![A-Za-z0-9.])(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|ns)){2,}(?![A-Za-z0-9])"),
        "<n>",
    ),
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
