"""Read incident files safely and turn every problem into a `path:line: field: message`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import NexusError, Problem, display_path
from .limits import MAX_BYTES as MAX_BYTES
from .limits import MAX_VALUES as MAX_VALUES
from .record_files import brief, fail
from .record_files import read_text as read_text
from .yamlfast import enabled as fast_enabled
from .yamlfast import fast_data

if TYPE_CHECKING:
    from pydantic import ValidationError

    from .models import Incident

# The models, pydantic and the locator are imported where they are used: a command that
# finds no record to read (`validate` of an empty folder) starts without them.
SUFFIXES = (".yaml", ".yml")
_PLAIN_KEY = re.compile(r"[\w.-]+")
# `nexus-pm new` names records from a date and a slug. Any other character in a name (a
# quote, a space, `<`) would reach links and pages that show where the record came from.
_NAME_ODD = re.compile(r"[^A-Za-z0-9._-]")
# Top-level fields that only format 1 had: a record holding one needs `nexus-pm migrate`.
FORMAT1_ONLY = frozenset(
    {"times", "trigger", "symptom", "root_cause", "implementation", "verification"}
    | {"system_status", "metrics", "access", "outcome", "fix_pattern", "final_status"}
    | {"references"}
)


def pattern_help() -> dict[str, str]:
    """What each pattern of the schema asks for, in words."""
    from .record_types import ID_PATTERN, RULE_PATTERN, SLUG_PATTERN

    return {
        ID_PATTERN: "must look like INC-0001: INC- and 4 to 6 digits",
        SLUG_PATTERN: "must be a slug: lowercase letters, digits, '.', '_' or '-', at most 63",
        RULE_PATTERN: "must be a rule id such as dockerfile/pip-user-install",
    }


def parse_yaml(text: str, shown: str) -> Any:
    """The careful loader's reading of `text` (yamlsafe), imported only when a text needs it."""
    from .yamlsafe import parse_yaml as careful

    return careful(text, shown)


def locate(text: str, loc: Sequence[str | int]) -> int:
    """The 1-based line of the deepest node of `loc` that exists in the document."""
    from .locate import locate as line_of

    return line_of(text, loc)


@dataclass(frozen=True)
class Record:
    """A valid incident and the file it came from."""

    path: Path
    incident: Incident
    text: str


def parse_incident(
    text: str, path: Path | str, context: dict[str, object] | None = None
) -> Incident:
    """Validate one record's text against the schema; `context` holds the team's settings.

    A text the fast parser can vouch for is read by it; a text it cannot, or one that fails,
    is read by the careful loader, which says where each problem is.
    """
    if fast_enabled() and (fast := fast_data(text)) is not None:
        try:
            return incident_of(fast[0], text, "", context, explain=False, todo=fast[1])
        except NexusError:
            pass
    shown = display_path(path)
    return incident_of(parse_yaml(text, shown), text, shown, context)


def incident_of(
    data: object,
    text: str,
    shown: str,
    context: dict[str, object] | None = None,
    *,
    explain: bool = True,
    todo: bool = True,
) -> Incident:
    """Validate a record's parsed YAML (`text` is what it was parsed from, for line numbers).

    Without `explain`, a record that fails raises a NexusError without its problems. `todo`
    False says that no value holds a TODO, so there is no placeholder to look for.
    """
    from pydantic import ValidationError

    from .models import Incident, Status, find_placeholders

    if data is None:
        raise fail(shown, 1, "record", "file is empty; expected a mapping of incident fields")
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__} value"
        raise fail(shown, 1, "record", f"expected a mapping of incident fields, got {kind}")
    if "format" not in data and FORMAT1_ONLY & set(data):
        raise fail(shown, 1, "format", f"format 1; run `nexus-pm migrate {shown}`")
    try:
        incident = Incident.model_validate(data, context=context)
    except ValidationError as exc:
        raise NexusError(_problems(exc, text, shown) if explain else ()) from None
    if todo and incident.status is not Status.DRAFT:
        placeholders = find_placeholders(incident)
        if placeholders:
            if not explain:
                raise NexusError()
            raise NexusError([_placeholder(text, shown, incident, at) for at in placeholders])
    return incident


def _placeholder(text: str, shown: str, incident: Incident, at: str) -> Problem:
    loc = tuple(int(part) if part.isdigit() else part for part in at.split("."))
    message = (
        f"still a placeholder (TODO) in a record that is {incident.status.value}: "
        "write it, or set `status: draft`"
    )
    return Problem(shown, locate(text, loc), at, message)


def load_file(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    root: Path | None = None,
    context: dict[str, object] | None = None,
) -> Record:
    """Read and validate one file."""
    problems = name_problems(path)
    try:
        text = read_text(path, max_bytes=max_bytes, root=root)
        incident = parse_incident(text, path, context)
    except NexusError as exc:
        raise NexusError([*problems, *exc.problems]) from None
    if problems:
        raise NexusError(problems)
    return Record(path=path, incident=incident, text=text)


def name_problems(path: Path) -> list[Problem]:
    """A record's file name must be one `nexus-pm new` could have made."""
    odd = "".join(sorted(set(_NAME_ODD.findall(path.name))))
    if not odd:
        return []
    message = f"name may hold only letters, digits, '.', '_' and '-', not {odd!r}"
    return [Problem(display_path(path), 1, "file", message)]


