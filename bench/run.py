"""Benchmark validate and the generator's share of a site build at N synthetic incidents."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import synth  # the sibling module; `python bench/run.py` puts bench/ on sys.path
import yaml
from mkdocs.utils.yaml import yaml_load

from nexus_pm.reference import reference_page
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_N = 1000
TARGET_VALIDATE_S = 1.0
TARGET_OVERHEAD = 0.10
TARGET_PAGE_KB = 40.0


@dataclass(frozen=True)
class Run:
    """Seconds of wall clock and of CPU, and peak resident memory (child processes only)."""

    wall: float
    cpu: float
    rss_mb: float = 0.0

    @staticmethod
    def median(runs: list[Run]) -> Run:
        return Run(
            *(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "rss_mb"))
        )

    def __str__(self) -> str:
        return f"{self.cpu:.2f} s ({self.wall:.2f} s)"


@dataclass
class Result:
    """Every figure for one N; each `Run` is a median."""

    n: int
    yaml_kb_median: float
    load: Run
    render: Run
    cli: Run
    startup: Run
    plain: Run
    plugin: Run
    nexus: Run
    overhead_cpu: float
    overhead_wall: float
    page_kb_median: float
    page_kb_max: float
    search_index_mb: float
    site_mb: float

    @property
    def generator_cpu(self) -> float:
        return self.load.cpu + self.render.cpu


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> Run:
    """Run `cmd` to completion, failing loudly on an exit code not in `ok`; wait4 gives this
    child's own rusage."""
    out = cwd / ".bench-child.log"
    start = time.perf_counter()
    with out.open("wb") as handle:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        tail = out.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"{' '.join(cmd)} failed with exit {proc.returncode}:\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def repeat(runs: int, fn: Callable[[], Run]) -> Run:
    return Run.median([fn() for _ in range(runs)])


def timed(fn: Callable[[], Any]) -> Run:
    """One in-process call; CPU time is this process's, which the machine's load barely moves."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Run(time.perf_counter() - wall, time.process_time() - cpu)


def write_configs(project: Path) -> None:
    """mkdocs.yml with the plugin over the synthetic records, and the same without it."""
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as handle:
        config = yaml_load(handle)
    plugins = config["plugins"]
    ours = [p for p in plugins if isinstance(p, dict) and "nexus-pm" in p]
    if len(ours) != 1:
        raise SystemExit("mkdocs.yml: expected exactly one nexus-pm plugin entry")
    # Drafts too, so that the plugin build makes the same pages as the plain one.
    ours[0]["nexus-pm"].update(
        incidents_dir="incidents", templates_dir=str(ROOT / "templates"), drafts=True
    )
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config | {"docs_dir": "docs"}))
    plain = config | {"docs_dir": "docs-plain", "plugins": [p for p in plugins if p not in ours]}
    (project / "mkdocs-plain.yml").write_text(yaml.safe_dump(plain))


def prepare(project: Path, n: int, seed: int) -> list[int]:
    """Records, docs, configs, and the plugin's pages written out as plain Markdown."""
    sizes = [p.stat().st_size for p in synth.write(project / "incidents", n, seed)]
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "docs", project / "docs-plain")
    (project / "empty").mkdir()
    write_configs(project)
    with contextlib.chdir(project):
        records = load_records([Path("incidents")])
        pages = Renderer(ROOT / "templates").site(records)
        pages["reference/schema.md"] = reference_page()
    for uri, text in pages.items():
        path = project / "docs-plain" / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sizes


