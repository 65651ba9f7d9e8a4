"""Where a record's problem is: its line in the YAML text, and the field names near a bad key."""

from __future__ import annotations

import difflib
import functools
import types
import typing
from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import BaseModel, Tag

from .models import Incident
from .yamlsafe import FastSafeLoader


def suggest(loc: tuple[str | int, ...]) -> str:
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
    annotation = _unwrap(walk(loc)[1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def walk(loc: Sequence[str | int]) -> tuple[tuple[str | int, ...], Any]:
    """`loc` without the tags of tagged unions, and the annotation it ends at (None if lost).

    Pydantic puts the tag of a tagged union (a section block's `kind`) into the location;
    it is no key of the record, and would name and place the error wrongly.
    """
    annotation: Any = Incident
    kept: list[str | int] = []
    for part in loc:
        tagged = _tagged(annotation)
        if part in tagged:
            annotation = tagged[part]
            continue
        kept.append(part)
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = typing.get_args(annotation)
            annotation = args[0] if args else None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            annotation = field.annotation if field else None
        else:
            annotation = None
    return tuple(kept), annotation


def _tagged(annotation: Any) -> dict[str | int, Any]:
    """The models of a tagged union, by tag; empty for any other annotation."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return {}
    models: dict[str | int, Any] = {}
    for option in typing.get_args(annotation):
        if typing.get_origin(option) is typing.Annotated:
            model, *extras = typing.get_args(option)
            for extra in extras:
                if isinstance(extra, Tag):
                    models[extra.tag] = model
    return models


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
    return yaml.compose(text, Loader=FastSafeLoader)


def locate(text: str, loc: Sequence[str | int]) -> int:
    """The 1-based line of the deepest node of `loc` that exists in the document."""
    try:
        node = _compose(text)
    except yaml.YAMLError:
        return 1
    return line_in(node, loc)


def line_in(node: yaml.Node | None, loc: Sequence[str | int]) -> int:
    """The 1-based line of the deepest node of `loc` below `node` (1 when there is none)."""
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
