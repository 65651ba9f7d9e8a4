"""Every figure of the performance targets at N incidents, each beside its floor: one table.

`bench/run.py --targets` runs it. Validate and start-up come from `validate_speed.py`, the
build against a plain build (and the plugin's own hooks inside it) from `build_speed.py`,
the one-record rebuild from `serve_speed.py` (at N ≤ 1,000, where its target is set), and
the largest incident page from the plugin build.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import build_speed  # the sibling modules; `python bench/run.py` puts bench/ on sys.path
import serve_speed
import validate_speed
from run import Run

TARGET_PAGE_KB = 40.0
TARGET_REBUILD_S = 2.0
REBUILD_UP_TO_N = 1000


@dataclass(frozen=True)
class Figures:
    """One N's figures; CPU seconds unless named otherwise."""

    n: int
    validate: Run
    floor: Run
    startup: dict[str, Run]
    build: dict[str, Any]
    page_kb: float
    #: The slowest one-record rebuild and the first build of the same session, if measured.
    rebuild: tuple[float, float] | None


def figures(n: int, seed: int, runs: int, rounds: int, work: Path) -> Figures:
    """The figures for one N, measured in `work`."""
    work.mkdir(parents=True)
    cli, floor = validate_speed.measure(work, n, seed, runs)
    (work / "start").mkdir()
    start = validate_speed.startup(work / "start", runs)
    project = work / "build"
    project.mkdir()
    built = build_speed.measure(project, n, seed, rounds)
    pages = project.glob("site-plugin/incidents/inc-*/index.html")
    largest = max((p.stat().st_size for p in pages), default=0) / 1024
    shutil.rmtree(project)
    rebuild = None
    if n <= REBUILD_UP_TO_N:
        logging.getLogger("mkdocs").setLevel(logging.ERROR)
        (work / "serve").mkdir()
        rows = serve_speed.measure(n, work / "serve")
        rebuild = (max(row[1] for row in rows[1:]), rows[0][1])
    return Figures(n, cli, floor, start, built, largest, rebuild)


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(results: list[Figures]) -> str:
    """One Markdown table, each figure with its target; times are CPU seconds."""
    lines = [
        "| N | validate / floor (≤ 1.5) | `--help`, empty `validate` (≤ 0.2 s) "
        "| slowest one-record rebuild / first build (≤ 2 s at 1,000) "
        "| largest incident page (≤ 40 KB) "
        "| build / plain build, paired (≤ 0.8); plugin's hooks / plain |",
        "|---:|---|---|---|---|---|",
    ]
    for r in results:
        ratio = r.validate.cpu / r.floor.cpu
        starts = [run.cpu for name, run in r.startup.items() if not name.startswith("floor")]
        shown = ", ".join(f"{cpu:.2f} s" for cpu in starts)
        rebuilt = "—"
        if r.rebuild is not None:
            worst, first = r.rebuild
            rebuilt = f"{worst:.2f} s / {first:.2f} s: {_mark(worst <= TARGET_REBUILD_S)}"
        b = r.build
        built = f"{b['ratio']:.2f} ({b['low']:.2f} to {b['high']:.2f})"
        lines.append(
            f"| {r.n:,} | {r.validate.cpu:.2f} / {r.floor.cpu:.2f} s = {ratio:.2f}: "
            f"{_mark(ratio <= validate_speed.TARGET_RATIO)} "
            f"| {shown}: {_mark(max(starts) <= validate_speed.TARGET_STARTUP_S)} | {rebuilt} "
            f"| {r.page_kb:.1f} KB: {_mark(r.page_kb <= TARGET_PAGE_KB)} "
            f"| {built}: {_mark(b['ratio'] <= build_speed.TARGET_RATIO)}; "
            f"{b['hooks'] / b['plain'].cpu:.0%} |"
        )
    return "\n".join(lines)


def run(sizes: list[int], seed: int, runs: int, rounds: int, work: Path) -> str:
    """Measure every N in `work`, which is left empty, and return the table."""
    # Measured as users run it, with the bytecode Python writes on a first run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    results = []
    for n in sizes:
        results.append(figures(n, seed, runs, rounds, work / f"n{n}"))
        shutil.rmtree(work / f"n{n}", ignore_errors=True)
    return report(results)
