"""Precision and recall of `nexus-pm match` on the test set and on the evaluation set's two halves."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for the tests package

from nexus_pm.seen import index_records
from nexus_pm.signatures import Index, match
from nexus_pm.validate import load_records
from tests.match_cases import RECORD_PATHS, TABLE
from tests.match_eval import CASES, EVAL_DIR


def figures(rows: Sequence[tuple[str, str | None]], index: Index) -> tuple[str, list[str]]:
    """One line of figures, and a line per paste the matcher gets wrong."""
    right = wrong = missed = listed = negatives = rejected = 0
    failures = []
    for text, expected in rows:
        found = match(text, index)
        top = found[0].incident if found else None
        right += top is not None and top == expected
        wrong += top is not None and top != expected
        if expected is None:
            negatives += 1
            rejected += top is None
        else:
            missed += top != expected
            listed += expected in {m.incident for m in found}
        if top != expected:
            first = text.strip().splitlines()[0][:110] if text.strip() else ""
            failures.append(f"    want {expected}, got {top}: {first!r}")
    positives = right + missed
    line = (
        f"precision {right / max(1, right + wrong):.2f} ({right}/{right + wrong})  "
        f"recall (top 1) {right / max(1, positives):.2f} ({right}/{positives})  "
        f"recall (any rank) {listed / max(1, positives):.2f} ({listed}/{positives})  "
        f"negatives rejected {rejected}/{negatives}"
    )
    return line, failures


# What a later occurrence wraps the same line in: a time in another format, syslog's
# host and program, a pod's name, colours, CRLF, a JSON log line.
WRAPS = (
    lambda line: f"2027-01-15T23:59:59.999+01:00 {line}",
    lambda line: f"Jan 15 23:59:59 host-9 app[4242]: {line}",
    lambda line: f"[1768521599123] {line}",
    lambda line: f"api-5f6d7c8b9a-zx9vw {line}",
    lambda line: f"\x1b[1;31m{line}\x1b[0m",
    lambda line: f"{line}\r\n",
    lambda line: json.dumps({"level": "error", "ts": 1768521599.123, "msg": line}),
)


def wrapped(cases: Sequence[tuple[str, str | None]], index: Index) -> str:
    """How many one-line pastes keep their top result (or none) under each wrap."""
    lines = [(text, expected) for text, expected in cases if "\n" not in text.strip()]
    kept = total = 0
    for text, _ in lines:
        found = match(text, index)
        top = found[0].incident if found else None
        for wrap in WRAPS:
            again = match(wrap(text), index)
            kept += (again[0].incident if again else None) == top
            total += 1
    return f"wrapped one-line pastes keep their top result: {kept}/{total}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", action="store_true", help="list the tuned half's misses")
    parser.add_argument("--show-held-out", action="store_true", help="list the held-out misses")
    args = parser.parse_args(argv)
    tests_index = index_records(load_records(list(RECORD_PATHS)))
    eval_index = index_records(load_records([EVAL_DIR]))
    table = [(row.text, row.expected) for row in TABLE]
    halves = {
        "tuned": [(c.text, c.expected) for c in CASES if not c.held_out],
        "held out": [(c.text, c.expected) for c in CASES if c.held_out],
    }
    line, failures = figures(table, tests_index)
    print(f"test set, {len(table)} pastes:\n  {line}")
    print(f"  {wrapped(table, tests_index)}")
    if args.show:
        print("\n".join(failures))
    for name, rows in halves.items():
        line, failures = figures(rows, eval_index)
        print(f"evaluation set, {name} half, {len(rows)} pastes:\n  {line}")
        print(f"  {wrapped(rows, eval_index)}")
        if args.show if name == "tuned" else args.show_held_out:
            print("\n".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
