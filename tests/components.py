"""Gate tests on real components (Chromium, podman, root) that a laptop may lack."""

from __future__ import annotations

import os

import pytest

#: Comma-separated component names that must be present. CI sets it, so that a
#: missing component fails the run instead of silently skipping its tests.
REQUIRE_ENV = "NEXUS_PM_REQUIRE"


def required() -> set[str]:
    value = os.environ.get(REQUIRE_ENV, "")
    return {part.strip() for part in value.split(",") if part.strip()}


def need(component: str, available: bool, reason: str) -> None:
    """Skip when `component` is missing, or fail when CI requires it."""
    if available:
        return
    if component in required() or "all" in required():
        pytest.fail(f"{component} is required ({REQUIRE_ENV}) but unavailable: {reason}")
    pytest.skip(f"{component} unavailable: {reason}")
