"""Importing a folder into a folder of records: `nexus-pm import` end to end, beside a floor.

    python bench/import_folder.py [FILES] [RECORDS]

Imports FILES copies of the shape fixtures (default 40) with `nexus-pm import` into a
folder already holding RECORDS records (default 300), and prints the wall and CPU time
beside the floor measured in the same run: the same import into an empty folder. Each
file claims its id by scanning the folder, so the gap is what the records already there
cost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "tests" / "fixtures" / "import"


def run(work: Path, files: int, records: int) -> tuple[float, float]:
    incidents = work / "incidents"
    incidents.mkdir()
    for n in range(records):
        (incidents / f"record-{n}.yaml").write_text(
            f"format: 2\nid: INC-{n + 1:04d}\ntitle: Record {n}\nsummary: One.\n"
            "date: 2024-01-01\nstatus: draft\n",
            encoding="utf-8",
        )
    sources = work / "md"
    sources.mkdir()
    shapes = sorted(SHAPES.glob("*.md"))
    for n in range(files):
        shape = shapes[n % len(shapes)]
        shutil.copy(shape, sources / f"{n:03d}-{shape.name}")
    command = [sys.executable, "-m", "nexus_pm", "import", "--date", "2024-01-02"]
    command += ["--no-input", "--incidents-dir", str(incidents), str(sources)]
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, cwd=work, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    records = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        floor = run(Path(empty), files, 0)
        spent = run(Path(full), files, records)
    print(f"{files} files")
    for label, (wall, cpu) in (("into an empty folder", floor), (f"into {records} records", spent)):
        print(f"{label + ':':<26}{cpu:6.2f} s CPU ({wall:.2f} s wall)")


if __name__ == "__main__":
    main()
