"""The two ways of reading a record, side by side: what each makes of a text must be the same."""

from __future__ import annotations

import os
from typing import Any

from nexus_pm.errors import NexusError
from nexus_pm.loader import parse_incident
from nexus_pm.yamlfast import SWITCH, fast_data
from nexus_pm.yamlsafe import parse_yaml


def typed(value: Any) -> Any:
    """`value` with the type of every part spelt out: True == 1 and 1.0 == 1 in Python."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, repr(value))


def outcome(text: str, fast: bool, shown: str = "incidents/case.yaml") -> tuple[str, Any]:
    """The incident (as data) or the problem lines that reading `text` one way gives."""
    saved = os.environ.get(SWITCH)
    os.environ[SWITCH] = "1" if fast else "0"
    try:
        incident = parse_incident(text, shown)
    except NexusError as exc:
        return "problems", [str(p) for p in exc.problems]
    finally:
        if saved is None:
            del os.environ[SWITCH]
        else:
            os.environ[SWITCH] = saved
    return "incident", incident.model_dump(mode="json")


def assert_paths_agree(text: str) -> bool:
    """Both paths give the same outcome, and fast data, when given, is the careful data.

    Returns whether the fast parser vouched for the text.
    """
    fast = fast_data(text)
    if fast is not None:
        try:
            careful = parse_yaml(text, "case.yaml")
        except NexusError as exc:
            message = f"the fast path read a text the careful one refuses: {exc}"
            raise AssertionError(message) from None
        assert typed(fast[0]) == typed(careful), text
        if not fast[1]:
            assert "TODO" not in repr(careful)
    assert outcome(text, fast=True) == outcome(text, fast=False), text
    return fast is not None
