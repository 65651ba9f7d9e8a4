"""Import one Markdown postmortem: parse, map, write YAML that validates, publish under a free id."""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import import_blocks as ib
from .claim import publish, scan
from .errors import BIDI, NexusError, Problem, display_path, one_line
from .import_map import Given, Mapped, map_document
from .importer import parse
from .limits import MAX_BYTES
from .loader import incident_of, read_text
from .options import slugify
from .yamlsafe import UNCARRIED, parse_yaml

NOT_FIELDS = "Not imported as fields"
HEADER = (
    "# yaml-language-server: $schema=../schemas/incident.schema.json\n"
    "# Imported from {source} by nexus-pm import: review it, then set `status`.\n"
)
# A value that keeps failing validation is moved out one at a time; a record that
# needs more moves than this is kept whole as text instead.
MAX_MOVES = 200


@dataclass
class Outcome:
    """What importing one file gave: the record's text and where it went, and the notes."""

    text: str
    notes: list[str]
    path: Path | None = None


# How the emitter may write a scalar depends on its text alone (and on allow_unicode, the
# same for every dump), and keys and short values repeat within a record and across files.
_ANALYZER = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
_SHORT = 200


@functools.lru_cache(maxsize=4096)
def _analysis(scalar: str) -> yaml.emitter.ScalarAnalysis:
    return _ANALYZER.analyze_scalar(scalar)


class _Dumper(yaml.SafeDumper):
    """Block style, no line wrapping; multi-line strings as literal blocks where YAML allows."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their key, as the hand-written records are.
        super().increase_indent(flow, False)

    def analyze_scalar(self, scalar: str) -> yaml.emitter.ScalarAnalysis:
        if len(scalar) > _SHORT:
            return super().analyze_scalar(scalar)
        return _analysis(scalar)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip("\n") else None
    if BIDI.search(value):
        style = '"'  # where `dump` can write them as escapes
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any] | list[Any]) -> str:
    """The record's YAML: deterministic, in field order, readable."""
    text = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**9, indent=2
    )
    # A bidi override shown raw reorders the line in a terminal or an editor, so the record
    # says what it holds. Each sits in a double-quoted string, where YAML reads `\u202e`.
    return BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def read_source(path: Path) -> str:
    """The Markdown, refused with `path: message` when it is not UTF-8 text or too large."""
    try:
        return read_text(path, max_bytes=MAX_BYTES)
    except NexusError as exc:
        raise NexusError(
            message="\n".join(f"{p.path}: {p.message}" for p in exc.problems)
        ) from None


def prepare(path: Path, given: Given) -> tuple[Mapped, str]:
    """Parse and map one file; the second value is the source as the record may hold it."""
    text = read_source(path)
    # A character YAML cannot carry (ESC, say) is kept as its escape, visibly.
    text = UNCARRIED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    mapped = map_document(parse(text), path.stem, given)
    return mapped, text


def record_text(mapped: Mapped, source: str, shown: str, incident_id: str, scale: list[str]) -> str:
    """The record, validated; values that fail move into a supporting section, with a note."""
    data = {
        "format": 2,
        "id": incident_id,
        **{k: v for k, v in mapped.data.items() if k != "format"},
    }
    header = HEADER.format(source=one_line(Path(shown).name))
    context: dict[str, object] = {"severities": scale}
    for _ in range(MAX_MOVES):
        text = header + dump(data)
        try:
            # Parsed once: the same values are validated and compared with what was dumped.
            parsed = parse_yaml(text, shown)
            same = parsed == _as_read(data)
            incident_of(parsed, text, shown, context)
        except NexusError as exc:
            problem = _first(exc)
            if problem is None or not _move(data, problem, mapped):
                break
            continue
        if not same:
            break
        return text
    mapped.notes.append((1, "the record would not validate; the whole text is kept verbatim"))
    data = {k: data[k] for k in ("format", "id", "title", "summary", "date", "status") if k in data}
    blocks = [{"kind": "log", "content": piece} for piece in ib.chunks(source, ib.VERBATIM_MAX)]
    data["sections"] = ib.fit_sections([{"title": "Original", "blocks": blocks}])
    return header + dump(data)


