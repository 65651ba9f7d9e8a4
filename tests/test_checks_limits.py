"""`check` and `validate` stay linear on hostile input inside the size caps, measured in CPU time."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from nexus_pm.checks.stages import parse_snippet

from .conftest import ROOT, SEED

# Generous bounds: a linear pass takes a second or two at these sizes, the quadratic walks
# they replace took minutes. CPU time, not wall time, so that a busy CI machine does not flake.
CPU_SECONDS = 10.0
# Kills a child that would run for minutes, so that a regression fails fast instead of stalling.
CPU_LIMIT = 30
WALL_SECONDS = 120.0
GOOD_TAIL = "USER app\nHEALTHCHECK CMD true\n"


@dataclass
class Child:
    """What one `nexus-pm` child process did, and the CPU time it took."""

    code: int
    stdout: str
    stderr: str
    cpu_seconds: float


def _limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 5))


def run_cli(args: list[str], cwd: Path) -> Child:
    """Run `python -m nexus_pm` in `cwd`; wait4 hands back this one child's CPU time."""
    out_path, err_path = cwd.parent / f".{cwd.name}.out", cwd.parent / f".{cwd.name}.err"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("SITE_URL", None)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nexus_pm", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            preexec_fn=_limit_cpu,
        )
        timer = threading.Timer(WALL_SECONDS, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
    return Child(
        os.waitstatus_to_exitcode(status),
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
        usage.ru_utime + usage.ru_stime,
    )


def assert_linear(child: Child, code: int) -> None:
    assert child.cpu_seconds < CPU_SECONDS, f"{child.cpu_seconds:.1f} s CPU"
    assert child.code == code, (child.code, child.stderr[-2000:])
    assert "Traceback" not in child.stderr


def _lines(template: str, count: int) -> str:
    return "".join(template.format(i=i) for i in range(count))


# Each text is under the 1 MiB cap and would cost a quadratic walk a minute or more.
DOCKERFILES = {
    # Every RUN asked for the user and the variables set by every instruction before it.
    "many-runs": "FROM python:3.11\n" + _lines("RUN pip install p{i}\n", 20_000) + GOOD_TAIL,
    # Every stage's chain of bases was copied for every COPY --from, and names looked up in turn.
    "chained-stages": "FROM python:3.11 AS s0\n"
    + "".join(
        f"FROM s{i} AS s{i + 1}\nCOPY --from=s{i} /a /a\nRUN pip install x\n" for i in range(12_000)
    )
    + GOOD_TAIL,
    # Each directive scanned every comment below it for the instruction it covers.
    "directives-and-comments": "FROM python:3.11\n"
    + "# nexus-pm: ignore[dockerfile/root-user] accepted\n" * 5_000
    + "# note\n" * 50_000
    + GOOD_TAIL,
    # Each finding on a line was matched against every suppression of that line.
    "findings-times-suppressions": "FROM python:3.11\n"
    + "# nexus-pm: ignore[dockerfile/root-user] accepted\n" * 8_000
    + "ENV "
    + _lines("PATH=/root/{i} ", 30_000)
    + "\n"
    + GOOD_TAIL,
}


FINDINGS = {"directives-and-comments", "findings-times-suppressions"}


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_check_is_linear_in_the_dockerfile(name: str, tmp_path: Path) -> None:
    text = DOCKERFILES[name]
    assert len(text.encode()) < 1024 * 1024
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    child = run_cli(["check", "--format", "json", "Dockerfile"], tmp_path)
    assert_linear(child, 1 if name in FINDINGS else 0)


def seed_with(
    befores: Sequence[str] = (), checklist: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The seed record with a change added for each before snippet, and its checklist replaced."""
    data: dict[str, Any] = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    after = data["fix"]["changes"][0]["after"]["code"]
    for number, before in enumerate(befores):
        data["fix"]["changes"].append(
            {
                "title": f"Change {number}",
                "path": "Dockerfile",
                "before": {"path": "Dockerfile", "language": "dockerfile", "code": before},
                "after": {"path": "Dockerfile", "language": "dockerfile", "code": after},
            }
        )
    if checklist is not None:
        # Copies, not the same dict again: the dumper would write that as a YAML alias.
        data["prevention"]["checklist"] = [dict(item) for item in checklist]
    return data


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text double-quoted, one `\\n` per line break, to stay under the cap."""


_Dumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style='"' if "\n" in text else None
    ),
)


def write_record(folder: Path, data: dict[str, Any], name: str = "record.yaml") -> None:
    (folder / "incidents").mkdir(exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 20)
    assert len(text.encode()) < 1024 * 1024
    (folder / "incidents" / name).write_text(text, encoding="utf-8")


LINKED = [
    {"text": "Install packages system-wide (no --user)", "check": "dockerfile/pip-user-install"},
    {"text": "Copy from system directories", "check": "dockerfile/copy-from-root"},
    {"text": "Verify PATH accessibility", "check": "dockerfile/env-path-root"},
]


def big_before(number: int) -> str:
    """A before snippet near the 20,000-character cap: thousands of RUNs in the builder."""
    runs = f"RUN c{number}\n" * (18_000 // len(f"RUN c{number}\n"))
    return (
        "# Stage 1: Builder\nRUN pip install --user x\n"
        + runs
        + "# Stage 2: Runtime\nCOPY --from=builder /root/.local /root/.local\nUSER nexus\n"
    )


RECORDS = {
    # Each RUN of each snippet walked back over every instruction before it.
    "big-snippets": seed_with([big_before(n) for n in range(40)]),
    # The same snippets proved again for each of many items linking the same rule: a
    # checklist holds at most 100 items, so each one is proved against 40 big snippets.
    "many-linked-items": seed_with(
        [big_before(n) for n in range(40)], checklist=LINKED * (100 // len(LINKED))
    ),
}


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_validate_proves_linked_rules_in_linear_time(name: str, tmp_path: Path) -> None:
    write_record(tmp_path, RECORDS[name])
    child = run_cli(["validate"], tmp_path)
    assert_linear(child, 0)
    assert child.stdout == "1 record valid\n"


def test_stage_marks_of_a_snippet_are_read_in_one_pass() -> None:
    # Snippets are capped at 20,000 characters in records, so this calls the parser directly
    # with a bigger one: every `# Stage N` mark used to be compared with every instruction.
    text = "# Stage 1: step\nRUN true\n" * 25_000
    before = resource.getrusage(resource.RUSAGE_SELF)
    parsed = parse_snippet(text, "before")
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert len(parsed.stages) == 25_000
    assert cpu < CPU_SECONDS, f"{cpu:.1f} s CPU"
