"""Read record files and parse their YAML safely: plain data only, every problem on its line."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import NexusError, Problem, display_path
from .limits import MAX_BYTES as MAX_BYTES
from .limits import MAX_VALUES as MAX_VALUES

FastSafeLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Characters a YAML stream cannot hold (PyYAML's reader refuses the same set): controls but
# tab, LF, CR and NEL; surrogates; U+FFFE and U+FFFF. An escape such as "\x80" still puts one
# in a value, and the front matter made from it would then fail MkDocs' own YAML reader.
UNCARRIED = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class SafeLoader(FastSafeLoader):  # type: ignore[misc]
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
        if isinstance(node, yaml.ScalarNode) and (odd := UNCARRIED.search(node.value)):
            code = f"U+{ord(odd.group()):04X}"
            message = f"character {code} (written as an escape): YAML cannot carry it; remove it"
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError, AttributeError, LookupError) as exc:
            # Explicit tags such as `!!int abc` or an empty `!!timestamp` fail
            # inside PyYAML's constructors, each in its own way.
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            why = "" if isinstance(exc, AttributeError | LookupError) else f": {exc}"
            message = f"cannot read {brief(node.value)} as {tag}{why.split(';')[0]}"
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
                    f"key {brief(key_node.value)} is not text; field names are words",
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


def brief(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


# Dates stay strings until the schema reads them, so that a bad date is reported
# against its field, with the schema's message, instead of failing inside YAML.
SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in FastSafeLoader.yaml_implicit_resolvers.items()
}


_STEP = 1 << 24  # 16 MiB: what one read may set aside


class _Shown:
    """A path as messages show it, worked out only when a message needs it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __str__(self) -> str:
        return display_path(self.path)


def read_bytes(path: Path, *, max_bytes: int = MAX_BYTES, root: Path | None = None) -> bytes:
    """Read a file whole, refusing links out of `root`, what is not a file, and oversize files."""
    shown = _Shown(path)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            if root is not None and not path.resolve().is_relative_to(root.resolve()):
                outside = f"is a symlink to a file outside {display_path(root)}/"
                raise fail(shown, 1, "file", outside)
            info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # Opening a FIFO blocks, and /dev/zero never ends.
            raise fail(shown, 1, "file", "is not a regular file")
        if info.st_size > max_bytes:
            size = f"is {info.st_size} bytes, over the {max_bytes}-byte size cap"
            raise fail(shown, 1, "file", size)
        # Unbuffered: each read is one system call into a buffer of the size asked for.
        with open(path, "rb", buffering=0) as handle:
            # Its size at stat first: asking for max_bytes + 1 would set aside that many
            # bytes for every file. It may have grown since: read on to its end or just past
            # the cap, in steps, since read(n) sets aside n bytes and a cap can be any number.
            chunks = [handle.read(info.st_size + 1)]
            got = len(chunks[0])
            while info.st_size < got <= max_bytes and (
                chunk := handle.read(min(max_bytes + 1 - got, _STEP))
            ):
                chunks.append(chunk)
                got += len(chunk)
            data = b"".join(chunks)
        if len(data) > max_bytes:
            raise fail(shown, 1, "file", f"is over the {max_bytes}-byte size cap")
    except RuntimeError:  # what Path.resolve() raises on a loop before Python 3.13
        raise fail(shown, 1, "file", "is a symlink loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise fail(shown, 1, "file", "is a symlink loop") from None
        raise fail(shown, 1, "file", f"cannot be read: {exc.strerror or exc}") from None
    return data


def read_text(path: Path, *, max_bytes: int = MAX_BYTES, root: Path | None = None) -> str:
    """Read a record's text, refusing links out of `root`, oversize files and bad encodings."""
    shown = _Shown(path)
    data = read_bytes(path, max_bytes=max_bytes, root=root)
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise fail(shown, line, "file", "contains a NUL byte; it must be text, not binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(
            shown, line, "file", f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from None
    return text.replace("\r\n", "\n")


def parse_yaml(text: str, shown: str) -> Any:
    """Parse one YAML document; errors carry the line they happened on."""
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, message = _describe(exc, text)
        raise fail(shown, line, "yaml", message) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise fail(shown, line, "yaml", f"character U+{exc.character:04X}: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise fail(shown, 1, "yaml", str(exc).splitlines()[0]) from None
    except RecursionError:
        raise fail(shown, 1, "yaml", "nesting is too deep") from None


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
    for event in yaml.parse(text, Loader=FastSafeLoader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return int(event.start_mark.line) + 1
    return None


def fail(shown: str | _Shown, line: int, field: str, message: str) -> NexusError:
    return NexusError([Problem(str(shown), line, field, message)])
