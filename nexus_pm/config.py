"""The project's settings: the severity scale and the known services and tags, checked."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import NexusError, Problem, display_path, one_line
from .limits import MAX_BYTES
from .record_files import brief, read_text
from .record_names import DEFAULT_SEVERITIES, SLUG_PATTERN, did_you_mean

#: The keys that feed the validation context; pyproject.toml also holds `check`.
KEYS = ("severities", "services", "tags")
#: `[tool.nexus-pm.check]` belongs to `nexus-pm check` (checks/files.py), which reads it.
PYPROJECT_OWNED_ELSEWHERE = ("check",)
TABLE = "tool.nexus-pm"
MAX_SEVERITY = 40
SLUG_HELP = "must be a slug: lowercase letters, digits, '.', '_' or '-', at most 63"


@dataclass(frozen=True)
class Settings:
    """`[tool.nexus-pm]` in pyproject.toml; None for services or tags means any goes."""

    severities: tuple[str, ...] = DEFAULT_SEVERITIES
    services: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None

    def context(self) -> dict[str, object]:
        """The context that format-2 validation reads: `Incident.model_validate(d, context=...)`."""
        context: dict[str, object] = {"severities": list(self.severities)}
        if self.services is not None:
            context["services"] = list(self.services)
        if self.tags is not None:
            context["tags"] = list(self.tags)
        return context


def load_settings(root: Path) -> Settings:
    """Read `[tool.nexus-pm]` from root/pyproject.toml; no file or no table means defaults.

    Every problem in the table is collected before one NexusError is raised.
    """
    path = root / "pyproject.toml"
    if not path.is_file():
        return Settings()
    shown = display_path(path)
    text = read_text(path, max_bytes=MAX_BYTES, root=root)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        line = int(at.group(1)) if at else 1
        raise NexusError([Problem(shown, line, "toml", f"cannot be read: {exc}")]) from None
    lines = key_lines(text)
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise NexusError([Problem(shown, lines.get("tool", 1), "tool", "must be a table")])
    table = tool.get("nexus-pm", {})
    header = lines.get(TABLE, 1)
    if not isinstance(table, dict):
        raise NexusError([Problem(shown, header, TABLE, "must be a table")])
    return settings_from_mapping(
        table,
        shown,
        lambda key: lines.get(f"{TABLE}.{key}", header),
        prefix=TABLE,
        owned_elsewhere=PYPROJECT_OWNED_ELSEWHERE,
    )


def settings_from_mapping(
    data: Mapping[str, object],
    source: str,
    line_of: Callable[[str], int],
    *,
    prefix: str = "",
    owned_elsewhere: Collection[str] = (),
) -> Settings:
    """Check and read the settings in `data`, as from pyproject.toml or a plugin's config.

    Problems name `source`, the line `line_of(key)` gives, and the field `prefix.key`.
    A key set to None (YAML's empty value) counts as not set. Keys in `owned_elsewhere`
    are accepted and left to their owner; any other unknown key is an error.
    """
    problems: list[Problem] = []
    found: dict[str, tuple[str, ...]] = {}
    known = [*KEYS, *owned_elsewhere]
    for key, value in data.items():
        name = one_line(str(key))
        field = f"{prefix}.{name}" if prefix else name
        if key in owned_elsewhere:
            continue
        if key not in KEYS:
            choices = ", ".join(repr(k) for k in known)
            hint = did_you_mean(name, known) or f"; expected one of {choices}"
            problems.append(Problem(source, line_of(name), field, f"unknown setting{hint}"))
            continue
        if value is None:
            continue
        at = line_of(name)
        items, wrong = _items(value, field, key == "severities")
        problems.extend(Problem(source, at, where, message) for where, message in wrong)
        if not wrong:
            found[name] = items
    if problems:
        raise NexusError(problems)
    return Settings(
        severities=found.get("severities", DEFAULT_SEVERITIES),
        services=found.get("services"),
        tags=found.get("tags"),
    )


def _items(
    value: object, field: str, severities: bool
) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """The strings of a list setting, and (field, message) for each thing wrong with it."""
    check = _severity if severities else _slug
    if not isinstance(value, list):
        what = "severity names, worst first" if severities else "slugs"
        return (), [(field, f"must be a list of {what} (got {_got(value)})")]
    if severities and not value:
        return (), [(field, "must name at least one severity, the worst first")]
    wrong: list[tuple[str, str]] = []
    first: dict[str, int] = {}
    for index, item in enumerate(value):
        where = f"{field}.{index}"
        if not isinstance(item, str):
            wrong.append((where, f"must be a string (got {_got(item)})"))
        elif (why := check(item)) is not None:
            wrong.append((where, why))
        elif item in first:
            wrong.append((where, f"{item!r} is already listed as item {first[item]}"))
        else:
            first[item] = index
    return tuple(value), wrong


def _severity(name: str) -> str | None:
    if not name.strip():
        return "must not be empty"
    if name != name.strip():
        return f"must not begin or end with whitespace (got {brief(name)})"
    if len(name) > MAX_SEVERITY:
        return f"must be at most {MAX_SEVERITY} characters (got {brief(name)})"
    return None


def _slug(name: str) -> str | None:
    return None if re.fullmatch(SLUG_PATTERN, name) else f"{SLUG_HELP} (got {brief(name)})"


def _got(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "a table" if isinstance(value, Mapping) else brief(value)


_PART = r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'"""
_DOTTED = rf"(?:{_PART})(?:\s*\.\s*(?:{_PART}))*"
_HEADER = re.compile(rf"\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(rf"\s*({_DOTTED})\s*=")


def key_lines(text: str) -> dict[str, int]:
    """The first line each table and key is named on, by dotted path: `tool.nexus-pm.tags`.

    A scan, not a parse: enough to point a problem at its line in a valid TOML file.
    """
    lines: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if header := _HEADER.match(line):
            table = _parts(header.group(1))
            path = table
        elif key := _KEY.match(line):
            path = [*table, *_parts(key.group(1))]
        else:
            continue
        for end in range(1, len(path) + 1):
            lines.setdefault(".".join(path[:end]), number)
    return lines


def _parts(dotted: str) -> list[str]:
    return [part.strip("\"'") for part in re.findall(_PART, dotted)]
