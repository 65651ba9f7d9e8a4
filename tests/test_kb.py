"""The knowledge base across incidents: overview, follow-ups, similar incidents, feeds, `actions`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from nexus_pm.charts import bars, columns
from nexus_pm.clock import today
from nexus_pm.errors import UsageError
from nexus_pm.feeds import atom, export
from nexus_pm.followups import open_items
from nexus_pm.loader import Record, parse_incident
from nexus_pm.models import Status
from nexus_pm.reference import json_schema_text
from nexus_pm.render import Renderer
from nexus_pm.similar import similar
from nexus_pm.validate import load_records

from .conftest import CliInvoke
from .goldens import check_tree

KB = Path(__file__).parent / "fixtures" / "kb"
GOLDEN = Path(__file__).parent / "golden" / "kb"
TODAY = dt.date(2026, 3, 15)
PINNED = ("overview.md", "follow-ups.md", "services/checkout.md", "incidents/inc-0101.md",
          "incidents/inc-0102.md")  # fmt: skip


def shown() -> list[Record]:
    """The fixture records a published build shows: all but drafts."""
    return [r for r in load_records([KB]) if r.incident.status is not Status.DRAFT]


def test_pages_match_golden() -> None:
    records = shown()
    assert len(records) >= 12
    pages = Renderer(None, today=TODAY).site(records)
    check_tree(GOLDEN, {uri: pages[uri] for uri in PINNED})


def test_overview_moves_with_today() -> None:
    # A year on, the window has moved: the oldest fixture months drop out of the chart.
    now = Renderer(None, today=TODAY).site(shown())["overview.md"]
    later = Renderer(None, today=TODAY.replace(year=2027)).site(shown())["overview.md"]
    assert "| 2024-05 | 1 |" in now
    assert "| 2024-05 |" not in later
    assert "| 2027-03 | 0 |" in later


def record(ident: str, **fields: Any) -> Record:
    data = {"format": 2, "id": ident, "title": ident, "summary": "s", "date": "2025-01-01"}
    data.update(fields)
    return Record(Path(f"{ident}.yaml"), parse_incident(yaml.safe_dump(data), f"{ident}.yaml"), "")


def test_similar_ranks_by_shared_evidence() -> None:
    err = [{"output": "ERROR: deadlock detected while locking row 42\n"}]
    err2 = [{"output": "ERROR: deadlock detected while locking row 977\n"}]
    records = [
        record("INC-0001", services=["db"], tags=["locks"], errors=err),
        # Same error (the row number is normalised away): 4, plus the service: 6.
        record("INC-0002", date="2025-03-01", services=["db"], errors=err2),
        # Service and tag: 3, just enough.
        record("INC-0003", date="2025-01-02", services=["db"], tags=["locks"]),
        # Service and tag too, but further away in time: ranked after INC-0003.
        record("INC-0004", date="2026-01-01", services=["db"], tags=["locks"]),
        # A tag alone is chance: 1, below the threshold.
        record("INC-0005", tags=["locks"]),
        # Shares everything, but names INC-0001 already: not suggested, either way.
        record("INC-0006", services=["db"], tags=["locks"], errors=err,
               related={"incidents": ["INC-0001"]}),
    ]  # fmt: skip
    found = similar(records)
    assert [(s.id, s.score) for s in found["INC-0001"]] == [
        ("INC-0002", 6),
        ("INC-0003", 3),
        ("INC-0004", 3),
    ]
    assert found["INC-0001"][0].reasons == (
        "similar error: deadlock detected while locking row <n>",
        "same service: db",
    )
    assert "INC-0001" not in [s.id for s in found["INC-0006"]]
    assert len(similar(records, limit=1)["INC-0001"]) == 1


def test_related_shows_the_way_back() -> None:
    pages = Renderer(None, today=TODAY).site(shown())
    # INC-0112 names INC-0102; INC-0102 names neither of them back.
    assert "[INC-0112: " in pages["incidents/inc-0102.md"]
    assert "names this incident" in pages["incidents/inc-0102.md"]


def test_open_items_order_unowned_first_then_overdue() -> None:
    items = open_items(shown(), TODAY)
    owned = [i.owner is not None for i in items]
    assert owned == sorted(owned)
    assert all(i.status not in ("done", "wont-do") for i in items)
    overdue = {(i.incident, i.days_overdue) for i in items if i.overdue}
    assert ("INC-0111", 14) in overdue and ("INC-0110", 0) not in overdue


def test_actions_overdue_fail_until_done(tmp_path: Path, cli_invoke: CliInvoke) -> None:
    folder = tmp_path / "incidents"
    shutil.copytree(KB, folder)
    args = ("actions", str(folder), "--today", TODAY.isoformat(), "--overdue")
    listed = cli_invoke(*args, "--fail", exit_code=1).stdout
    assert "INC-0111" in listed and "OVERDUE 14d" in listed
    for path in folder.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data.get("action_items", []):
            if item.get("due") and dt.date.fromisoformat(str(item["due"])) < TODAY:
                item["status"] = "done"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    cli_invoke(*args, "--fail", exit_code=0)
    out = json.loads(cli_invoke(*args[:4], "--json", "--owner", "BO").stdout)
    assert out["today"] == TODAY.isoformat()
    assert [(i["incident"], i["overdue"]) for i in out["items"]] == [("INC-0110", False)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--today", "2026-02-30"), "--today: '2026-02-30' is not a calendar date"),
        (("--status", "dne"), "did you mean 'done'?"),
    ],
)
def test_actions_bad_options_exit_2(
    args: tuple[str, ...], message: str, cli_invoke: CliInvoke
) -> None:
    result = cli_invoke("actions", str(KB), *args, exit_code=2)
    assert message in result.output


def test_actions_filters(cli_invoke: CliInvoke) -> None:
    base = ("actions", str(KB), "--today", TODAY.isoformat(), "--json")
    items = json.loads(cli_invoke(*base, "--service", "search").stdout)["items"]
    assert {i["incident"] for i in items} == {"INC-0107", "INC-0112"}
    done = json.loads(cli_invoke(*base, "--status", "done").stdout)["items"]
    assert {i["incident"] for i in done} == {"INC-0101", "INC-0104"}


def test_today_from_source_date_epoch() -> None:
    assert today(environ={"SOURCE_DATE_EPOCH": "1773532800"}) == TODAY
    assert today("2020-01-02", environ={"SOURCE_DATE_EPOCH": "1"}) == dt.date(2020, 1, 2)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        today(environ={"SOURCE_DATE_EPOCH": "yesterday"})


def test_charts_escape_labels_and_follow_the_text_colour() -> None:
    svg = bars("Services <b>", [("<script>alert(1)</script>", 3), ("a&b", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    assert 'fill="currentColor"' in svg and "#" not in svg.replace("&#x27;", "")
    # Markdown keeps a raw HTML block whole only if no line in it is blank.
    assert all(line.strip() for line in columns("t", [("2025-01", 0), ("2025-02", 2)]).split("\n"))


def test_feed_and_export_parse_and_validate() -> None:
    records = load_records([KB])
    published = {r.incident.id for r in records if r.incident.status is Status.PUBLISHED}
    feed = ET.fromstring(atom(records, "Postmortems", "https://kb.example.com/"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert {e.findtext("a:title", namespaces=ns).split(":")[0] for e in entries} == published
    first = entries[0].find("a:link", ns)
    assert first is not None and first.get("href") == "https://kb.example.com/incidents/inc-0112/"
    data = json.loads(export(records))
    assert [d["id"] for d in data] == sorted(published)
    schema = json.loads(json_schema_text())
    for item in data:
        jsonschema.validate(item, schema)


def test_hostile_action_text_is_escaped_on_the_pages() -> None:
    hostile = "<script>alert(1)</script> | [x](javascript:alert(1)) {{ 7*7 }}"
    item = {"text": hostile, "owner": hostile, "due": "2020-01-01", "timeframe": hostile}
    r = record("INC-0009", action_items=[item], services=["db"])
    pages = Renderer(None, today=TODAY).site([r])
    for uri in ("follow-ups.md", "overview.md"):
        assert "<script>" not in pages[uri] and "](javascript" not in pages[uri]
        assert "{{" not in pages[uri]
        assert "&#60;script&#62;" in pages[uri]


def test_bench_script_runs_at_tiny_n() -> None:
    # bench/kb.py keeps the figure; here it only has to run and print its row, timing nothing.
    bench = Path(__file__).resolve().parent.parent / "bench"
    done = subprocess.run(
        [sys.executable, str(bench / "kb.py"), "3", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    header, _, row = done.stdout.strip().splitlines()[-3:]
    assert "KB share" in header and row.startswith("| 3 | ")
    assert row.rstrip().endswith(("| met |", "| MISSED |"))