def collect(
    paths: Sequence[Path], problems: list[Problem] | None = None
) -> tuple[list[Path], list[Path]]:
    """Record files under `paths`, and the other files that were passed over.

    A folder that cannot be listed adds a problem to `problems`, when given.
    """
    files: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not _safely(path.is_dir):
            files.append(path)
            continue
        try:
            # By name, as paths in one folder sort, without pathlib's slower comparisons.
            children = sorted(path.iterdir(), key=lambda child: child.name)
        except OSError as exc:
            why = f"cannot be read: {exc.strerror or exc}"
            if problems is not None:
                problems.append(Problem(display_path(path), 1, "folder", why))
            continue
        for child in children:
            # A symlink that goes nowhere (a loop, a name too long) is kept, for read_text
            # to report it.
            if _safely(child.is_file) or child.is_symlink():
                (files if child.suffix in SUFFIXES else skipped).append(child)
    return files, skipped


def _safely(test: Callable[[], bool]) -> bool:
    # Path.is_dir() and is_file() say False for a missing path, but raise for a name too long.
    try:
        return test()
    except OSError:
        return False


def load_all(
    paths: Sequence[Path],
    *,
    max_bytes: int = MAX_BYTES,
    context: dict[str, object] | None = None,
    load: Callable[..., Record] = load_file,
) -> tuple[list[Record], list[Problem]]:
    """Every record under `paths` that passes the schema, and the problems of the rest.

    `load` reads one file as `load_file` does; `serve` passes one that remembers records.
    """
    problems: list[Problem] = []
    records = list(each_record(paths, problems, max_bytes=max_bytes, context=context, load=load))
    return records, problems


def each_record(
    paths: Sequence[Path],
    problems: list[Problem],
    *,
    max_bytes: int = MAX_BYTES,
    context: dict[str, object] | None = None,
    load: Callable[..., Record] = load_file,
) -> Iterator[Record]:
    """Each record under `paths` that passes the schema, in order; the rest add to `problems`."""
    for root in paths:
        files, _ = collect([root], problems)
        folder = root if _safely(root.is_dir) else None
        for path in files:
            try:
                yield load(path, max_bytes=max_bytes, root=folder, context=context)
            except NexusError as exc:
                problems.extend(exc.problems)


@dataclass(frozen=True, slots=True)  # thousands are kept while `validate` reads
class Ids:
    """What the rules that span records read of one: its file, text, id and related ids."""

    path: Path
    text: str
    id: str
    related: tuple[str, ...]

    @classmethod
    def of(cls, record: Record) -> Ids:
        incident = record.incident
        return cls(record.path, record.text, incident.id, tuple(incident.related.incidents))


def cross_record_problems(records: Iterable[Record | Ids]) -> list[Problem]:
    """Rules that span files: unique ids, and related ids that exist."""
    problems: list[Problem] = []
    owners: dict[str, list[Ids]] = {}
    for record in records:
        ids = Ids.of(record) if isinstance(record, Record) else record
        owners.setdefault(ids.id, []).append(ids)
    for owned in owners.values():
        if len(owned) > 1:
            # The one shown first owns the id; only files that share an id are sorted, as
            # working out how a path is shown costs more than all else here.
            first, *others = sorted(owned, key=lambda r: display_path(r.path))
            message = f"{first.id} is already used by {display_path(first.path)}"
            problems.extend(_at(other, ("id",), message) for other in others)
        for record in owned:
            for index, other in enumerate(record.related):
                if other not in owners:
                    loc = ("related", "incidents", index)
                    problems.append(_at(record, loc, f"no incident has the id {other}"))
    return problems


def _at(record: Ids, loc: tuple[str | int, ...], message: str) -> Problem:
    shown = display_path(record.path)
    return Problem(shown, locate(record.text, loc), _field(loc), message)


def _field(loc: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in loc) or "record"


def _problems(exc: ValidationError, text: str, shown: str) -> list[Problem]:
    from .locate import suggest, walk

    help_of = pattern_help()
    problems = []
    for error in exc.errors(include_url=False):
        raw = tuple(error["loc"])
        loc = walk(raw)[0]
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden" and not _PLAIN_KEY.fullmatch(str(loc[-1])):
            # A key with spaces or line breaks would break the `path:line: field:` shape.
            line = locate(text, loc)
            message = f"unknown field {brief(loc[-1])}" + suggest(raw)
            problems.append(Problem(shown, line, _field(loc[:-1]), message))
            continue
        if error["type"] == "extra_forbidden":
            message = "unknown field" + suggest(raw)
        elif loc == ("format",):
            message = "write `format: 2` at the top of the record" + (
                "" if error["type"] == "missing" else f" (got {brief(error.get('input'))})"
            )
        elif error["type"] == "string_pattern_mismatch":
            pattern = (error.get("ctx") or {}).get("pattern", "")
            message = help_of.get(pattern, message) + f" (got {error['input']!r})"
        elif error["type"] not in ("missing",) and _is_short_scalar(error.get("input")):
            message += f" (got {error['input']!r})"
        problems.append(Problem(shown, locate(text, loc), _field(loc), message))
    return problems


def _is_short_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and len(repr(value)) <= 60
