"""Error lines found in long logs: what a reader's eye would stop at, in one pass."""

from __future__ import annotations

import re

from .signature_text import ascii_re, clean

__all__ = ["error_lines", "output_lines"]


# Error output that the error patterns miss is still an error when a record says so;
# so many lines of it stand in for its error lines.
_FALLBACK_LINES = 20
# A traceback longer than this is not one: stop waiting for its last line.
_MAX_TRACEBACK_LINES = 500

_STRONG = ascii_re(
    r"""\b[A-Z][A-Za-z0-9]*(?:Error|Exception|Failure|Fault)\b
    | \bTraceback\ \(most\ recent\ call\ last\)
    | \bnpm\ ERR!
    | \b(?:[Ff]atal|[Ee]rror|[Pp]anic|FATAL|ERROR|PANIC)(?:\[[\w-]+\])?:
    | \[(?:ERROR|FATAL|CRITICAL|error|fatal|critical)\] | \#\#\[error\]
    | \b(?:ERROR|FATAL|CRITICAL|FAILED|FAILURE|PANIC|ERR)\b
    | \bpanicked\ at\b | \bNo\ module\ named\b | \bError\ \d+\b | \bmake:\ \*\*\*
    | \bE(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|ADDRINUSE|ACCES|NOENT|PIPE|HOSTUNREACH|RESOLVE)\b
    | \b(?:OOMKilled|CrashLoopBackOff|ImagePullBackOff|ErrImagePull|CreateContainerConfigError)\b
    | \bFailed[A-Z][a-z]+[A-Za-z]*\b | \b(?:NXDOMAIN|SERVFAIL|AccessDenied)\b
    | \b(?:Segmentation\ fault|core\ dumped|Killed)\b
    | \blevel=(?:error|fatal|panic|crit)\b | "level":\s*"(?:error|fatal|panic|critical)"
    | "(?:level|severity)":\s*"(?:ERROR|FATAL|PANIC|CRITICAL)"
    """,
    re.VERBOSE,
)
_WEAK = ascii_re(
    r"""\bexit(?:ed)?(?:\ with)?\ (?:code|status)[\s:=]*[1-9]\d* | \bexited\ with\ [1-9]\d*
    | \bnon-zero\ exit | \bcommand\ not\ found | \bpermission\ denied | \bno\ such\ file
    | \bfailed\b | \bfailure\b | \bunable\ to\b | \bcannot\b | \bcan't\b | \bcould\ not\b
    | \bcouldn't\b | \bdoes\ not\ exist | \bnot\ found\b | \btime[ds]?\ ?out\b | \brefused\b
    | \bdenied\b | \bunhealthy\b | \binvalid\b | \bx509: | \buncaught\b | \bunhandled\b
    | \bwent\ wrong\b | \bback-?off\b | \bno\ space\ left\b | \bout\ of\ memory\b | \bdeadlock
    | \bno\ such\ host\b | \bunavailable\b | \bno\ [\w-]+\ available\b | \bexceeded\b
    | \btoo\ many\b | \binsufficient\b | \bunauthori[sz]ed\b | \bforbidden\b | \bexpired\b
    | \bdid\ not\b | \bdidn't\b | \brejected\b | \bviolates\b | \bcrash(?:ed|ing)?\b
    | \babort(?:ed|ing)?\b | \bprematurely\b | \bthrottl
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Summary lines that count failures report none of them here.
_QUIET = ascii_re(
    r"\b(?:0|no|zero)\s+(?:errors?|failures?|failed)\b|\bfailed\s*[:=]\s*0\b", re.IGNORECASE
)
# A frame of a JVM, .NET or Node stack trace names where, not what: `at x.Y.z(Y.java:3)`,
# `at Module._load (node:internal/x:9:1)`, `... 12 more`. A frame through a class called
# `TimeoutException` is still a frame.
_FRAME = ascii_re(
    r"^\s*(?:at\s+(?:async\s+)?[\w$.<>\[\]/:@`'-]+\s?\(|at\s+\S+:\d+:\d+\)?$"
    r"|\.\.\.\s\d+\s(?:more|common\ frames\ omitted))"
)
_TRACEBACK = "Traceback (most recent call last):"
# The frames of a traceback are indented, after whatever prefix the log adds.
_LOG_PREFIX = ascii_re(
    r"^(?:\d{4}-\d{2}-\d{2}[T ][\d:.,]+Z?\s?|\[[\d:.,]+\]\s?|[\w.-]+\s+\|\s?|E(?=\s))"
)


# Every pattern above needs one of these (lower-cased); most log lines hold none, and
# substring tests are far cheaper than the patterns, so they go first.
_KEYS = (
    "err", "exception", "fail", "fault", "fatal", "panic", "critical", "no module named",
    "make: ***", "econn", "etimedout", "enotfound", "eaddrinuse", "eacces", "enoent", "epipe",
    "ehostunreach", "eresolve", "oomkilled", "backoff", "back-off", "segmentation fault",
    "core dumped", "killed", "exit", "command not found", "denied", "no such file", "unable to",
    "cannot", "can't", "could", "does not exist", "not found", "time", "refused", "unhealthy",
    "invalid", "x509:", "uncaught", "unhandled", "went wrong", "no space left",
    "out of memory", "deadlock", "nxdomain", "servfail", "accessdenied", "no such host",
    "available", "exceeded", "too many", "insufficient", "unauthori", "forbidden", "expired",
    "did not", "didn't", "rejected", "violates", "crash", "abort", "prematurely", "throttl",
)  # fmt: skip


def _is_error(line: str) -> bool:
    lower = line.lower()
    if not any(key in lower for key in _KEYS):
        return False
    if _FRAME.search(_LOG_PREFIX.sub("", line, count=1)):
        return False
    if _STRONG.search(line):
        return True
    return bool(_WEAK.search(line)) and not _QUIET.search(line)


def error_lines(log: str) -> list[tuple[int, str]]:
    """The lines of `log` that look like errors, numbered from 1, cleaned of ANSI escapes.

    One pass over the log, a fixed number of regex searches per line (each bounded by
    signature_text.MAX_LINE_CHARS): linear time. A Python traceback yields its last line, the exception.
    """
    found: list[tuple[int, str]] = []
    traceback_since = 0
    for number, raw in enumerate(log.splitlines(), start=1):
        line = clean(raw)
        if not line.strip():
            continue
        if traceback_since:
            body = _LOG_PREFIX.sub("", line, count=1)
            if body[:1].isspace() and number - traceback_since < _MAX_TRACEBACK_LINES:
                continue
            traceback_since = 0
            if _TRACEBACK not in line:
                found.append((number, line))
                continue
        if _TRACEBACK in line:
            traceback_since = number
        elif _is_error(line):
            found.append((number, line))
    return found


def output_lines(output: str) -> list[tuple[int, str]]:
    """The error lines of a record's error output, or its first lines if none look like one."""
    found = error_lines(output)
    if found:
        return found
    lines = [(n, clean(raw)) for n, raw in enumerate(output.splitlines(), start=1)]
    return [(n, line) for n, line in lines if line.strip()][:_FALLBACK_LINES]
