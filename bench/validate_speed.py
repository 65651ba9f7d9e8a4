"""`nexus-pm validate` and the CLI's start-up, each beside the floor measured in the same run."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import synth  # the sibling module; `python bench/validate_speed.py` puts bench/ on sys.path
from run import BIN, Run, child, repeat

TARGET_RATIO = 1.5
TARGET_STARTUP_S = 0.2
# The floor: a whole process that reads every record, parses it with rapidyaml and validates
# it against the schema, with nothing else (no careful checks, no messages, no CLI).
FLOOR = """
import json, sys
from pathlib import Path
import ryml
from nexus_pm.models import Incident
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    tree = ryml.parse_in_arena(path.read_bytes())
    Incident.model_validate(json.loads(ryml.emit_json(tree)))
"""


def measure(work: Path, n: int, seed: int, runs: int) -> tuple[Run, Run]:
    """`nexus-pm validate` of N records, and the floor over the same files."""
    project = work / f"n{n}"
    synth.write(project / "incidents", n, seed)
    nexus, python = str(BIN / "nexus-pm"), sys.executable
    cli: list[Run] = []
    floor: list[Run] = []
    # One unmeasured run of each writes the bytecode of every module they import, as any first
    # run does: without it the first measured runs would compile them.
    child([nexus, "validate", "incidents"], project)
    child([python, "-c", FLOOR, "incidents"], project)
    for _ in range(runs):
        # Alternating spreads drift in the machine's load over both.
        cli.append(child([nexus, "validate", "incidents"], project))
        floor.append(child([python, "-c", FLOOR, "incidents"], project))
    shutil.rmtree(project)
    return Run.median(cli), Run.median(floor)


def startup(work: Path, runs: int) -> dict[str, Run]:
    (work / "empty").mkdir()
    nexus = str(BIN / "nexus-pm")
    commands = {
        "`nexus-pm --help`": [nexus, "--help"],
        "`nexus-pm validate` of an empty folder": [nexus, "validate", "empty"],
        "floor: `python -c pass`": [sys.executable, "-c", "pass"],
    }
    for cmd in commands.values():
        child(cmd, work)  # writes bytecode, as above
    return {name: repeat(runs, lambda cmd=cmd: child(cmd, work)) for name, cmd in commands.items()}


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(sizes: list[int], seed: int, runs: int, work: Path) -> str:
    """Markdown tables; each time is CPU seconds with wall-clock seconds in brackets."""
    lines = [
        "| N | `nexus-pm validate` | floor: read, rapidyaml, `Incident.model_validate` "
        f"| ratio | target: ≤ {TARGET_RATIO} |",
        "|---:|---:|---:|---:|---|",
    ]
    for n in sizes:
        cli, floor = measure(work, n, seed, runs)
        ratio = cli.cpu / floor.cpu
        lines.append(
            f"| {n:,} | {cli} | {floor} | {ratio:.2f} | {verdict(ratio <= TARGET_RATIO)} |"
        )
    lines += ["", f"| start-up | CPU (wall) | target: < {TARGET_STARTUP_S} s |", "|---|---:|---|"]
    for name, run in startup(work, runs).items():
        ok = "—" if name.startswith("floor") else verdict(run.cpu < TARGET_STARTUP_S)
        lines.append(f"| {name} | {run} | {ok} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], metavar="N")
    parser.add_argument("--runs", type=int, default=5, help="runs of each, the median shown")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    # Measured as users run it, with the bytecode Python writes on a first run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    work = Path(tempfile.mkdtemp(prefix="nexus-pm-validate-speed-"))
    try:
        print(report(args.sizes, args.seed, args.runs, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
