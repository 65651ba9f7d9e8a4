"""The small languages of declared rules: repo globs, and queries over YAML, JSON and TOML data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import re2

#: Where a query's path leads to nothing.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()
#: A path with wildcards over a large document stops after this many places: work stays bounded.
MAX_PLACES = 10_000
OPERATORS = ("==", "!=", ">=", "<=", ">", "<")

# These patterns are ours and read untrusted text; each is unambiguous, so matching is linear.
_NAME = re.compile(r"[A-Za-z_$@][A-Za-z0-9_$@-]*|\*")
_BRACKET = re.compile(r'\[(?:([0-9]{1,9})|(\*)|"((?:[^"\\]|\\.)*)")\]')
_TEST = re.compile(r"\s+(exists|absent|(==|!=|>=|<=|>|<)\s*(.+))\s*$")
_GLOB_PART = re.compile(r"[A-Za-z0-9._+@*?{},\[\]!-]+")

Step = str | int | None  # a key, an index, or None for "every item or value"
Place = tuple[str | int, ...]


@dataclass(frozen=True)
class Query:
    """`PATH TEST`: a path into a document and what must hold where it leads."""

    text: str
    path: tuple[Step, ...]
    #: The path as written.
    path_text: str
    test: str  # exists, absent, or an operator
    value: Any = None

    def holds(self, found: Any) -> bool:
        """Whether the value at one place (or MISSING) passes the test."""
        if self.test == "exists":
            return found is not MISSING
        if self.test == "absent":
            return found is MISSING
        if found is MISSING:
            return False
        return compare(found, self.test, self.value)


def parse_query(text: str) -> Query:
    """Read `spec.containers[*].image exists` or `db.timeout_ms >= 1000`; raises ValueError."""
    path, end = _path(text)
    test = _TEST.match(text, end)
    if not test:
        raise ValueError(
            f"expected a test after the path at column {end + 1}: "
            "exists, absent, or an operator (== != >= <= > <) and a value"
        )
    if test.group(2) is None:
        return Query(text, path, text[:end], test.group(1))
    try:
        value = json.loads(test.group(3))
    except ValueError:
        raise ValueError(
            f'cannot read the value {test.group(3)!r}: write a number, a "quoted string", '
            "true, false or null"
        ) from None
    if isinstance(value, list | dict):
        raise ValueError("compare to a number, a string, true, false or null, not a list or table")
    op = test.group(2)
    if op not in ("==", "!=") and not _number(value) and not isinstance(value, str):
        raise ValueError(f"{op} compares numbers or strings, not {test.group(3)}")
    return Query(text, path, text[:end], op, value)


def _path(text: str) -> tuple[tuple[Step, ...], int]:
    steps: list[Step] = []
    at = 0
    while at < len(text) and not text[at].isspace():
        if text[at] == "[":
            bracket = _BRACKET.match(text, at)
            if not bracket:
                raise ValueError(f'at column {at + 1}: write [N], [*] or ["key"]')
            index, star, key = bracket.groups()
            steps.append(None if star else int(index) if index else json.loads(f'"{key}"'))
            at = bracket.end()
            continue
        if steps and text[at] == ".":
            at += 1
        name = _NAME.match(text, at)
        if not name:
            raise ValueError(f"at column {at + 1}: expected a key name")
        steps.append(None if name.group() == "*" else name.group())
        at = name.end()
    if not steps:
        raise ValueError("names no path; write e.g. `spec.replicas >= 1`")
    return tuple(steps), at


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def compare(found: Any, op: str, value: Any) -> bool:
    """`found OP value`; values of different types are never equal and never ordered."""
    same = (_number(found) and _number(value)) or type(found) is type(value)
    if op == "==":
        return bool(same and found == value)
    if op == "!=":
        return not (same and found == value)
    if not same or not (_number(found) or isinstance(found, str)):
        return False
    return bool(
        {">=": found >= value, "<=": found <= value, ">": found > value, "<": found < value}[op]
    )


def select(data: Any, path: tuple[Step, ...]) -> Iterator[tuple[Place, Any]]:
    """Every place the path leads to in `data`, with its value or MISSING; at most MAX_PLACES."""
    todo: list[tuple[Place, Any, int]] = [((), data, 0)]
    count = 0
    while todo and count < MAX_PLACES:
        place, value, depth = todo.pop()
        if depth == len(path):
            count += 1
            yield place, value
            continue
        step = path[depth]
        if step is None:
            items = (
                list(enumerate(value))
                if isinstance(value, list)
                else list(value.items())
                if isinstance(value, dict)
                else []
            )
            if not items:
                count += 1
                yield place, MISSING
            # Pushed in reverse, so that places come out in document order.
            todo.extend(((*place, k), v, depth + 1) for k, v in reversed(items))
        elif _has(value, step):
            todo.append(((*place, step), value[step], depth + 1))
        else:
            count += 1
            yield place, MISSING


def place_text(place: Place) -> str:
    """A concrete place as a path: `spec.containers[0].image`."""
    out = ""
    for step in place:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _NAME.fullmatch(step) and step != "*":
            out += f".{step}" if out else step
        else:
            out += "[" + json.dumps(step, ensure_ascii=False) + "]"
    return out or "the document"


def _has(value: Any, step: str | int) -> bool:
    if isinstance(step, int):
        return isinstance(value, list) and step < len(value)
    return isinstance(value, dict) and step in value


def describe(value: Any) -> str:
    """A value found by a query, short, as the data would write it."""
    if value is MISSING:
        return "not set"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:56] + "..."


def check_glob(pattern: str) -> str:
    """A repo-relative glob (`k8s/**/*.yaml`), or ValueError when it could leave the repo."""
    if not pattern or pattern.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", pattern):
        raise ValueError(f"glob {pattern!r} must be relative to the repo root")
    parts = pattern.split("/")
    if any(part in ("..", ".", "") for part in parts):
        raise ValueError(
            f"glob {pattern!r} may not hold '..', '.' or an empty part: it must stay in the repo"
        )
    if not all(_GLOB_PART.fullmatch(part) for part in parts):
        raise ValueError(
            f"glob {pattern!r} may hold only letters, digits, . _ + @ - and the glob signs * ? [ ] {{ }} ,"
        )
    glob_regex(pattern)
    return pattern


def glob_regex(pattern: str) -> str:
    """The regular expression (for RE2) of a glob: `*` and `?` within a part, `**/` any folders."""
    out: list[str] = []
    at = 0
    depth = 0
    while at < len(pattern):
        char = pattern[at]
        if pattern.startswith("**/", at):
            out.append("(?:[^/]+/)*")
            at += 3
            continue
        if pattern.startswith("**", at):
            out.append(".*")
            at += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", at + 1)
            if end < 0:
                raise ValueError(f"glob {pattern!r} opens [ at column {at + 1} and never closes it")
            body = pattern[at + 1 : end]
            negate = body.startswith("!")
            body = re.escape(body[1:] if negate else body).replace("\\-", "-")
            out.append(f"[{'^' if negate else ''}{body}]")
            at = end + 1
            continue
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        at += 1
    if depth:
        raise ValueError(f"glob {pattern!r} opens {{ and never closes it")
    regex = "".join(out)
    try:
        compile_re2(regex)
    except ValueError:
        raise ValueError(f"glob {pattern!r} cannot be read as a glob") from None
    return regex


def compile_re2(pattern: str) -> Any:
    """`pattern` compiled by RE2: matching takes time linear in the text, whatever the pattern.

    RE2 has no backreferences or lookaround, the constructs that backtrack; its memory per
    pattern is capped, so an enormous pattern fails to compile instead of eating memory.
    Raises ValueError.
    """
    options = re2.Options()
    options.log_errors = False  # the error comes back as ValueError, not as a log line
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        why = exc.args[0] if exc.args else "cannot be compiled"
        why = why.decode("utf-8", "replace") if isinstance(why, bytes) else str(why)
        raise ValueError(f"invalid regular expression (RE2 syntax): {why}") from None


def check_regex(pattern: str) -> str:
    """A pattern RE2 accepts (linear time, no backreferences or lookaround), or ValueError."""
    compile_re2(pattern)
    return pattern
