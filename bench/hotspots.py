"""Where the generator's time goes at N synthetic incidents: each step's CPU time, and a profile."""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import synth  # the sibling module; `python bench/hotspots.py` puts bench/ on sys.path

from nexus_pm import loader
from nexus_pm.checks.links import record_check_problems
from nexus_pm.models import Incident
from nexus_pm.reference import reference_page
from nexus_pm.render import Renderer

ROOT = Path(__file__).resolve().parent.parent


def cpu_ms(fn: Callable[[], Any], runs: int) -> float:
    """Median CPU milliseconds of `fn`; CPU time is steadier than wall time on a busy machine.

    The cyclic garbage collector is off, as `load_records` turns it off while loading.
    """
    times = []
    for _ in range(runs):
        gc.disable()
        try:
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
        finally:
            gc.enable()
    return statistics.median(times) * 1000


def steps(n: int, runs: int) -> list[tuple[str, float]]:
    """Each step of `load_records` and of rendering, timed on its own."""
    folder = Path("incidents")
    paths = sorted(folder.iterdir())
    texts = [loader.read_text(p) for p in paths]
    data = [loader.parse_yaml(t, str(p)) for t, p in zip(texts, paths, strict=True)]
    records = loader.load_records([folder])
    templates = ROOT / "templates"

    return [
        ("read files", cpu_ms(lambda: [loader.read_text(p) for p in paths], runs)),
        ("parse YAML (project loader)", cpu_ms(lambda: [loader.parse_yaml(t, "x") for t in texts], runs)),
        ("Incident.model_validate", cpu_ms(lambda: [Incident.model_validate(d) for d in data], runs)),
        ("cross-record rules", cpu_ms(lambda: loader.cross_record_problems(records), runs)),
        ("record check links", cpu_ms(lambda: record_check_problems(records), runs)),
        ("load_records, whole", cpu_ms(lambda: loader.load_records([folder]), runs)),
        ("Renderer(...).site", cpu_ms(lambda: Renderer(templates).site(records), runs)),
        ("reference_page", cpu_ms(reference_page, runs)),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=25, help="profile lines to print; 0 for none")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nexus-pm-profile-") as work:
        synth.write(Path(work) / "incidents", args.n, args.seed)
        with contextlib.chdir(work):
            print(f"| step, N={args.n:,} | CPU ms | per record |\n|---|---:|---:|")
            for name, ms in steps(args.n, args.runs):
                print(f"| {name} | {ms:.0f} | {ms / args.n * 1000:.0f} µs |")
            if args.top:
                records = loader.load_records([Path("incidents")])
                for title, fn in [
                    ("load_records", lambda: loader.load_records([Path("incidents")])),
                    ("Renderer.site", lambda: Renderer(ROOT / "templates").site(records)),
                ]:
                    profile = cProfile.Profile(time.process_time)
                    profile.runcall(fn)
                    print(f"\n## {title} (cProfile, CPU time; the profiler inflates small calls)\n")
                    stats = pstats.Stats(profile, stream=sys.stdout)
                    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
