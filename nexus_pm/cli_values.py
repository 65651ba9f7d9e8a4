"""Plain option values read without pydantic, which Typer imports to read every value it is given.

Typer turns each value into its type through a pydantic adapter, built on first use: importing
pydantic for that alone costs more than the rest of `nexus-pm validate` on an empty folder, or
of `new`. The values here are the simple ones, whose outcome is certain: a parser's result, an
int in its range written in plain digits, a string, a list of those. Anything else, and any value
a parser refuses, goes to Typer's own adapter, so every message is Typer's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

_DIGITS = re.compile(r"0|[1-9][0-9]{0,17}")
_UNSURE = object()


class _Value:
    """Stands in for Typer's coercion of one parameter: `coerce` is all Typer calls on it."""

    def __init__(self, read: Callable[[Any], Any], many: bool) -> None:
        self.read = read
        self.many = many

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        result = self.value(value)
        if result is not _UNSURE:
            return result
        # Typer's own way, as if this object had never been there.
        param._runtime_param = None
        return param.get_runtime_param().coerce(value, param=param, ctx=ctx)

    def value(self, value: Any) -> Any:
        if value is None:
            return () if self.many else None
        if not self.many:
            return self.read(value)
        if not isinstance(value, list | tuple):
            return _UNSURE
        items = [self.read(item) for item in value]
        return _UNSURE if any(item is _UNSURE for item in items) else items


def _parsed(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        try:
            return parser(value)
        except Exception:  # Typer's adapter calls it again and words the refusal
            return _UNSURE

    return read


def _string(value: Any) -> Any:
    return value if type(value) is str else _UNSURE


def _flag(value: Any) -> Any:
    return value if type(value) is bool else _UNSURE


def _integer(low: float | None, high: float | None) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if type(value) is str and _DIGITS.fullmatch(value):
            value = int(value)
        if type(value) is not int:
            return _UNSURE
        if (low is not None and value < low) or (high is not None and value > high):
            return _UNSURE  # Typer says what the range is
        return value

    return read


def _reader(annotation: Any, info: Any) -> Callable[[Any], Any] | None:
    if getattr(info, "parser", None) is not None:
        return _parsed(info.parser)
    if annotation is str:
        return _string
    if annotation is bool:
        return _flag
    if annotation is int and not getattr(info, "clamp", False):
        return _integer(getattr(info, "min", None), getattr(info, "max", None))
    return None


def install(params: Iterable[Any]) -> None:
    """Read the simple values among `params` here; leave the rest, and any other Typer, alone."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", _UNSURE) is not None:
            continue  # not a Typer parameter as this module knows them, or already set up
        annotation = descriptor.annotation
        many = getattr(annotation, "__origin__", None) is list
        if many:
            (annotation,) = getattr(annotation, "__args__", (None,))
        multiple = bool(getattr(param, "multiple", False)) or getattr(param, "nargs", 1) == -1
        if many != multiple or getattr(descriptor, "file_annotation", None) is not None:
            continue
        read = _reader(annotation, descriptor.parameter_info)
        if read is not None:
            param._runtime_param = _Value(read, many)
