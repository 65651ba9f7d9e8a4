"""CPU time of `nexus-pm match`: 5,000 incidents indexed, a 10,000-line CI log matched, and the
whole command over 5,000 record files, without its cache and with it."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import match_synth  # sibling modules; `python bench/match.py` puts bench/ on sys.path
import run
import synth

from nexus_pm.signature_text import clean
from nexus_pm.signatures import build_index, match


def cpu(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median CPU seconds of `fn` over `runs`, and its last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def write_project(folder: Path, work: match_synth.Workload) -> None:
    """The workload as a project: each incident a synthetic record (bench/synth.py) holding the
    workload's two errors and pattern, an mkdocs.yml with a site URL, and the log as ci.log."""
    rng = random.Random(1)
    (folder / "incidents").mkdir(parents=True)
    for number, source in enumerate(work.sources, start=1):
        record = synth.incident(rng, number, dt.date(2023, 1, 1))
        record["errors"] = [{"output": output} for output in source.outputs[0].split("\n")]
        record["signatures"] = list(source.patterns)
        name = f"{record['date'].isoformat()}-{record['services'][0]}-inc-{number:04d}.yaml"
        (folder / "incidents" / name).write_text(synth.dump(record), encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Bench\nsite_url: https://pm.example.org/\n", encoding="utf-8"
    )
    (folder / "ci.log").write_text(work.log, encoding="utf-8")


def whole_command(work: match_synth.Workload, runs: int) -> bool:
    """Print the CPU time of `nexus-pm match ci.log --json`, cold and warm; True if the three
    ways (no cache, cold, warm) print the same JSON."""
    folder = Path(tempfile.mkdtemp(prefix="nexus-pm-match-"))
    try:
        write_project(folder, work)
        cmd = [str(run.BIN / "nexus-pm"), "match", "ci.log", "--json"]
        out = folder / ".bench-child.log"  # where run.child puts what the command prints
        cache = folder / ".cache"

        def cold() -> run.Run:
            shutil.rmtree(cache, ignore_errors=True)
            return run.child(cmd, folder)

        without = run.child([*cmd, "--no-cache"], folder)
        printed = out.read_bytes()
        cold_run = run.repeat(runs, cold)
        same = out.read_bytes() == printed
        warm = run.repeat(runs, lambda: run.child(cmd, folder))
        same = same and out.read_bytes() == printed
        edited = folder / "incidents" / sorted(p.name for p in (folder / "incidents").iterdir())[0]
        text = edited.read_text(encoding="utf-8")

        def one_edit() -> run.Run:
            edited.write_text(text + f"# edited at {time.perf_counter_ns()}\n", encoding="utf-8")
            return run.child(cmd, folder)

        one = run.repeat(runs, one_edit)
        same = same and out.read_bytes() == printed
        floor = run.repeat(runs, lambda: run.child([sys.executable, "-c", "pass"], folder))
        # Start-up: the same command where there is no record to read, nor any to match.
        empty = folder / "empty"
        (empty / "incidents").mkdir(parents=True)
        for name in ("mkdocs.yml", "ci.log"):
            shutil.copy2(folder / name, empty / name)
        start = run.repeat(runs, lambda: run.child(cmd, empty, ok=(1,)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"`nexus-pm match ci.log --json` over {len(work.sources):,} record files, the whole")
    print(f"command, CPU s (wall s), median of {runs} runs")
    print(f"  --no-cache                {without}")
    print(f"  cold: no cache yet        {cold_run}")
    print(f"  warm: cache present       {warm}   (goal: under 1 s)")
    print(f"  warm, one record edited   {one}")
    print(f"  start-up: no record       {start}")
    print(f"  floor: python -c pass     {floor}")
    print(f"  the same JSON without the cache, cold and warm: {'yes' if same else 'NO'}")
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--command-runs", type=int, default=3, help="runs of the whole command; 0 skips it"
    )
    args = parser.parse_args(argv)
    work = match_synth.workload(args.incidents, args.lines)
    indexed, index = cpu(lambda: build_index(work.sources), args.runs)
    matched, found = cpu(lambda: match(work.log, index, limit=len(work.sources)), args.runs)
    # The floor: reading the log's lines and cleaning them of ANSI escapes, nothing more.
    floor, _ = cpu(lambda: [clean(line) for line in work.log.splitlines()], args.runs)
    missed = work.expected - {m.incident for m in found}
    print(f"{args.incidents:,} incidents, a {args.lines:,}-line log, median of {args.runs} runs")
    print(f"  index built        {indexed:6.3f} s CPU")
    print(f"  log matched        {matched:6.3f} s CPU   (goal: under 1 s)")
    print(f"  floor: lines read  {floor:6.3f} s CPU")
    print(
        f"  incidents found    {len(found):,}; of the {len(work.expected)} planted, {len(missed)} missed"
    )
    same = whole_command(work, args.command_runs) if args.command_runs else True
    return 1 if missed or not same else 0


if __name__ == "__main__":
    sys.exit(main())
