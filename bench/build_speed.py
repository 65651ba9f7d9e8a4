"""Benchmark the site build: `mkdocs build` with the plugin against a plain build of the same pages.

The plain build is `mkdocs build` of the plugin's pages already written out as Markdown
(`bench/run.py`'s `prepare`), with the same `mkdocs.yml` minus the plugin. Builds run in
paired rounds, the order swapped each round, and the ratio is the median over rounds of
plugin / plain CPU time. A further build with the plugin times the plugin's own hooks inside
it (CPU), with the import of the plugin module, so that a figure exists that does not depend
on two noisy whole builds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from run import BIN, Run, child, log, prepare  # the sibling module

TARGET_RATIO = 0.8


def hooks_child(config: str, site: str, out: str) -> None:
    """Build with the plugin, timing each of its hooks; the figures go to `out` as JSON."""
    start = time.process_time()
    from nexus_pm import plugin

    imported = time.process_time() - start
    spent: dict[str, float] = defaultdict(float)

    def timing(name: str, hook: Callable[..., Any]) -> Callable[..., Any]:
        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return hook(self, *args, **kwargs)
            finally:
                spent[name] += time.process_time() - began

        return timed

    for name, hook in list(vars(plugin.NexusPlugin).items()):
        if name.startswith("on_") and callable(hook):
            setattr(plugin.NexusPlugin, name, timing(name, hook))
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_ = load_config(config, site_dir=site)
    config_.plugins.on_startup(command="build", dirty=False)
    build(config_)
    config_.plugins.on_shutdown()
    figures = {"import": imported, "hooks": dict(spent), "process": time.process_time()}
    Path(out).write_text(json.dumps(figures), encoding="utf-8")


def measure(project: Path, n: int, seed: int, rounds: int) -> dict[str, Any]:
    log(f"N={n}: generating records")
    prepare(project, n, seed)
    mkdocs = str(BIN / "mkdocs")
    commands = {
        "plain": [mkdocs, "build", "-q", "-f", "mkdocs-plain.yml", "-d", "site-plain"],
        "plugin": [mkdocs, "build", "-q", "-f", "mkdocs.yml", "-d", "site-plugin"],
    }
    runs: dict[str, list[Run]] = {"plain": [], "plugin": []}
    for round_ in range(rounds):
        order = ["plain", "plugin"] if round_ % 2 == 0 else ["plugin", "plain"]
        for name in order:
            log(f"N={n}: round {round_ + 1}/{rounds}: {name}")
            runs[name].append(child(commands[name], project))
    log(f"N={n}: plugin build with its hooks timed")
    out = project / "hooks.json"
    me = [sys.executable, __file__, "--hooks-child", "mkdocs.yml", "site-hooks", str(out)]
    whole = child(me, project)
    figures = json.loads(out.read_text(encoding="utf-8"))
    hooks = sum(figures["hooks"].values()) + figures["import"]
    ratios = [a.cpu / b.cpu for a, b in zip(runs["plugin"], runs["plain"], strict=True)]
    return {
        "n": n,
        "plain": Run.median(runs["plain"]),
        "plugin": Run.median(runs["plugin"]),
        "ratio": statistics.median(ratios),
        "low": min(ratios),
        "high": max(ratios),
        "hooks": hooks,
        "by_hook": figures["hooks"],
        "import": figures["import"],
        "hooked_build": whole,
    }


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| N | plain mkdocs build | mkdocs build + plugin | plugin / plain (paired median, range) "
        f"| plugin's hooks + import, in its build | hooks / plain | target: ≤ {TARGET_RATIO} |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ok = "met" if r["ratio"] <= TARGET_RATIO else "**missed**"
        lines.append(
            f"| {r['n']:,} | {r['plain']} | {r['plugin']} "
            f"| {r['ratio']:.2f} ({r['low']:.2f} to {r['high']:.2f}) "
            f"| {r['hooks']:.2f} s | {r['hooks'] / r['plain'].cpu:.1%} | {ok} |"
        )
    lines.append("")
    for r in results:
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in sorted(r["by_hook"].items()) if v >= 0.005)
        lines.append(f"- N={r['n']:,}: import {r['import']:.2f} s; {parts}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], metavar="N")
    parser.add_argument("--large", action="store_true", help="also N=5000 (slow)")
    parser.add_argument("--rounds", type=int, default=3, help="paired rounds per N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="where the temporary folder goes")
    parser.add_argument("--hooks-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.hooks_child:
        hooks_child(*args.hooks_child)
        return 0
    if args.large and 5000 not in args.sizes:
        args.sizes.append(5000)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="nexus-pm-build-", dir=args.workdir))
    results = []
    try:
        for n in args.sizes:
            project = work / f"n{n}"
            project.mkdir()
            results.append(measure(project, n, args.seed, args.rounds))
            shutil.rmtree(project)
            log(report(results[-1:]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
