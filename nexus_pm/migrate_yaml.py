"""Round-trip YAML helpers for the migration: move keys and carry their comments along."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent


class MigrationError(ValueError):
    """A file that is neither a format-1 nor a format-2 record, or one migration would spoil."""


Map = CommentedMap
Seq = CommentedSeq


def round_trip(text: str) -> tuple[Any, YAML]:
    """The document and a YAML instance that writes it back in the file's own indentation."""
    _, indent, dash = load_yaml_guess_indent(text)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # Long lines stay long: rewrapping would touch lines the migration never changed.
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=indent or 2, offset=dash or 0)
    # Records may not hold anchors; values moved to a second place must not gain any.
    yaml.representer.ignore_aliases = lambda *_: True
    return yaml.load(text), yaml


def dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def new_map(*pairs: tuple[str, Any], flow: bool = False) -> Map:
    made = Map()
    for key, value in pairs:
        if value is not None:
            made[key] = value
    if flow:
        made.fa.set_flow_style()
    return made


def new_seq(items: list[Any], flow: bool = False) -> Seq:
    made = Seq(items)
    if flow:
        made.fa.set_flow_style()
    return made


def _gather(entry: Any, found: list[CommentToken]) -> None:
    if isinstance(entry, CommentToken):
        found.append(entry)
    elif isinstance(entry, list):
        for part in entry:
            _gather(part, found)


def _by_line(tokens: list[CommentToken]) -> list[CommentToken]:
    return sorted(tokens, key=lambda token: token.start_mark.line if token.start_mark else 0)


def own_comments(node: Any) -> list[CommentToken]:
    """The comments attached to `node` itself, not to collections inside it."""
    found: list[CommentToken] = []
    if isinstance(node, Map | Seq):
        _gather(node.ca.comment, found)
        for entry in node.ca.items.values():
            _gather(entry, found)
        _gather(getattr(node.ca, "end", None), found)
    return _by_line(found)


def comments(node: Any) -> list[CommentToken]:
    """Every comment attached anywhere inside `node`, in document order, for a node dropped."""
    found: list[CommentToken] = []

    def gather(entry: Any) -> None:
        _gather(entry, found)

    def walk(value: Any) -> None:
        if not isinstance(value, Map | Seq):
            return
        gather(value.ca.comment)
        keys = list(value) if isinstance(value, Map) else range(len(value))
        for key in keys:
            gather(value.ca.items.get(key))
            walk(value[key])
        gather(getattr(value.ca, "end", None))

    walk(node)
    return _by_line(found)


def pop(container: Map, key: str) -> tuple[Any, list[CommentToken]]:
    """Remove `key`, returning its value and the comments attached to the key itself."""
    entry = container.ca.items.pop(key, None)
    tokens: list[CommentToken] = []
    if entry:
        for part in entry:
            if isinstance(part, CommentToken):
                tokens.append(part)
            elif isinstance(part, list):
                tokens += [t for t in part if isinstance(t, CommentToken)]
    return container.pop(key), tokens


def unique(tokens: list[CommentToken], *seen: Any) -> list[CommentToken]:
    """`tokens` without repeats, and without those already attached in `seen` entries."""
    # ruamel keeps a collection's first comment twice: on the parent key and on
    # the collection itself; moved separately, it would be written twice.
    skip: list[CommentToken] = []
    for entry in seen:
        _gather(entry, skip)
    kept: list[CommentToken] = []
    for token in tokens:
        if all(token is not other for other in [*skip, *kept]):
            kept.append(token)
    return kept


def attach(container: Map | Seq, key: Any, tokens: list[CommentToken]) -> None:
    """Put comments after the value at `key`, below any already there."""
    tokens = [t for t in unique(tokens) if t.value.strip()]
    if not tokens:
        return
    slot = 0 if isinstance(container, Seq) else 2
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    if entry[slot] is None and len(tokens) == 1:
        entry[slot] = tokens[0]  # as it was: an end-of-line comment stays one
        return
    before = entry[slot].value if isinstance(entry[slot], CommentToken) else "\n"
    if not before.endswith("\n"):
        before += "\n"
    # Full-line comments keep their indentation; a moved end-of-line comment starts a line.
    lines = "".join(
        line + "\n" for token in tokens for line in token.value.split("\n") if line.strip()
    )
    entry[slot] = CommentToken(before + lines, CommentMark(0), None)


def insert(container: Map, position: int, key: str, value: Any) -> None:
    container.insert(min(position, len(container)), key, value)


def replace(container: Map, old: str, new: str, value: Any) -> None:
    """Put `value` under `new` where `old` was; comments before and after the key stay put."""
    position = list(container).index(old)
    entry = container.ca.items.pop(old, None)
    container.pop(old)
    container.insert(position, new, value)
    if entry is None:
        return
    if _is_block(value) and entry[2] is not None:
        # After a block value the comment belongs below its last line, not beside the key.
        attach_below(value, [entry[2]])
        entry[2] = None
    container.ca.items[new] = entry


def _is_block(value: Any) -> bool:
    return isinstance(value, Map | Seq) and bool(value) and not value.fa.flow_style()


def attach_below(node: Map | Seq, tokens: list[CommentToken]) -> None:
    """Put comment lines below the last line of a block collection."""
    while True:
        key: Any = list(node)[-1] if isinstance(node, Map) else len(node) - 1
        child = node[key]
        if not _is_block(child):
            attach(node, key, tokens)
            return
        node = child
