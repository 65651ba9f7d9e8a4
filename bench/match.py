"""CPU time of `nexus-pm match`'s work: 5,000 incidents indexed, a 10,000-line CI log matched."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import match_synth  # the sibling module; `python bench/match.py` puts bench/ on sys.path

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
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
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
