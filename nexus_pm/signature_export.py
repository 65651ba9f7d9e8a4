"""The matcher as data for the browser: its patterns in JavaScript syntax, its word lists and limits.

The site's "Seen this error?" page runs the same rules as `nexus-pm match` (its script,
`templates/assets/seen.js`, only interprets them), so the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import signature_index, signature_lines, signature_rules, signature_text, signatures

__all__ = ["js_pattern", "program"]

# What `\s` means: ASCII space (the patterns' own, see signature_text.ascii_re) and
# everything str.isspace() holds (for the one Unicode pattern, and for strip()).
_ASCII_SPACE = r"\t\n\v\f\r "
_UNICODE_SPACE = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NAMED: dict[Callable[[re.Match[str]], str], str] = {
    signature_rules.ip: "ip",
    signature_rules.tool: "tool",
}


def js_pattern(pattern: re.Pattern[str]) -> dict[str, str]:
    """A Python pattern as a JavaScript RegExp's source and flags, meaning the same.

    Handles what the matcher's patterns use: named groups, verbose layout, and `\\s`
    (ASCII or Unicode as the pattern is compiled). A class that differs between the two
    languages in a Unicode pattern (`\\d`, `\\w`, `\\b`) is refused.
    """
    source, flags = pattern.pattern, pattern.flags
    ascii_only = bool(flags & re.ASCII)
    verbose = bool(flags & re.VERBOSE)
    out: list[str] = []
    in_class = False
    at = 0
    while at < len(source):
        char = source[at]
        if char == "\\":
            escaped = source[at + 1]
            if escaped == "s":
                space = _ASCII_SPACE if ascii_only else _UNICODE_SPACE
                out.append(space if in_class else f"[{space}]")
            elif escaped in "dwbDWB" and not ascii_only:
                raise ValueError(f"\\{escaped} differs between Python and JavaScript: {source!r}")
            elif escaped in " #":
                out.append(escaped if escaped == " " else "\\#")
            else:
                out.append(char + escaped)
            at += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
        elif verbose and char.isspace():
            pass
        elif verbose and char == "#":
            newline = source.find("\n", at)
            at = len(source) if newline < 0 else newline
            continue
        elif source.startswith("(?P<", at):
            out.append("(?<")
            at += 4
            continue
        else:
            out.append(char)
        at += 1
    return {"source": "".join(out), "flags": "i" if flags & re.IGNORECASE else ""}


def _replacement(value: str | Callable[[re.Match[str]], str]) -> dict[str, str]:
    if isinstance(value, str):
        if "$" in value or "\\" in value:
            raise ValueError(f"a replacement JavaScript would read otherwise: {value!r}")
        return {"text": value}
    return {"call": _NAMED[value]}


def program() -> dict[str, Any]:
    """Everything the browser's matcher reads besides the incidents: rules, words, limits."""
    text, lines = signature_text, signature_lines
    return {
        "max_line_chars": text.MAX_LINE_CHARS,
        "unicode_space": _UNICODE_SPACE,
        "ansi": js_pattern(text._ANSI),
        "rules": [
            {"needle": needle, **js_pattern(pattern), **_replacement(replacement)}
            for needle, pattern, replacement in signature_rules.RULES
        ],
        "quoted": js_pattern(text._QUOTED),
        "quotes": text._QUOTES,
        "word": js_pattern(text._WORD),
        "placeholder": js_pattern(text._PLACEHOLDER),
        "lead": js_pattern(text._LEAD),
        "space": js_pattern(text._SPACE),
        "token": js_pattern(text._TOKEN),
        "code": js_pattern(text._CODE),
        "placed": js_pattern(text._PLACED),
        "generic": sorted(text.GENERIC),
        "stop": sorted(text._STOP),
        "lines": {
            "strong": js_pattern(lines._STRONG),
            "weak": js_pattern(lines._WEAK),
            "quiet": js_pattern(lines._QUIET),
            "log_prefix": js_pattern(lines._LOG_PREFIX),
            "frame": js_pattern(lines._FRAME),
            "keys": list(lines._KEYS),
            "traceback": lines._TRACEBACK,
            "max_traceback_lines": lines._MAX_TRACEBACK_LINES,
        },
        "match": {
            "generic_idf": signature_index.GENERIC_IDF,
            "min_score": signatures.MIN_SCORE,
            "min_evidence": signatures.MIN_EVIDENCE,
            "code_factor": signatures.CODE_FACTOR,
            "exact_bonus": signatures.EXACT_BONUS,
            "pattern_bonus": signatures.PATTERN_BONUS,
            "candidate_tokens": signatures._CANDIDATE_TOKENS,
            "max_postings": signatures._MAX_POSTINGS,
            "scored_candidates": signatures._SCORED_CANDIDATES,
            "max_pattern_checks": signatures._MAX_PATTERN_CHECKS,
            "short_paste": signatures._SHORT_PASTE,
            "max_query_lines": signatures._MAX_QUERY_LINES,
        },
    }
