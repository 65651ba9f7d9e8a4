"""Gate tests on real components (Chromium, podman, root) that a laptop may lack."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Comma-separated component names that must be present. CI sets it, so that a
#: missing component fails the run instead of silently skipping its tests.
REQUIRE_ENV = "NEXUS_PM_REQUIRE"
#: Where .ci/node-setup.sh installs the npm packages (ajv, yaml-language-server); the
#: same variable moves them all.
NODE_PREFIX_ENV = "NEXUS_PM_NODE_PREFIX"


def node_prefix() -> Path:
    """The folder whose node_modules holds what .ci/node-setup.sh installed."""
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get(NODE_PREFIX_ENV) or root / ".cache" / "node")


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
