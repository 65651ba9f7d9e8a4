"""The seed record's before/after snippets agree with the real Dockerfiles they quote."""

from __future__ import annotations

import pytest

from nexus_pm.validate import load_records

from .conftest import ROOT, SEED
from .container.snippets import snippet_matches


def changes() -> list[tuple[str, str, str]]:
    (record,) = load_records([SEED.parent])
    assert record.incident.fix is not None
    found = []
    for number, change in enumerate(record.incident.fix.changes):
        for side in (change.before, change.after):
            found.append((f"{number}:{side.path}", side.code, side.path))
    return found


@pytest.mark.parametrize(("name", "code", "path"), changes(), ids=[c[0] for c in changes()])
def test_snippet_matches_the_file_it_names(name: str, code: str, path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert snippet_matches(code, text) == [], f"{name}: lines not found in order in {path}"


def test_fix_names_the_repo_dockerfile_and_the_evidence() -> None:
    (record,) = load_records([SEED.parent])
    assert record.incident.fix is not None
    [change] = record.incident.fix.changes
    assert (change.path, change.after.path) == ("Dockerfile", "Dockerfile")
    assert change.before.path == "incidents/evidence/voice-service/Dockerfile.broken"


def test_a_reverted_file_no_longer_matches_the_after_snippet() -> None:
    (record,) = load_records([SEED.parent])
    assert record.incident.fix is not None
    after = record.incident.fix.changes[0].after.code
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("USER nexus", "USER root")
    assert snippet_matches(after, text) == ["USER nexus"]