def _first(exc: NexusError) -> Problem | None:
    return exc.problems[0] if exc.problems else None


def _move(data: dict[str, Any], problem: Problem, mapped: Mapped) -> bool:
    """Take the value a problem names out of `data`, into the section of values not imported."""
    if problem.field in ("yaml", "record", "format", "id", "title", "summary", "date", "status"):
        return False
    node: Any = data
    holder: Any = None
    key: Any = None
    for part in problem.field.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            holder, key, node = node, int(part), node[int(part)]
        elif isinstance(node, dict) and part in node:
            if holder is None or not isinstance(holder, list):
                holder, key = node, part
            node = node[part]
        else:
            break
    if holder is None:
        return False
    value = holder[key]
    del holder[key]
    _prune(data)
    notes = next((s for s in data.get("sections", []) if s["title"] == NOT_FIELDS), None)
    if notes is None:
        notes = {"title": NOT_FIELDS, "blocks": []}
        data.setdefault("sections", []).append(notes)
    note = f"{problem.field}: {problem.message}"
    notes["blocks"].append({"kind": "text", "text": note[: ib.TEXT_MAX]})
    notes["blocks"] += _kept(value)
    mapped.notes.append((1, f"{problem.field} kept in section {NOT_FIELDS!r}: {problem.message}"))
    return True


def _kept(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list) and all(isinstance(v, dict) and "at" in v for v in value) and value:
        rows = [[str(v.get("as_written") or v["at"]), str(v.get("text", ""))] for v in value]
        return [
            {"kind": "table", "columns": ["Time", "Event"], "rows": rows[n : n + ib.ITEMS_MAX]}
            for n in range(0, len(rows), ib.ITEMS_MAX)
        ]
    if isinstance(value, str):
        return [{"kind": "text", "text": t} for t in ib.chunks(value, ib.TEXT_MAX)]
    return ib.code_blocks(dump(value) if isinstance(value, dict | list) else f"{value}\n", "yaml")


def _prune(node: Any) -> None:
    if isinstance(node, dict):
        for key in list(node):
            _prune(node[key])
            if node[key] in ({}, []):
                del node[key]
    elif isinstance(node, list):
        for item in node:
            _prune(item)


def _as_read(data: Any) -> Any:
    # The loader keeps dates as strings, for the schema to read.
    if isinstance(data, dict):
        return {k: _as_read(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_read(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def stem(mapped: Mapped) -> str:
    date = mapped.data["date"]
    return f"{date.isoformat()}-{slugify(mapped.data['title']) or 'imported'}"


def import_file(
    path: Path, mapped: Mapped, source: str, directory: Path, scale: list[str], dry_run: int | None
) -> Outcome:
    """Write the record under the next free id (or, with `dry_run` set to an id number, only render)."""
    shown = display_path(path)
    if dry_run is not None:
        text = record_text(mapped, source, shown, f"INC-{dry_run:04d}", scale)
        return Outcome(text, _notes(shown, mapped))
    texts: list[str] = []

    def make_text(incident_id: str) -> str:
        texts.append(record_text(mapped, source, shown, incident_id, scale))
        return texts[-1]

    written = publish(directory, stem(mapped), make_text)
    notes = _notes(shown, mapped)
    size = len(texts[-1].encode("utf-8"))
    if size > MAX_BYTES:
        notes.append(
            f"{display_path(written)}: note: the record is {size} bytes, over the {MAX_BYTES}-byte "
            "cap `nexus-pm validate` reads by default; pass --max-bytes or split it"
        )
    return Outcome(texts[-1], notes, written)


def next_number(directory: Path) -> int:
    return max(scan(directory).numbers, default=0) + 1


def _notes(shown: str, mapped: Mapped) -> list[str]:
    return [f"{shown}:{line}: {one_line(message)}" for line, message in mapped.notes]


def missing_message(shown: str, missing: list[str]) -> str:
    return f"{shown}: missing required values: {', '.join(missing)}"
