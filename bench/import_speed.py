"""Import speed: Markdown postmortems turned into validated records per second, beside a floor.

    python bench/import_speed.py [COPIES]

Imports the seed write-up, the three real postmortems and the shape fixtures COPIES times
each (default 25), without writing files, and prints files per second beside the floor
measured in the same run: markdown-it's parse of the same files alone; by wall time and by
CPU time (which a busy machine does not inflate).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from markdown_it import MarkdownIt

from nexus_pm.import_map import Given
from nexus_pm.import_record import prepare, record_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def sources() -> list[Path]:
    found = [FIXTURES / "seed" / "voice-service-fix-2025-11-09.md"]
    found += sorted((FIXTURES / "realworld").glob("*-*.md"))
    return found + sorted((FIXTURES / "import").glob("*.md"))


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    files = sources() * copies
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    texts = [p.read_text(encoding="utf-8") for p in files]
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        parser.parse(text)
    floor, floor_cpu = time.perf_counter() - start, time.process_time() - cpu
    given = Given(date=None)
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        mapped, source = prepare(path, given)
        record_text(mapped, source, path.name, "INC-0001", ["SEV1", "SEV2", "SEV3", "SEV4"])
    spent, spent_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{len(files)} files")
    print(f"markdown-it parse alone: {len(files) / floor:8.0f} files/s")
    print(
        f"nexus-pm import:         {len(files) / spent:8.0f} files/s (parse, map, dump, validate)"
    )
    # CPU time does not count the time other processes on a busy machine took.
    print(
        f"per CPU second: floor {len(files) / floor_cpu:.0f} files/s, import "
        f"{len(files) / spent_cpu:.0f} files/s, share of the floor {floor_cpu / spent_cpu:.2f}"
    )


if __name__ == "__main__":
    main()
