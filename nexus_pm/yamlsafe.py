"""Parse a record's YAML carefully: plain data only, every problem on its line."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .limits import MAX_VALUES
from .record_files import brief, fail

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


# Dates stay strings until the schema reads them, so that a bad date is reported
# against its field, with the schema's message, instead of failing inside YAML.
SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in FastSafeLoader.yaml_implicit_resolvers.items()
}


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
