"""Read incident files safely and turn every problem into a `path:line: field: message`."""

from __future__ import annotations

import difflib
import functools
import gc
import re
import stat
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import NexusError, Problem, display_path
from .models import ID_PATTERN, RULE_PATTERN, SLUG_PATTERN, Incident

MAX_BYTES = 1024 * 1024
# The seed record holds about 500 values. The cap keeps a pathological file
# (a megabyte of one-character list items) from costing seconds and hundreds
# of megabytes in validation, and from printing a hundred thousand errors.
MAX_VALUES = 20_000
SUFFIXES = (".yaml", ".yml")
_PLAIN_KEY = re.compile(r"[\w.-]+")
PATTERN_HELP = {
    ID_PATTERN: "must look like INC-0001: INC- and 4 to 6 digits",
    SLUG_PATTERN: "must be a slug: lowercase letters, digits, '.', '_' or '-', at most 63",
    RULE_PATTERN: "must be a rule id such as dockerfile/pip-user-install",
}

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeLoader(_Loader):  # type: ignore[misc]
    """Safe loader (C-accelerated when available) that rejects duplicate keys and aliases."""

    values = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # The composer hands an alias back as the very node it names, so a
        # second visit means an alias: refusing them defuses "billion laughs".
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not supported in records", node.start_mark
            )
        self.values += 1
        if self.values > MAX_VALUES:
            message = f"the record holds more than {MAX_VALUES} values; trim it"
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError, AttributeError, LookupError) as exc:
            # Explicit tags such as `!!int abc` or an empty `!!timestamp` fail
            # inside PyYAML's constructors, each in its own way.
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            why = "" if isinstance(exc, AttributeError | LookupError) else f": {exc}"
            message = f"cannot read {_brief(node.value)} as {tag}{why.split(';')[0]}"
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):  # `!!set ~` asks for a mapping of a scalar
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, but found {node.id}", node.start_mark
            )
        seen: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key_node.tag != "tag:yaml.org,2002:str":
                # `1:`, `yes:` or `~:` would reach the schema as a number, bool or None.
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {_brief(key_node.value)} is not text; field names are words",
                    key_node.start_mark,
                )
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key_node.value!r} (first defined on line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _brief(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


# Dates stay strings until the schema reads them, so that a bad date is reported
# against its field, with the schema's message, instead of failing inside YAML.
_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Record:
    """A valid incident and the file it came from."""

    path: Path
    incident: Incident
    text: str


def read_text(path: Path, *, max_bytes: int = MAX_BYTES, root: Path | None = None) -> str:
    """Read a record's text, refusing links out of `root`, oversize files and bad encodings."""
    shown = display_path(path)
    if path.is_symlink() and root is not None:
        target = path.resolve()
        if not target.is_relative_to(root.resolve()):
            raise _fail(shown, 1, "file", f"is a symlink to a file outside {display_path(root)}/")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # Opening a FIFO blocks, and /dev/zero never ends.
            raise _fail(shown, 1, "file", "is not a regular file")
        if info.st_size > max_bytes:
            size = f"is {info.st_size} bytes, over the {max_bytes}-byte size cap"
            raise _fail(shown, 1, "file", size)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # it may have grown since stat
        if len(data) > max_bytes:
            raise _fail(shown, 1, "file", f"is over the {max_bytes}-byte size cap")
    except OSError as exc:
        raise _fail(shown, 1, "file", f"cannot be read: {exc.strerror or exc}") from None
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise _fail(shown, line, "file", "contains a NUL byte; records must be text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            shown, line, "file", f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None
    return text.replace("\r\n", "\n")


def parse_yaml(text: str, shown: str) -> Any:
    """Parse one YAML document; errors carry the line they happened on."""
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, message = _describe(exc, text)
        raise _fail(shown, line, "yaml", message) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise _fail(shown, line, "yaml", f"character U+{exc.character:04X}: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise _fail(shown, 1, "yaml", str(exc).splitlines()[0]) from None
    except RecursionError:
        raise _fail(shown, 1, "yaml", "nesting is too deep") from None


def _describe(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    if "could not determine a constructor" in problem:
        tag = problem.split("tag ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return line, f"tag {tag} is not allowed; records hold plain data only"
    if "aliases are not supported" in problem:
        return _first_alias_line(text) or line, problem
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return line, "a tab character cannot be used for indentation; use spaces"
    if exc.context and exc.context.startswith("expected"):
        return line, f"{exc.context}, {problem}; keep one incident per file"
    if problem.startswith("mapping values are not allowed"):
        return line, f"{problem}; check the indentation, or quote a value that holds ': '"
    if exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
        # Unclosed brackets and quotes fail far below where they were opened.
        return line, f"{problem} ({exc.context} that starts on line {exc.context_mark.line + 1})"
    return line, problem


def _first_alias_line(text: str) -> int | None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return int(event.start_mark.line) + 1
    return None


def parse_incident(text: str, path: Path | str) -> Incident:
    """Validate one record's text against the schema."""
    shown = display_path(path)
    data = parse_yaml(text, shown)
    if data is None:
        raise _fail(shown, 1, "record", "file is empty; expected a mapping of incident fields")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__} value"
        raise _fail(shown, 1, "record", f"expected a mapping of incident fields, got {kind}")
    try:
        return Incident.model_validate(data)
    except ValidationError as exc:
        raise NexusError(_problems(exc, text, shown)) from None


def load_file(path: Path, *, max_bytes: int = MAX_BYTES, root: Path | None = None) -> Record:
    """Read and validate one file."""
    text = read_text(path, max_bytes=max_bytes, root=root)
    return Record(path=path, incident=parse_incident(text, path), text=text)


def collect(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Record files under `paths`, and the other files that were passed over."""
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if not child.is_file() and not child.is_symlink():
                    continue
                (files if child.suffix in SUFFIXES else skipped).append(child)
        else:
            files.append(path)
    return files, skipped


def load_records(paths: Sequence[Path], *, max_bytes: int = MAX_BYTES) -> list[Record]:
    """Load every record under `paths`, gathering all problems before raising once."""
    # Loading makes hundreds of thousands of small objects and no reference cycles; the
    # cyclic collector would rescan them over and over (a third of the time at N=1,000).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_records(paths, max_bytes)
    finally:
        if enabled:
            gc.enable()


def _load_records(paths: Sequence[Path], max_bytes: int) -> list[Record]:
    problems: list[Problem] = []
    records: list[Record] = []
    for root in paths:
        files, _ = collect([root])
        for path in files:
            try:
                records.append(
                    load_file(path, max_bytes=max_bytes, root=root if root.is_dir() else None)
                )
            except NexusError as exc:
                problems.extend(exc.problems)
    problems.extend(cross_record_problems(records))
    # Imported here: the checks package reads records, so it imports this module.
    from .checks.links import record_check_problems

    problems.extend(record_check_problems(records))
    if problems:
        raise NexusError(problems)
    return sorted(records, key=lambda r: (r.incident.date, r.incident.id), reverse=True)


def cross_record_problems(records: Iterable[Record]) -> list[Problem]:
    """Rules that span files: unique ids, and related ids that exist."""
    problems: list[Problem] = []
    owners: dict[str, Record] = {}
    ordered = sorted(records, key=lambda r: display_path(r.path))
    for record in ordered:
        first = owners.setdefault(record.incident.id, record)
        if first is not record:
            problems.append(
                _at(
                    record,
                    ("id",),
                    f"{record.incident.id} is already used by {display_path(first.path)}",
                )
            )
    for record in ordered:
        for index, other in enumerate(record.incident.related):
            if other not in owners:
                problems.append(_at(record, ("related", index), f"no incident has the id {other}"))
    return problems


def _at(record: Record, loc: tuple[str | int, ...], message: str) -> Problem:
    shown = display_path(record.path)
    return Problem(shown, locate(record.text, loc), _field(loc), message)


def _fail(shown: str, line: int, field: str, message: str) -> NexusError:
    return NexusError([Problem(shown, line, field, message)])


def _field(loc: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in loc) or "record"


def _problems(exc: ValidationError, text: str, shown: str) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden" and not _PLAIN_KEY.fullmatch(str(loc[-1])):
            # A key with spaces or line breaks would break the `path:line: field:` shape.
            line = locate(text, loc)
            message = f"unknown field {_brief(loc[-1])}" + _suggest(loc)
            problems.append(Problem(shown, line, _field(loc[:-1]), message))
            continue
        if error["type"] == "extra_forbidden":
            message = "unknown field" + _suggest(loc)
        elif error["type"] == "string_pattern_mismatch":
            pattern = (error.get("ctx") or {}).get("pattern", "")
            message = PATTERN_HELP.get(pattern, message) + f" (got {error['input']!r})"
        elif error["type"] not in ("missing",) and _is_short_scalar(error.get("input")):
            message += f" (got {error['input']!r})"
        problems.append(Problem(shown, locate(text, loc), _field(loc), message))
    return problems


def _is_short_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and len(repr(value)) <= 60


def _suggest(loc: tuple[str | int, ...]) -> str:
    key = loc[-1]
    fields = _fields_at(loc[:-1])
    if not isinstance(key, str) or not fields:
        return ""
    lowered = {name.lower(): name for name in fields}
    match = lowered.get(key.lower()) or next(
        iter(difflib.get_close_matches(key, fields, n=1, cutoff=0.6)), None
    )
    return f"; did you mean '{match}'?" if match else ""


def _fields_at(loc: Sequence[str | int]) -> list[str]:
    annotation: Any = Incident
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = typing.get_args(annotation)
            annotation = args[0] if args else None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            annotation = field.annotation if field else None
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    # Optional[X] and Annotated[X, ...] both hide the model we want to look into.
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else None
        else:
            return annotation


@functools.lru_cache(maxsize=1)
def _compose(text: str) -> yaml.Node | None:
    # Kept for the next call: one file with thousands of errors is located
    # against one parse, not one parse per error.
    return yaml.compose(text, Loader=_Loader)


def locate(text: str, loc: Sequence[str | int]) -> int:
    """The 1-based line of the deepest node of `loc` that exists in the document."""
    try:
        node = _compose(text)
    except yaml.YAMLError:
        return 1
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    # An unknown or wrong key is best shown on the key's own line.
                    line = key_node.start_mark.line + 1
                    child = value_node
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
