"""The bad-input corpus: every case through the real CLI, pinned as golden text, bounded in CPU and memory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from nexus_pm.loader import MAX_BYTES, MAX_VALUES

from .conftest import SEED
from .goldens import check_golden

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
# Safety limits, not benchmarks: a blow-up fails loudly instead of stalling CI.
# CPU time, not wall time: on a loaded machine a child waits for a core, and
# only the work it does says whether a payload made it loop or balloon.
CPU_SECONDS = 2.0
MAX_RSS_MB = 200
# Wall time only catches a hang (a blocking open, a prompt nobody answers).
HANG_SECONDS = 120.0
ROOT = Path(__file__).resolve().parent.parent
PROBLEM = re.compile(r"^(input\.yaml|incidents/[^:]+):\d+: \S+: .+")


@dataclass
class Run:
    """What one `nexus-pm` child process did."""

    code: int
    stdout: str
    stderr: str
    hung: bool
    cpu_seconds: float
    max_rss_mb: float


# Run first in each child: at exit it writes its peak resident size (VmHWM, KiB) to `path`.
_PEAK = """
import atexit
def _peak():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
        with open({path!r}, "w", encoding="ascii") as out:
            out.write(kib)
    except (OSError, StopIteration):
        pass
atexit.register(_peak)
del atexit
"""


def run_cli(args: list[str], cwd: Path, prelude: str = "") -> Run:
    """Run `python -m nexus_pm` in a child and measure its CPU time and peak memory.

    `prelude` is Python run in the child first, to make a system call fail the
    way a full or read-only disk would where the real condition needs root.
    """
    out_path, err_path = cwd.parent / f".{cwd.name}.out", cwd.parent / f".{cwd.name}.err"
    peak_path = cwd.parent / f".{cwd.name}.peak"
    peak_path.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NO_COLOR": "1"}
    # The child reports its own peak: a fork of this (large) test process would carry the
    # parent's resident size into ru_maxrss, which Linux keeps across exec.
    start = [
        "-c",
        f"{_PEAK.format(path=str(peak_path))}\n{prelude}\nimport runpy\n"
        "runpy.run_module('nexus_pm', run_name='__main__', alter_sys=True)",
    ]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, *start, *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(HANG_SECONDS, kill)
        timer.start()
        try:
            # wait4 rather than Popen.wait: it hands back this one child's own rusage.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        code=proc.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        hung=killed.is_set(),
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        max_rss_mb=_peak_kib(peak_path, usage.ru_maxrss) / 1024,
    )


def _peak_kib(path: Path, fallback: int) -> int:
    """The child's own peak resident size in KiB; rusage's where it wrote none (no /proc)."""
    try:
        return int(path.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return fallback  # Linux reports ru_maxrss in KiB


def case_args(folder: Path) -> list[str]:
    args_file = folder / "args.txt"
    if args_file.exists():
        return args_file.read_text(encoding="utf-8").split()
    return ["input.yaml"] if (folder / "input.yaml").exists() else ["incidents"]


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def assert_contained(run: Run) -> None:
    """The bounds every bad input must stay within, whatever it holds."""
    assert not run.hung, f"killed after {HANG_SECONDS:.0f}s: it hung"
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert run.cpu_seconds < CPU_SECONDS, f"used {run.cpu_seconds:.2f}s of CPU"
    assert run.max_rss_mb < MAX_RSS_MB, f"peaked at {run.max_rss_mb:.0f} MB"


@pytest.mark.parametrize("name", CASES)
def test_corpus_case(name: str, tmp_path: Path, yaml_path: str) -> None:
    # Each case runs in a throwaway copy, so that anything a payload managed to
    # write would show up as a new file there and never touch the repo.
    work = tmp_path / name
    shutil.copytree(CORPUS / name, work)
    before = listing(work)
    run = run_cli(["validate", *case_args(work)], work)
    check_golden(CORPUS / name / "expected.txt", run.stderr)
    assert run.code == 1
    assert run.stdout == ""
    assert_contained(run)
    assert listing(work) == before, "validation created files"


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    for name in CASES:
        assert (CORPUS / name / "expected.txt").exists(), f"{name} has no golden"


def test_every_golden_line_names_a_file_and_line() -> None:
    for name in CASES:
        lines = (CORPUS / name / "expected.txt").read_text(encoding="utf-8").splitlines()
        *problems, summary = [ln for ln in lines if ": skipped: " not in ln]
        assert problems, name
        assert re.fullmatch(r"\d+ problems? in \d+ files?", summary), (name, summary)
        for line in problems:
            assert PROBLEM.match(line), (name, line)


def test_python_tag_payloads_ran_nothing(tmp_path: Path) -> None:
    # The same payloads as the corpus, aimed at an absolute path this time.
    marker = tmp_path / "pwned"
    record = SEED.read_text(encoding="utf-8")
    payloads = [
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"!!python/object/apply:subprocess.call [['touch', '{marker}']]",
        f"!!python/object/new:builtins.open ['{marker}', 'w']",
        f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]",
    ]
    for index, payload in enumerate(payloads):
        work = tmp_path / f"case{index}"
        work.mkdir()
        (work / "input.yaml").write_text(f"{record}tampered: {payload}\n", encoding="utf-8")
        run = run_cli(["validate", "input.yaml"], work)
        assert run.code == 1
        assert "is not allowed; records hold plain data only" in run.stderr
        assert_contained(run)
    assert not marker.exists()


def test_default_size_cap_is_one_mebibyte(tmp_path: Path) -> None:
    work = tmp_path / "big"
    work.mkdir()
    padding = "# " + "x" * 98 + "\n"
    text = SEED.read_text(encoding="utf-8")
    text += padding * ((MAX_BYTES - len(text.encode())) // len(padding) + 1)
    (work / "input.yaml").write_text(text, encoding="utf-8")
    size = len(text.encode())
    assert size > MAX_BYTES == 1024 * 1024
    run = run_cli(["validate", "input.yaml"], work)
    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        f"input.yaml:1: file: is {size} bytes, over the {MAX_BYTES}-byte size cap"
    )
    assert_contained(run)
    # The cap is configurable: raised above the file's size, the same file is valid.
    run = run_cli(["validate", "--max-bytes", str(size), "input.yaml"], work)
    assert (run.code, run.stdout) == (0, "1 record valid\n"), run.stderr


def test_a_size_cap_past_what_a_read_can_count_is_no_cap(tmp_path: Path) -> None:
    work = tmp_path / "huge-cap"
    work.mkdir()
    shutil.copy(SEED, work / "input.yaml")
    run = run_cli(["validate", "--max-bytes", "9" * 40, "input.yaml"], work)
    assert (run.code, run.stdout, run.stderr) == (0, "1 record valid\n", "")


def table_file(work: Path, count: int) -> Path:
    """The seed record with a table of `count` bad cells, one a line, in rows of 20."""
    work.mkdir()
    # Lists of services or tags stop at 100 items; a table holds up to 1000 rows of 20 cells.
    width = 20
    rows = "".join(
        ("          - - {}\n" if cell % width == 0 else "            - {}\n")
        for cell in range(count)
    )
    columns = ", ".join(f"c{n}" for n in range(width))
    table = (
        "sections:\n  - title: Bad cells\n    blocks:\n      - kind: table\n"
        f"        columns: [{columns}]\n        rows:\n{rows}"
    )
    text = SEED.read_text(encoding="utf-8").replace("sections:\n", table, 1)
    (work / "input.yaml").write_text(text, encoding="utf-8")
    return work


def test_many_problems_in_one_file_stay_fast(tmp_path: Path) -> None:
    # Every error is located in the file: the work must not grow with errors x size.
    work = table_file(tmp_path / "many", 15000)
    run = run_cli(["validate", "input.yaml"], work)
    assert run.code == 1
    lines = run.stderr.splitlines()
    assert lines[-1] == "15000 problems in 1 file"
    text = (work / "input.yaml").read_text(encoding="utf-8").splitlines()
    first = text.index("        rows:") + 2
    field = "sections.0.blocks.0.rows"
    assert lines[0] == f"input.yaml:{first}: {field}.0.0: Input should be a valid string"
    assert lines[-2] == (
        f"input.yaml:{first + 14999}: {field}.749.19: Input should be a valid string"
    )
    assert_contained(run)


def test_a_record_of_too_many_values_is_refused_early(tmp_path: Path) -> None:
    # A full mebibyte of tiny list items: far more values than any record needs.
    work = tmp_path / "huge"
    work.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    head, tail = seed.split("services: [voice-service]\n")
    room = MAX_BYTES - len((head + "services:\n" + tail).encode())
    items = "  - x\n" * (room // len("  - x\n"))
    (work / "input.yaml").write_text(head + "services:\n" + items + tail, encoding="utf-8")
    assert MAX_BYTES - 10 < (work / "input.yaml").stat().st_size <= MAX_BYTES
    run = run_cli(["validate", "input.yaml"], work)
    assert run.code == 1
    assert re.fullmatch(
        rf"input\.yaml:\d+: yaml: the record holds more than {MAX_VALUES} values; trim it\n"
        r"1 problem in 1 file\n",
        run.stderr,
    ), run.stderr
    assert_contained(run)


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    work = tmp_path / "repo"
    (work / "incidents").mkdir(parents=True)
    (work / "incidents" / "linked.yaml").symlink_to(secret)
    run = run_cli(["validate", "incidents"], work)
    assert run.code == 1
    assert run.stderr.splitlines() == [
        "incidents/linked.yaml:1: file: is a symlink to a file outside incidents/",
        "1 problem in 1 file",
    ]
    assert_contained(run)


def test_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    (work / "incidents" / "archive").mkdir(parents=True)
    target = work / "incidents" / "archive" / "seed.yaml"
    target.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (work / "incidents" / "seed.yaml").symlink_to(Path("archive") / "seed.yaml")
    run = run_cli(["validate", "incidents"], work)
    assert (run.code, run.stdout) == (0, "1 record valid\n"), run.stderr


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode(), id="bom"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), id="both"),
    ],
)
def test_bom_and_crlf_are_accepted(encode: object, tmp_path: Path) -> None:
    assert callable(encode)
    work = tmp_path / "repo"
    work.mkdir()
    (work / "input.yaml").write_bytes(encode(SEED.read_text(encoding="utf-8")))
    run = run_cli(["validate", "input.yaml"], work)
    assert (run.code, run.stdout) == (0, "1 record valid\n"), run.stderr


def test_other_extensions_are_ignored_with_a_note(tmp_path: Path) -> None:
    work = tmp_path / "repo"
    (work / "incidents").mkdir(parents=True)
    shutil.copy(SEED, work / "incidents" / "seed.yaml")
    (work / "incidents" / "README.md").write_text("# Incidents\n", encoding="utf-8")
    (work / "incidents" / "seed.yaml.orig").write_text("not: [yaml", encoding="utf-8")
    quiet = run_cli(["validate", "incidents"], work)
    assert (quiet.code, quiet.stdout, quiet.stderr) == (0, "1 record valid\n", "")
    loud = run_cli(["validate", "--verbose", "incidents"], work)
    assert (loud.code, loud.stdout) == (0, "1 record valid\n")
    assert loud.stderr.splitlines() == [
        "incidents/README.md: skipped: not a .yaml or .yml file",
        "incidents/seed.yaml.orig: skipped: not a .yaml or .yml file",
    ]


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    # Opening a FIFO waits for a writer, and /dev/zero never ends.
    work = tmp_path / "repo"
    (work / "incidents").mkdir(parents=True)
    os.mkfifo(work / "fifo")
    (work / "incidents" / "pipe.yaml").symlink_to(Path("..") / "fifo")
    (work / "incidents" / "zero.yaml").symlink_to("/dev/zero")
    run = run_cli(["validate", "incidents"], work)
    assert run.code == 1
    assert run.stderr.splitlines() == [
        "incidents/pipe.yaml:1: file: is a symlink to a file outside incidents/",
        "incidents/zero.yaml:1: file: is a symlink to a file outside incidents/",
        "2 problems in 2 files",
    ]
    os.mkfifo(work / "incidents" / "inside")
    (work / "incidents" / "inner.yaml").symlink_to("inside")
    run = run_cli(["validate", "incidents/inner.yaml", "/dev/zero", "incidents"], work)
    assert run.code == 1
    assert run.stderr.splitlines() == [
        "/dev/zero:1: file: is not a regular file",
        "incidents/inner.yaml:1: file: is not a regular file",
        "incidents/pipe.yaml:1: file: is a symlink to a file outside incidents/",
        "incidents/zero.yaml:1: file: is a symlink to a file outside incidents/",
        "4 problems in 4 files",
    ]
    assert_contained(run)
