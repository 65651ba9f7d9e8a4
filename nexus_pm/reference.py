"""The JSON Schema and the schema reference page, both generated from the models."""

from __future__ import annotations

import json
import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .config import Settings
from .markdown import pipes
from .models import Incident


def json_schema(model: type[BaseModel] = Incident) -> dict[str, Any]:
    """The record schema as JSON Schema draft-07, which YAML editor plugins understand."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    ordered: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#"}
    ordered.update(schema)
    if definitions:
        ordered["definitions"] = dict(sorted(definitions.items()))
    return ordered


def json_schema_text(settings: Settings | None = None) -> str:
    """The schema as a file; with a team's settings, its scale and its lists go in as enums.

    Editors then flag `SEV9` or a service the team does not list while the record is
    typed, as `validate` would; without settings the schema is the models' alone.
    """
    schema = json_schema()
    if settings is not None:
        properties = schema["properties"]
        for branch in properties["severity"]["anyOf"]:
            if branch.get("type") == "string":
                branch["enum"] = list(settings.severities)
        for key, allowed in (("services", settings.services), ("tags", settings.tags)):
            if allowed is not None:
                properties[key]["items"]["enum"] = list(allowed)
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def reference_page() -> str:
    """Markdown for the schema reference: one table per model, top-level first."""
    lines = [
        "# Record schema",
        "",
        "Every incident is one YAML file in `incidents/`. This page is generated from the",
        "Pydantic models in `nexus_pm/models.py`, which are the only definition of a record;",
        "the same models produce `schemas/incident.schema.json` for editor completion.",
        "Unknown keys are errors.",
        "",
    ]
    for model in _models(Incident):
        lines += [f"## {model.__name__}", "", _doc(model), ""]
        lines += ["| Field | Type | Required | Description |", "| --- | --- | --- | --- |"]
        for name, info in model.model_fields.items():
            required = "yes" if info.is_required() else _default(info.default, info.default_factory)
            described = pipes(info.description or "")
            lines.append(f"| `{name}` | {_type(info.annotation)} | {required} | {described} |")
        lines.append("")
    return "\n".join(lines)


def _doc(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip().splitlines()[0]


def _default(default: Any, factory: Any) -> str:
    if factory is not None:
        return "no"
    if default is None or default is PydanticUndefined:
        return "no"
    value = default.value if isinstance(default, Enum) else default
    return f"no (default `{value}`)"


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for info in model.model_fields.values():
            for inner in _inner_types(info.annotation):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    visit(inner)

    visit(root)
    return seen


def _inner_types(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    return [t for arg in args for t in _inner_types(arg)]


def _type(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {_type(args[0])}"
    if origin is typing.Literal:
        return pipes(" | ".join(f"`{a}`" for a in args))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return pipes(" | ".join(f"`{m.value}`" for m in annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return {"str": "text", "float": "number", "int": "integer", "bool": "boolean"}.get(
        getattr(annotation, "__name__", str(annotation)), getattr(annotation, "__name__", "any")
    )