def measure(project: Path, n: int, seed: int, runs: int, validate_runs: int) -> Result:
    log(f"N={n}: generating records")
    sizes = prepare(project, n, seed)
    nexus, mkdocs = str(BIN / "nexus-pm"), str(BIN / "mkdocs")

    log(f"N={n}: validate, {validate_runs} runs each")
    with contextlib.chdir(project):
        load = repeat(validate_runs, lambda: timed(lambda: load_records([Path("incidents")])))
        records = load_records([Path("incidents")])
        render = repeat(
            validate_runs,
            lambda: timed(lambda: (Renderer(ROOT / "templates").site(records), reference_page())),
        )
    cli = repeat(validate_runs, lambda: child([nexus, "validate", "incidents"], project))
    startup = repeat(validate_runs, lambda: child([nexus, "validate", "empty"], project))

    builds: dict[str, list[Run]] = {"plain": [], "plugin": [], "nexus": []}
    commands = {
        "plain": [mkdocs, "build", "-q", "-f", "mkdocs-plain.yml", "-d", "site-plain"],
        "plugin": [mkdocs, "build", "-q", "-f", "mkdocs.yml", "-d", "site-plugin"],
        "nexus": [nexus, "build", "-f", "mkdocs.yml", "--site-dir", "site-nexus"],
    }
    order = list(commands)
    for round_ in range(runs):
        # Rotating the order spreads drift in the machine's load over all three builds.
        for name in order[round_ % 3 :] + order[: round_ % 3]:
            log(f"N={n}: build {round_ + 1}/{runs}: {name}")
            builds[name].append(child(commands[name], project))

    pages = sorted(project.glob("site-plugin/incidents/inc-*/index.html"))
    if len(pages) != n:
        raise SystemExit(f"expected {n} incident pages in the plugin build, found {len(pages)}")
    page_kb = [p.stat().st_size / 1024 for p in pages]
    # Each round's plugin build against the plain build next to it, so that slow drift
    # in the machine's speed cancels out.
    rounds = list(zip(builds["plugin"], builds["plain"], strict=True))
    site = project / "site-plugin"
    site_bytes = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return Result(
        n=n,
        yaml_kb_median=statistics.median(sizes) / 1024,
        load=load,
        render=render,
        cli=cli,
        startup=startup,
        plain=Run.median(builds["plain"]),
        plugin=Run.median(builds["plugin"]),
        nexus=Run.median(builds["nexus"]),
        overhead_cpu=statistics.median((a.cpu - b.cpu) / b.cpu for a, b in rounds),
        overhead_wall=statistics.median((a.wall - b.wall) / b.wall for a, b in rounds),
        page_kb_median=statistics.median(page_kb),
        page_kb_max=max(page_kb),
        search_index_mb=(site / "search" / "search_index.json").stat().st_size / 2**20,
        site_mb=site_bytes / 2**20,
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(results: list[Result]) -> str:
    """Markdown tables; each time is CPU seconds with wall-clock seconds in brackets."""
    lines = [
        "### validate",
        "",
        "| N | YAML/record | load_records | per record | CLI validate | CLI per record "
        "| CLI start-up | target: CLI < 1 s (N ≤ 1,000) |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        ok = verdict(r.cli.cpu < TARGET_VALIDATE_S) if r.n <= TARGET_N else "—"
        lines.append(
            f"| {r.n:,} | {r.yaml_kb_median:.1f} KB | {r.load} | {r.load.cpu / r.n * 1e3:.2f} ms "
            f"| {r.cli} | {r.cli.cpu / r.n * 1e3:.2f} ms | {r.startup} | {ok} |"
        )
    lines += [
        "",
        "### build",
        "",
        "| N | plain mkdocs build | mkdocs build + plugin | nexus-pm build | overhead "
        "| generator in-process | generator / plain | target: overhead < 10 % |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.n:,} | {r.plain} | {r.plugin} | {r.nexus} "
            f"| {r.overhead_cpu:+.1%} ({r.overhead_wall:+.1%}) | {r.load.cpu + r.render.cpu:.2f} s "
            f"| {r.generator_cpu / r.plain.cpu:.1%} | {verdict(r.overhead_cpu < TARGET_OVERHEAD)} |"
        )
    lines += [
        "",
        "### pages",
        "",
        "| N | incident page HTML, median | max | target: < 40 KB | search_index.json "
        "| site (plugin build) | peak RSS plain / plugin |",
        "|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.n:,} | {r.page_kb_median:.1f} KB | {r.page_kb_max:.1f} KB "
            f"| {verdict(r.page_kb_max < TARGET_PAGE_KB)} | {r.search_index_mb:.1f} MB "
            f"| {r.site_mb:.0f} MB | {r.plain.rss_mb:.0f} / {r.plugin.rss_mb:.0f} MB |"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help="default 100 1000")
    parser.add_argument("--large", action="store_true", help="also N=5000 (takes minutes)")
    parser.add_argument("--runs", type=int, help="builds per N (default 3, 1 from N=5000)")
    parser.add_argument("--validate-runs", type=int, default=5, metavar="RUNS")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where the temporary folder goes")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--targets",
        action="store_true",
        help="only the performance targets, each beside its floor (bench/targets.py); "
        "default sizes 1000 and 5000",
    )
    parser.add_argument(
        "--validate-speed",
        action="store_true",
        help="only validate and start-up against their floors (bench/validate_speed.py)",
    )
    args = parser.parse_args(argv)
    args.sizes_given = args.sizes is not None
    if args.sizes is None:
        args.sizes = [100, 1000]
    if args.large and 5000 not in args.sizes:
        args.sizes.append(5000)
    if any(n < 1 or n > 999_999 for n in args.sizes):
        parser.error("--sizes: each N must be between 1 and 999999")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.targets:
        import targets

        sizes = args.sizes if args.sizes_given else [1000, 5000]
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        work = Path(tempfile.mkdtemp(prefix="nexus-pm-targets-", dir=args.workdir))
        try:
            print(targets.run(sizes, args.seed, args.validate_runs, args.runs or 3, work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    if args.validate_speed:
        import validate_speed

        sizes = ["--sizes", *map(str, args.sizes), "--seed", str(args.seed)]
        return validate_speed.main([*sizes, "--runs", str(args.validate_runs)])
    # A plain `kill` still runs the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="nexus-pm-bench-", dir=args.workdir))
    results = []
    try:
        for n in args.sizes:
            runs = args.runs or (3 if n < 5000 else 1)
            project = work / f"n{n}"
            project.mkdir()
            results.append(measure(project, n, args.seed, runs, args.validate_runs))
            if not args.keep:
                shutil.rmtree(project)
            log(report(results[-1:]))
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(report(results))
    if args.json:
        rows = [asdict(r) for r in results]
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
