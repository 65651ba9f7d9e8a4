"""Small postmortems, one per shape the real ones lack, each imported into its golden record."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nexus_pm.loader import parse_incident

from .goldens import check_golden
from .import_helpers import FIXTURES, SCALE, imported

SHAPES = FIXTURES / "import"
NAMES = sorted(p.stem for p in SHAPES.glob("*.md"))
GOLDEN = Path(__file__).resolve().parent / "golden" / "import"


@pytest.mark.parametrize("name", NAMES)
def test_each_shape_imports_into_its_golden_record(name: str) -> None:
    text = imported(SHAPES / f"{name}.md")
    parse_incident(text, f"{name}.yaml", {"severities": SCALE})
    check_golden(GOLDEN / f"{name}.yaml", text)


def data(name: str) -> dict[str, object]:
    loaded = yaml.safe_load(imported(SHAPES / f"{name}.md"))
    assert isinstance(loaded, dict)
    return loaded


def test_setext_headings_are_sections() -> None:
    record = data("setext-headings")
    assert record["title"] == "Cache stampede on the catalogue"
    assert record["severity"] == "SEV3"
    assert [e["at"] for e in record["timeline"]] == [  # type: ignore[index]
        "2024-03-02 09:14",
        "2024-03-02 09:20",
        "2024-03-02 09:41",
    ]


def test_toml_front_matter_and_action_details() -> None:
    record = data("toml-front-matter")
    assert record["authors"] == ["Ana Lima", "Bo Chen"]
    assert record["services"] == ["auth"]
    first, second = record["action_items"]  # type: ignore[misc]
    assert (first["status"], first["owner"]) == ("done", "@ana")
    assert (second["status"], second["priority"]) == ("open", "P1")
    assert "owner" not in second and "horizon" not in second  # never invented


def test_a_heading_per_entry_carries_the_date_and_keeps_estimates() -> None:
    record = data("heading-per-entry")
    events = record["timeline"]
    assert record["timezone"] == "+01:00"
    assert [e["at"] for e in events] == ["2023-11-20 14:02", "2023-11-20 14:30", "2023-11-20 16:05"]  # type: ignore[union-attr]
    assert events[2]["approximate"] is True  # type: ignore[index]


def test_paragraph_timelines_read_day_first_dates_and_twelve_hour_times() -> None:
    events = data("timeline-paragraphs")["timeline"]
    assert [e["at"] for e in events] == ["2024-10-24 08:15", "2024-10-24 08:40", "2024-10-24 15:26"]  # type: ignore[union-attr]
    assert "waiting on a lock" in events[1]["text"]  # type: ignore[index]


def test_a_table_with_month_names_and_people() -> None:
    record = data("table-month-times")
    assert record["timezone"] == "-08:00"
    assert [e.get("who") for e in record["timeline"]] == [None, "@pat", "@sam"]  # type: ignore[union-attr]
    assert {"label": "Webhooks rejected", "value": "1,204"} in record["impact"]["figures"]  # type: ignore[index]


def test_a_plain_line_heads_the_action_items_and_the_rest_is_kept() -> None:
    record = data("plain-action-items")
    assert [a.get("status") for a in record["action_items"]] == ["done", None]  # type: ignore[union-attr]
    assert any(s["title"] == "Troubleshooting FAQ" for s in record["sections"])  # type: ignore[union-attr]
