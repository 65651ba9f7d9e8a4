"""Option values read without pydantic come out as Typer's own adapters read them, errors too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._coercion import build_runtime_param

from nexus_pm.cli import app
from nexus_pm.cli_values import install

RAW: list[Any] = [
    None, (), ("a", "b/c"), ("",), ["x"], "", "a", "b/c", "5", "0", "1", "007", "-1", "+3", " 5",
    "1_000", "5.0", "x", "12345678901234567890", "99999", 5, 0, -2, True, False, Path("p"),
    "127.0.0.1:8000", "127.0.0.1:99999", "docs",
]  # fmt: skip


def _outcome(coerce: Any, value: Any) -> tuple[str, str]:
    try:
        return "value", repr(coerce(value))
    except Exception as exc:  # the same refusal, in the same words
        return type(exc).__name__, str(exc)


def _params() -> list[tuple[str, Any]]:
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    return [(f"{name} {p.name}", p) for name, c in commands.items() for p in c.params]


PARAMS = _params()


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[name for name, _ in PARAMS])
def test_every_value_reads_as_typer_reads_it(
    name: str, param: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    ctx = typer.main.get_command(app).make_context("nexus-pm", ["validate"], resilient_parsing=True)
    theirs = build_runtime_param(param.type_descriptor)
    param._runtime_param = None
    install([param])
    ours = param._runtime_param
    for value in RAW:
        expected = _outcome(lambda v: theirs.coerce(v, param=param, ctx=ctx), value)
        param._runtime_param = ours
        got = _outcome(lambda v: param.get_runtime_param().coerce(v, param=param, ctx=ctx), value)
        assert got == expected, (name, value)


def test_the_simple_values_are_read_here() -> None:
    kinds = {name: param for name, param in PARAMS}
    for name in ["validate paths", "validate max_bytes", "validate verbose", "new service"]:
        param = kinds[name]
        param._runtime_param = None
        install([param])
        assert type(param._runtime_param).__module__ == "nexus_pm.cli_values", name
