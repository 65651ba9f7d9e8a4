"""CPU time of a `serve` rebuild after one record is edited, beside the first build."""

from __future__ import annotations

import argparse
import logging
import re
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


def measure(n: int, work: Path) -> list[tuple[str, float, int]]:
    """(what, CPU seconds, incident pages rendered) for each build of one serve session."""
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
    rows = []
    try:
        for what, new in edits.items():
            record.write_text(new, encoding="utf-8")
            rendered[0] = 0
            rows.append((what, rebuild(project, site), rendered[0]))
            run.log(f"N={n}: {what}: {rows[-1][1]:.2f} s CPU, {rows[-1][2]} incident pages")
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
    print(f"| figure, N={args.size:,} | CPU s | incident pages rendered | / first build |")
    print("|---|---|---|---|")
    for what, cpu, pages in rows:
        print(f"| {what} | {cpu:.2f} | {pages} | {cpu / first:.2f} |")
    worst = max(cpu for _, cpu, _ in rows[1:])
    verdict = "ok" if worst <= TARGET_S else "over"
    print(f"\nslowest one-record rebuild {worst:.2f} s, target <= {TARGET_S} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
