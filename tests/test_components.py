"""Every component a test can skip for is one that CI requires, so no skip goes unseen there."""

from __future__ import annotations

import re

from .conftest import ROOT

NEED = re.compile(r"""\bneed\(\s*["']([\w-]+)["']""")
REQUIRE = re.compile(r"""^export NEXUS_PM_REQUIRE="([^"]*)"$""", re.MULTILINE)


def gated_components() -> set[str]:
    found = set()
    for path in (ROOT / "tests").rglob("*.py"):
        found.update(NEED.findall(path.read_text(encoding="utf-8")))
    return found


def test_ci_requires_every_gated_component() -> None:
    gated = gated_components()
    assert {"chromium", "hadolint", "podman", "root"} <= gated, gated
    [listed] = REQUIRE.findall((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    assert gated <= set(listed.split(",")), f"add to NEXUS_PM_REQUIRE in .ci/run: {gated}"


def test_tests_skip_only_through_need() -> None:
    # A bare pytest.skip, importorskip or skipif would skip in CI without failing.
    bare = re.compile(r"pytest\.skip\(|importorskip|skipif")
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests").rglob("*.py")
        if path.name not in {"components.py", "test_components.py"}
        and bare.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
