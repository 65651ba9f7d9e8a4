"""The benchmark's synthetic records validate, and its script runs end to end at tiny N."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nexus_pm.models import Severity
from nexus_pm.validate import load_records

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def synth(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    import synth as module

    return module


def test_synthetic_records_validate_and_look_like_real_ones(
    synth: ModuleType, tmp_path: Path
) -> None:
    paths = synth.write(tmp_path / "incidents", 60, seed=7)
    records = load_records([tmp_path / "incidents"])

    assert len(records) == 60
    assert sorted(r.incident.id for r in records) == [f"INC-{i:04d}" for i in range(1, 61)]
    sizes = sorted(p.stat().st_size for p in paths)
    assert 3000 <= sizes[len(sizes) // 2] <= 5500, sizes
    incidents = [r.incident for r in records]
    assert {i.severity for i in incidents} == set(Severity)
    assert len({s for i in incidents for s in i.services}) >= 15
    assert len({t for i in incidents for t in i.tags}) >= 30
    related = [x for i in incidents for x in i.related]
    assert related and all(x in {i.id for i in incidents} for x in related)
    assert all(i.prevention.checklist and i.root_cause and i.symptom for i in incidents)


def test_generation_is_deterministic_per_seed(synth: ModuleType) -> None:
    assert synth.generate(5, seed=3) == synth.generate(5, seed=3)
    assert synth.generate(5, seed=3) != synth.generate(5, seed=4)


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
