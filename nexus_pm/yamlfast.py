"""The fast way to read a record's YAML: rapidyaml, trusted only where it reads as the careful loader.

`careful_data` (yamlsafe's loader) is what a record means. Rapidyaml reads YAML 1.2, drops tags
and anchors, turns an alias into text, keeps duplicate keys and takes a few characters libyaml
refuses, so a text goes this way only when none of that can matter: `fast_data` gives None, and
the caller reads the file carefully, whenever the text holds anything that could make the two
disagree. Its answer, when it gives one, is the careful loader's data. A file that then fails
the schema is read carefully again, so every message comes from the careful path.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from typing import Any

from .limits import MAX_VALUES

#: Set to 0 to read every record with the careful loader alone.
SWITCH = "NEXUS_PM_FAST_YAML"

# Characters the careful loader refuses, or reads otherwise: what yamlsafe.UNCARRIED names, and
# tab (indentation), CR, NEL, LS, PS (line breaks in YAML 1.1 only) and a BOM inside the text.
_ODD_CHARS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]")
# A tag (`!`), an anchor (`&`), an alias (`*`), or a character libyaml cannot start a value with
# (`@`, a backtick) where a value may start: after `: `, `- `, `? `, a line break, a flow
# indicator, or two spaces; `a *bold* word` does not match. A closing bracket matches where a
# block value starts (`key: ]`), which libyaml refuses and rapidyaml takes for text, but not
# in a flow collection (`[]`, `[a, ]`), which it closes. The character is a match's last.
# Written for RE2, which finds them several times faster than Python's lookbehinds did.
_NODE_START = r"(?:[\n\[{,]|[\n:?\[{,-] |  )[!&*@`]|(?:\n|[\n:?-] |  )[\]}]"
# A plain value YAML 1.1 reads as a number of base 60 (`1:30` is 90), which rapidyaml leaves as
# text: the JSON cannot tell it from a quoted '1:30', so the YAML is searched.
_SEXAGESIMAL = (
    r"[:?\-\[{,\n] *[-+]?(?:[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|0[0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)"
    r" *(?:[\n#,\]}]|\z|:(?:[ \n]|\z))"
)
# A JSON string that YAML 1.1 reads as something else when it is written plain, and that
# rapidyaml writes as a string (it writes `true`, `null` and decimal numbers as JSON does):
# other booleans and nulls, `<<`, `=`, numbers in other bases or with `_`, `.inf`, `.nan`.
# And a key that is not a word: the careful loader refuses `1:`, `true:` or `~:`.
# Searched by RE2 (see _re2), which has no lookaround.
_TYPED = (
    r'"(?:(?:yes|Yes|YES|no|No|NO|True|TRUE|False|FALSE|on|On|ON|off'
    r"|Off|OFF|~|Null|NULL|<<|=|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[0-9][0-9_]*_[0-9_]*|\+[0-9_]+|[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?"
    r'|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))"'
    r'|(?:[-+.0-9~<=][^"]*|true|false|null)?": )'
)
# A number as rapidyaml writes a plain `1.5`, `1.` or `.5`, all floats to YAML 1.1 too.
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")
# JSON escapes rapidyaml may write for a control character, which _ODD_CHARS would not see.
_ESCAPES = re.compile(r"\\[bfu]")
# A block scalar's header that is not one, or one with an indentation digit: after `|` or `>`,
# at most a chomping sign, then only a comment or the line's end. libyaml refuses `>-1e3`;
# rapidyaml reads it. And the two read `|2` over lines of spaces alike only when they are
# not all spaces; a digit is rare enough that every text holding one is read carefully.
# Without lookahead, which RE2 lacks: what follows the `|` or `>` on its line, up to a comment,
# holds a character other than a sign or a blank, a sign after a blank, or two signs.
# tests/test_yaml_paths.py checks it against the same rule written with a lookahead.
_BAD_BLOCK_HEADER = r"(?:[:?-] |\n)[|>](?:[^#\n]*[^+\- \t#\n]|[^#\n]*[ \t][+\-]|[+\-]{2})"
# Directives and document markers: the careful loader reads one document, without directives.
_MARKERS = r"\n(?:---|\.\.\.|%)"
# What makes a text unsure wherever it is: in an ASCII text a character of _ODD_CHARS (the
# others are searched for in the text), _SEXAGESIMAL, _MARKERS or _BAD_BLOCK_HEADER. One RE2
# pass over a text says whether any of them, or a _NODE_START, matches; only then is the text
# searched for these alone, and each node start looked at.
_UNSURE = "|".join(
    f"(?:{pattern})"
    for pattern in (r"[\x00-\x09\x0b-\x1f\x7f]", _SEXAGESIMAL, _MARKERS, _BAD_BLOCK_HEADER)
)
_TEXT_SUSPECTS = f"{_UNSURE}|(?:{_NODE_START})"
# A line that is one quoted scalar, perhaps after dashes and a plain key, and a comment: what
# is between its quotes is text, whatever character it starts with.
_QUOTED_LINE = re.compile(
    r" *(?:- +)*(?:[A-Za-z0-9_][\w.-]*: +)?('(?:[^'\n]|'')*'|\"(?:[^\"\\\n]|\\.)*\")(?: +#[^\n]*)? *"
)
# A block scalar's header ending its line: `|` or `>` and a chomping sign, after `: `, `- `,
# `? ` or the indentation. One with an indentation digit or a comment is not taken for one.
_BLOCK_HEADER = re.compile(r"(?:.*[:?-] | *)[|>][-+]? *")


class _Unsure(Exception):
    """The fast reading might differ from the careful one."""


def enabled() -> bool:
    """Whether records may be read the fast way (NEXUS_PM_FAST_YAML=0 turns it off)."""
    return os.environ.get(SWITCH, "1") != "0"


def fast_data(text: str) -> tuple[dict[str, Any], bool] | None:
    """The mapping the careful loader would read from `text`, or None when that is not sure.

    With it, whether any value might hold a TODO: the JSON it was read from shows each value's
    characters as they are, so a TODO that escapes spell in the YAML is spelt there.
    """
    ascii = text.isascii()
    if (
        (not ascii and _ODD_CHARS.search(text))
        or text.startswith(("---", "...", "%"))
        or "-." in text  # `-.5` is text to YAML 1.1 and a number to rapidyaml
        or text[:1] in "!&*@`]}"
    ):
        return None
    encoded = text.encode("utf-8")  # no surrogate is left: _ODD_CHARS refuses them
    if _re2(_TEXT_SUSPECTS, binary=True).search(encoded) and (
        _re2(_UNSURE, binary=True).search(encoded)
        or _starts_a_value(text, encoded if ascii else None)
    ):
        return None
    try:
        emitted = _emit(encoded)
    except Exception:  # any refusal means: read it carefully
        return None
    if not emitted or not emitted.startswith("{"):
        return None
    # Only an escape (a backslash) can put a character in a value that the text does not hold;
    # rapidyaml writes no other character as an escape. Searched first: RE2 cannot read a
    # surrogate, which an escape can write.
    if ("\\" in text or not ascii) and (_ODD_CHARS.search(emitted) or _ESCAPES.search(emitted)):
        return None
    if _re2(_TYPED).search(emitted):
        return None
    try:
        data = json.loads(
            emitted,
            strict=False,  # rapidyaml writes a tab as it is
            object_pairs_hook=_unique,
            parse_float=_float,
            parse_constant=_refuse,
        )
    except (_Unsure, ValueError, RecursionError):
        return None
    return (data, "TODO" in emitted) if isinstance(data, dict) else None


@functools.cache
def _re2(pattern: str, *, binary: bool = False) -> Any:
    """`pattern` compiled by RE2, for bytes or for text. Imported here, as rapidyaml is."""
    import re2

    return re2.compile(pattern.encode("ascii") if binary else pattern)


def _starts_a_value(text: str, ascii: bytes | None) -> bool:
    """Whether a `!`, `&`, `*`, `@`, backtick or closing bracket may begin a value.

    Inside a quoted scalar that is one line, or on a line of a block scalar, it does not.
    At the start of a line it does only when the line before (blank and comment lines aside)
    opens a value (it ends with `:`, a dash or a flow indicator, or holds a comment) or holds
    a key at or past the line's indentation. Otherwise the line goes on a scalar of the line
    before, as the lines of a long summary do.
    """
    # `ascii` is the text's bytes when it is ASCII, where a byte's offset is its character's:
    # RE2 finds the starts in bytes several times faster than in text, which it converts.
    starts = (
        _re2(_NODE_START).finditer(text)
        if ascii is None
        else _re2(_NODE_START, binary=True).finditer(ascii)
    )
    for found in starts:
        at = found.end() - 1
        start = text.rfind("\n", 0, at) + 1
        if _is_text(text, start, at):
            continue
        if text[at] == "!" or text[start:at].strip(" "):
            return True
        for raw in _lines_above(text, start):
            line = raw.strip(" ")
            if line and not line.startswith("#"):
                break
        else:
            return True
        if "#" in line or line == "-" or line.endswith((":", " -", "[", "{", ",", "?")):
            return True
        # A scalar's next line is indented past the key the line before holds (`- at:`'s is
        # at 2, a top-level key's at 0); one that is not starts a node of its own.
        if at - start <= len(raw) - len(raw.lstrip(" -")):
            return True
    return False


def _is_text(text: str, start: int, at: int) -> bool:
    """Whether the character at `at`, on the line from `start`, is surely inside a scalar.

    It is when the line is one quoted scalar that holds it, or a line of a block scalar.
    """
    end = text.find("\n", at)
    line = text[start : len(text) if end < 0 else end]
    quoted = _QUOTED_LINE.fullmatch(line)
    if quoted and quoted.start(1) < at - start < quoted.end(1) - 1:
        return True
    return _in_block_scalar(text, start, len(line) - len(line.lstrip(" ")))


def _in_block_scalar(text: str, start: int, indent: int) -> bool:
    """Whether the line from `start`, indented by `indent`, is a line of a block scalar.

    It is when the nearest line above it that is indented less ends with a block scalar's
    header, the header's key is indented less than `indent`, and the first line below the
    header that is not blank is indented by `indent` too (the scalar's own indentation).
    """
    if indent == 0:
        return False
    first = indent
    for raw in _lines_above(text, start):
        if raw.strip(" "):
            shift = len(raw) - len(raw.lstrip(" "))
            if shift < indent:
                key = len(raw) - len(raw.lstrip(" -"))
                return first == indent and key < indent and bool(_BLOCK_HEADER.fullmatch(raw))
            first = shift
    return False


def _lines_above(text: str, start: int) -> Iterator[str]:
    """The lines above the one that begins at `start`, the nearest first."""
    end = start - 1
    while end > 0:
        begin = text.rfind("\n", 0, end) + 1
        yield text[begin:end]
        end = begin - 1


def _emit(encoded: bytes) -> str | None:
    # Imported here: a command that reads no record does not pay for it.
    import ryml  # type: ignore[import-untyped]

    # Rapidyaml prints each parse error to file descriptor 2 before it raises; hide that.
    saved = os.dup(2)
    os.dup2(_null(), 2)
    try:
        tree = ryml.parse_in_arena(encoded)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    # The careful loader counts keys and values apart, rapidyaml a key and its value as one node.
    if 2 * tree.size() > MAX_VALUES:
        return None
    emitted: str | None = ryml.emit_json(tree)
    return emitted


@functools.cache
def _null() -> int:
    """One descriptor of the null device for the process, instead of one per record."""
    return os.open(os.devnull, os.O_WRONLY)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Unsure("duplicate key")
    return mapping


def _float(literal: str) -> float:
    if not _FLOAT.fullmatch(literal):
        raise _Unsure(literal)  # `1e3` is text to YAML 1.1
    return float(literal)


def _refuse(literal: str) -> Any:
    raise _Unsure(literal)
