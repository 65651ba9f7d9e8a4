"""Walk the record schema from `Incident`: its models, the choices of its fields, its field paths."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from enum import Enum
from typing import Any, NamedTuple

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from nexus_pm.models import Incident

# Written apart from nexus_pm/reference.py on purpose: a test that reused the
# page's own walk would agree with it however many models that walk missed.


def leaves(annotation: Any) -> Iterator[Any]:
    """The types an annotation is made of: through lists, unions and Annotated, not Literal."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        yield annotation
    elif origin is typing.Annotated:
        yield from leaves(typing.get_args(annotation)[0])
    elif args := typing.get_args(annotation):
        for arg in args:
            yield from leaves(arg)
    else:
        yield annotation


def submodels(info: FieldInfo) -> list[type[BaseModel]]:
    return [t for t in leaves(info.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]


def choices(info: FieldInfo) -> list[str]:
    """Every value an enum or Literal field can take; empty for other fields."""
    found: list[str] = []
    for t in leaves(info.annotation):
        if typing.get_origin(t) is typing.Literal:
            found += [str(v) for v in typing.get_args(t)]
        elif isinstance(t, type) and issubclass(t, Enum):
            found += [str(m.value) for m in t]
    return found


def models(root: type[BaseModel] = Incident) -> list[type[BaseModel]]:
    """`root` and every model reachable through its fields, each once, in walk order."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model not in seen:
            seen.append(model)
            for info in model.model_fields.values():
                for inner in submodels(info):
                    visit(inner)

    visit(root)
    return seen


def is_list(info: FieldInfo) -> bool:
    return any(typing.get_origin(t) is list for t in _outer(info.annotation))


def _outer(annotation: Any) -> Iterator[Any]:
    # The union members of a field's type, so that `list[X] | None` counts as a list.
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        yield from typing.get_args(annotation)
    else:
        yield annotation


class Slot(NamedTuple):
    """One field path of the schema and what a record holds there."""

    path: str
    model: type[BaseModel]
    info: FieldInfo
    values: list[Any]
    repeated: bool


def slots(model: type[BaseModel], instances: list[BaseModel], prefix: str = "") -> Iterator[Slot]:
    """Every field path under `model`, with the values it has across `instances`.

    A path is dotted, `[]` marking a list (`action_items[].horizon`). `repeated` is True when
    a list lies on the way, so that the path can hold more than one value in one record.
    """
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        values = [getattr(instance, name) for instance in instances]
        yield Slot(path, model, info, values, "[]." in prefix or is_list(info))
        for inner in submodels(info):
            nested: list[BaseModel] = []
            for value in values:
                items = value if isinstance(value, list) else [value]
                nested += [item for item in items if isinstance(item, inner)]
            mark = "[]." if is_list(info) else "."
            yield from slots(inner, nested, f"{path}{mark}")
