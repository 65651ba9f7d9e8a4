"""The benchmark's synthetic records are valid format 2 and vary like real postmortems."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from nexus_pm import loader, models
from nexus_pm.checks.links import record_check_problems
from nexus_pm.record_parts import EventKind
from nexus_pm.record_sections import BLOCK_KINDS
from nexus_pm.yamlsafe import parse_yaml

BENCH = Path(__file__).resolve().parent.parent / "bench"


@functools.cache
def _synth() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        import synth
    finally:
        sys.path.remove(str(BENCH))
    return synth


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    generated: dict[str, str] = _synth().generate(200, seed=7)
    return generated


@pytest.fixture(scope="module")
def incidents(files: dict[str, str]) -> list[models.Incident]:
    return [models.Incident.model_validate(yaml.safe_load(text)) for text in files.values()]


def test_every_record_validates_as_format_2(files: dict[str, str]) -> None:
    for name, text in files.items():
        data = yaml.safe_load(text)
        assert data["format"] == 2 and next(iter(data)) == "format", name
        models.Incident.model_validate(data)
        # The project's own YAML reading keeps times and dates as strings until the schema.
        models.Incident.model_validate(parse_yaml(text, name))


def test_the_dump_reads_back_as_the_data_it_was_made_from() -> None:
    synth = _synth()
    rng = synth.random.Random(11)
    for number in range(1, 40):
        record = synth.incident(rng, number, dt.date(2023, 1, 1))
        assert yaml.safe_load(synth.dump(record)) == record


def test_linked_rules_flag_the_before_snippet_and_pass_the_after(
    files: dict[str, str], incidents: list[models.Incident]
) -> None:
    # The proofs only read the fix's snippets and the checklist, which format 2 keeps in place.
    records = [
        loader.Record(Path(name), incident, text)
        for (name, text), incident in zip(files.items(), incidents, strict=True)
    ]
    assert record_check_problems(records) == []
    linked = {i.check for r in incidents for i in r.prevention.checklist if i.check}
    assert len(linked) >= 4, linked


def test_records_vary_like_real_postmortems(
    files: dict[str, str], incidents: list[models.Incident]
) -> None:
    ids = {i.id for i in incidents}
    assert ids == {f"INC-{n:04d}" for n in range(1, 201)}
    assert {i.severity for i in incidents} == {"SEV1", "SEV2", "SEV3", "SEV4", None}
    statuses = Counter(i.status.value for i in incidents)
    assert statuses["published"] > len(incidents) / 2 and statuses["in-review"] >= 10, statuses
    assert len({s for i in incidents for s in i.services}) >= 15
    assert len({t for i in incidents for t in i.tags}) >= 30
    assert any(i.commander for i in incidents) and any(i.responders for i in incidents)

    zones = [i.timezone for i in incidents]
    assert "UTC" in zones and None in zones
    assert any(z and "/" in z for z in zones) and any(z and z[-3] == ":" for z in zones)
    lengths = [len(i.timeline) for i in incidents]
    assert min(lengths) >= 3 and max(lengths) <= 30 and len(set(lengths)) >= 15, lengths
    events = [e for i in incidents for e in i.timeline]
    assert any(e.approximate for e in events) and any(e.as_written for e in events)
    assert any(e.at.tzinfo for e in events) and any(not e.at.tzinfo for e in events)
    assert {e.kind for e in events} == {None, *EventKind}
    spans = [(i.milestone(EventKind.STARTED), i.milestone(EventKind.RESOLVED)) for i in incidents]
    assert any(a and b and b.date() > a.date() for a, b in spans), "no incident runs past midnight"
    assert all(i.timeline[0].kind in (None, EventKind.STARTED) for i in incidents)
    resolve = [i.time_to_resolve for i in incidents if i.time_to_resolve is not None]
    assert len(resolve) > len(incidents) * 0.8 and min(resolve) > dt.timedelta(0)

    assert any(i.effort for i in incidents)
    assert any(i.impact and i.impact.figures for i in incidents)
    causes = [i.cause for i in incidents if i.cause]
    assert any(c.analysis for c in causes) and any(not c.root_causes for c in causes)
    assert any(c.contributing_factors and c.trigger for c in causes)
    errors = [e for i in incidents for e in i.errors]
    assert {e.language for e in errors} >= {"python", "text", "json"}
    assert any(not i.errors for i in incidents) and any(i.signatures for i in incidents)
    changes = [c for i in incidents if i.fix for c in i.fix.changes]
    assert {c.before.language for c in changes} == {"dockerfile", "yaml"}
    assert any(c.path for c in changes) and any(i.fix and i.fix.steps for i in incidents)

    items = [a for i in incidents for a in i.action_items]
    assert any(a.owner for a in items) and sum(not a.owner for a in items) > len(items) / 2
    assert any(a.due for a in items) and any(a.ticket for a in items)
    assert sum(not a.horizon for a in items) > len(items) / 2
    lessons = [i.lessons for i in incidents if i.lessons]
    for part in ("went_well", "went_wrong", "lucky", "learned", "groups", "summary"):
        assert any(getattr(lesson, part) for lesson in lessons), part
    assert any(i.prevention.practices for i in incidents)
    blocks = {b.kind for i in incidents for s in i.sections for b in s.blocks}
    assert blocks == set(BLOCK_KINDS)
    related = [x for i in incidents for x in i.related.incidents]
    assert related and set(related) <= ids
    assert any(link.url is None for i in incidents for link in i.related.links)

    sizes = sorted(len(text.encode()) for text in files.values())
    assert 3000 <= statistics.median(sizes) <= 7000 and sizes[-1] > 2 * sizes[0], sizes


def test_only_drafts_hold_placeholders(incidents: list[models.Incident]) -> None:
    held = [i for i in incidents if models.find_placeholders(i)]
    assert held, "no draft keeps a TODO, as `nexus-pm new` writes them"
    assert all(i.status is models.Status.DRAFT for i in held)


def test_generation_is_deterministic_per_seed() -> None:
    synth = _synth()
    assert synth.generate(20, seed=3) == synth.generate(20, seed=3)
    assert synth.generate(20, seed=3) != synth.generate(20, seed=4)


def _digest_in_child(hash_seed: str) -> str:
    code = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]); import synth; "
        "files = synth.generate(60, seed=9); "
        "print(hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest())"
    )
    env = os.environ | {"PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code, str(BENCH)],
        capture_output=True, text=True, env=env, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_generation_is_byte_identical_across_processes() -> None:
    here = _synth().generate(60, seed=9)
    expected = hashlib.sha256(repr(sorted(here.items())).encode()).hexdigest()
    assert _digest_in_child("1") == _digest_in_child("4242") == expected


def test_write_puts_the_records_and_the_images_they_show(tmp_path: Path) -> None:
    synth = _synth()
    folder = tmp_path / "incidents"
    paths = synth.write(folder, 30, seed=2)
    assert sorted(p.name for p in paths) == sorted(synth.generate(30, seed=2))
    shown: set[Any] = set()
    for path in paths:
        record = models.Incident.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        shown |= {b.path for s in record.sections for b in s.blocks if b.kind == "image"}
    assert shown
    for image in shown:
        assert (tmp_path / image).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), image


def test_script_runs_at_tiny_n_and_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "3", "--runs", "1",
         "--validate-runs", "1", "--workdir", str(work), "--json", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "| 3 | " in done.stdout
    assert list(work.iterdir()) == []
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    assert row["n"] == 3
    assert row["page_kb_median"] > 0
    assert row["plain"]["cpu"] > 0 and row["plugin"]["cpu"] > 0 and row["cli"]["cpu"] > 0


def test_build_speed_runs_at_tiny_n_and_cleans_up(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(BENCH / "build_speed.py"), "--sizes", "3", "--rounds", "1",
         "--workdir", str(work)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| 3 | " in done.stdout
    # The hooks were timed inside the build: the pages are made in `on_files`.
    assert "on_files" in done.stdout and "on_page_content" in done.stdout
    assert list(work.iterdir()) == []


def test_targets_report_every_figure_at_tiny_n_and_clean_up(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--targets", "--sizes", "3", "--runs", "1",
         "--validate-runs", "1", "--workdir", str(work)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (row,) = [line for line in done.stdout.splitlines() if line.startswith("| 3 | ")]
    cells = row.strip("| ").split(" | ")
    # validate / floor, start-up, rebuild, page, build: each figure with its verdict.
    assert len(cells) == 6, row
    assert all(re.search(r": (met|MISSED)", cell) for cell in cells[1:]), row
    assert list(work.iterdir()) == []


def test_serve_script_renders_one_page_per_edit_at_tiny_n() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "serve_speed.py"), "--size", "3"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ") for line in done.stdout.splitlines() if line.startswith("| ")]
    pages = {row[0].lstrip("| "): row[2] for row in rows[1:]}
    assert pages["first build"] == "3"
    assert pages["rebuild, nothing edited"] == "0"
    assert pages["rebuild, one summary edited"] == "1"
    # Pagefind indexes the first build, and again only when a page's HTML changed.
    pagefind = {row[0].lstrip("| "): row[4] for row in rows[1:]}
    assert pagefind["first build"] == "1"
    assert pagefind["rebuild, nothing edited"] == "0"
    assert pagefind["rebuild, one summary edited"] == "1"
