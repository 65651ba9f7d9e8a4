"""The format-2 records shown in the docs validate, so the docs cannot drift from the format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from nexus_pm import loader, models
from nexus_pm.checks.links import record_check_problems
from nexus_pm.record_parts import EventKind
from nexus_pm.record_sections import BLOCK_KINDS
from nexus_pm.yamlsafe import parse_yaml

from .conftest import ROOT

DOCS = [ROOT / "docs" / "writing.md", ROOT / "docs" / "format-2.md"]
FENCE = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def records(path: Path) -> list[tuple[str, str]]:
    """Each ```yaml block of `path` that is a format-2 record, named by its line."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        body = match.group(1)
        lines = [line for line in body.splitlines() if line.strip()]
        first = next((line for line in lines if not line.startswith("#")), "")
        if first.strip() == "format: 2":
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{path.name}:{line}", body))
    return found


EXAMPLES = [example for path in DOCS for example in records(path)]


def test_the_writing_guide_has_an_example_record() -> None:
    assert any(name.startswith("writing.md:") for name, _ in EXAMPLES)


@pytest.mark.parametrize(("name", "body"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_validates(name: str, body: str) -> None:
    incident = models.Incident.model_validate(yaml.safe_load(body))
    # The project reads YAML its own way (dates stay strings until the schema): same result.
    assert models.Incident.model_validate(parse_yaml(body, name)) == incident
    record = loader.Record(Path(name), incident, body)
    assert record_check_problems([record]) == []


def test_the_example_derives_the_durations_the_guide_states() -> None:
    (_, body), *_ = (e for e in EXAMPLES if e[0].startswith("writing.md:"))
    incident = models.Incident.model_validate(yaml.safe_load(body))
    guide = DOCS[0].read_text(encoding="utf-8")
    minutes = [
        int(d.total_seconds() // 60) if d else None
        for d in (incident.time_to_detect, incident.time_to_mitigate, incident.time_to_resolve)
    ]
    assert "derives {} minutes to detect, {} to mitigate and {} to resolve".format(
        *minutes
    ) in " ".join(guide.split())
    # It runs past midnight, and every link in its checklist is proved on its own fix.
    started, resolved = (incident.milestone(k) for k in (EventKind.STARTED, EventKind.RESOLVED))
    assert started and resolved and resolved.date() > started.date()
    assert any(item.check for item in incident.prevention.checklist)


def test_the_guide_names_every_block_and_event_kind() -> None:
    guide = DOCS[0].read_text(encoding="utf-8")
    for kind in (*BLOCK_KINDS, *EventKind):
        assert f"`{kind}`" in guide, kind
