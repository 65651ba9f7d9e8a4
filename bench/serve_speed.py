"""CPU time of a `serve` rebuild after one record is edited, beside the first build."""

from __future__ import annotations

import argparse
import logging
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import run  # the sibling module; `python bench/serve_speed.py` puts bench/ on sys.path
import synth
from mkdocs.commands.build import build
from mkdocs.config import load_config

from nexus_pm.render import Renderer

URL = "http://127.0.0.1:8000/"
TARGET_S = 2.0


def rebuild(project: Path, site: Path) -> float:
    """One build as `nexus-pm serve` makes it (fresh config, same plugin); its CPU seconds."""
    cpu = time.process_time()
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.site_url = URL
    build(config, serve_url=URL, dirty=True)
    return time.process_time() - cpu


def children_cpu() -> float:
    """CPU seconds of the child processes waited for so far (Pagefind's)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


Row = tuple[str, float, int, int, float]


def measure(n: int, work: Path) -> list[Row]:
    """(what, CPU seconds, incident pages rendered, Pagefind runs, their CPU seconds) for each
    build of one serve session; after the first build Pagefind runs after the rebuild, in the
    background, and its CPU is counted once it finished."""
    project, site = work / "project", work / "site"
    records = synth.write(project / "incidents", n, 1)
    shutil.copytree(run.ROOT / "docs", project / "docs")
    run.write_configs(project)
    rendered = [0]
    real = Renderer.incident

    def counted(self: Renderer, *args: object, **kwargs: object) -> str:
        rendered[0] += 1
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    Renderer.incident = counted  # type: ignore[method-assign]
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=True)
    plugin = config.plugins["nexus-pm"]
    index = getattr(plugin, "search_index", None)
    assert index is not None, "the plugin keeps no search index for serve"
    record = records[len(records) // 2]
    text = record.read_text(encoding="utf-8")
    edits = {
        "first build": text,
        "rebuild, nothing edited": text,
        "rebuild, one summary edited": text.replace(
            "summary: >-\n  ", "summary: >-\n  Edited. ", 1
        ),
        "rebuild, one title edited": re.sub(r"(?m)^title: '", "title: 'Edited ", text, count=1),
    }
    rows: list[Row] = []
    try:
        for what, new in edits.items():
            record.write_text(new, encoding="utf-8")
            rendered[0] = 0
            runs, children = index.runs, children_cpu()
            cpu = rebuild(project, site)
            index.wait()
            rows.append((what, cpu, rendered[0], index.runs - runs, children_cpu() - children))
            run.log(
                f"N={n}: {what}: {cpu:.2f} s CPU, {rendered[0]} incident pages, "
                f"Pagefind {rows[-1][3]} run(s), {rows[-1][4]:.2f} s CPU"
            )
    finally:
        config.plugins.on_shutdown()
        Renderer.incident = real  # type: ignore[method-assign]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=run.TARGET_N, help="records (default 1000)")
    args = parser.parse_args(argv)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="nexus-pm-serve-") as work:
        rows = measure(args.size, Path(work))
    first = rows[0][1]
    print(
        f"| figure, N={args.size:,} | CPU s | incident pages rendered | / first build "
        "| Pagefind runs | Pagefind CPU s |"
    )
    print("|---|---|---|---|---|---|")
    for what, cpu, pages, runs, pagefind in rows:
        print(f"| {what} | {cpu:.2f} | {pages} | {cpu / first:.2f} | {runs} | {pagefind:.2f} |")
    print(
        "\nPagefind runs in its own process: in the first build before it ends, later in the "
        "background after the rebuild; its CPU is not in the rebuild's."
    )
    worst = max(row[1] for row in rows[1:])
    verdict = "ok" if worst <= TARGET_S else "over"
    print(f"\nslowest one-record rebuild {worst:.2f} s, target <= {TARGET_S} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
