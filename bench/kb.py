"""What the knowledge-base pages (overview, follow-ups, similar incidents, service figures) add.

    python bench/kb.py [N] [RUNS]

Builds the same N synthetic incidents' pages twice with plain MkDocs (no plugin): once as
`Renderer.site` makes them, once without what the knowledge base adds (stub overview and
follow-ups pages, incident pages without "Similar incidents" and back links, service pages
without their figures). The MkDocs difference, plus the generator's in-process CPU for the
knowledge base, over the whole plugin-free build of the full pages, is the share it adds.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
import tempfile
from collections import defaultdict
from contextlib import chdir
from pathlib import Path

import run  # the sibling module: child(), timed(), the configs
import synth
import yaml

from nexus_pm.connections import connections
from nexus_pm.followups import followups_view
from nexus_pm.overview import overview_view, service_stats
from nexus_pm.overviews import group_view
from nexus_pm.reference import reference_page
from nexus_pm.render import Renderer
from nexus_pm.validate import load_records

TODAY = dt.date(2026, 1, 1)
TARGET = 0.05


def pages(records: list, full: bool) -> dict[str, str]:
    renderer = Renderer(run.ROOT / "templates", today=TODAY)
    out = renderer.site(records)
    out["reference/schema.md"] = reference_page()
    if full:
        return out
    by_id = {r.incident.id: r for r in records}
    for r in records:
        out[f"incidents/{r.incident.id.lower()}.md"] = renderer.incident(r, by_id)
    for group in renderer.groups(records)["services"]:
        out[group.uri] = renderer._render("group.md.j2", group.uri, v=group_view(group), stats=None)
    out["overview.md"] = "# Overview\n"
    out["follow-ups.md"] = "# Follow-ups\n"
    return out


def write(folder: Path, texts: dict[str, str]) -> None:
    for uri, text in texts.items():
        path = folder / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generator_cpu(records: list) -> float:
    def work() -> None:
        connections(records)
        overview_view(records, ("SEV1", "SEV2", "SEV3", "SEV4"), TODAY)
        followups_view(records, TODAY)
        by_service = defaultdict(list)
        for r in records:
            for s in r.incident.services:
                by_service[s].append(r)
        for members in by_service.values():
            service_stats(members)

    return statistics.median(run.timed(work).cpu for _ in range(3))


def main(n: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="nexus-pm-kb-") as tmp:
        project = Path(tmp)
        synth.write(project / "incidents", n, 1)
        run.write_configs(project)
        config = yaml.safe_load((project / "mkdocs-plain.yml").read_text())
        with chdir(project):
            records = load_records([Path("incidents")])
            full, base = pages(records, True), pages(records, False)
            extra = generator_cpu(records)
        for name, texts in (("full", full), ("base", base)):
            shutil.copytree(run.ROOT / "docs", project / f"docs-{name}")
            write(project / f"docs-{name}", texts)
            (project / f"{name}.yml").write_text(
                yaml.safe_dump(config | {"docs_dir": f"docs-{name}"})
            )
        mkdocs = str(run.BIN / "mkdocs")
        times: dict[str, list[float]] = {"full": [], "base": []}
        for round_ in range(runs):
            for name in ("full", "base") if round_ % 2 == 0 else ("base", "full"):
                run.log(f"N={n}: build {round_ + 1}/{runs}: {name}")
                cmd = [mkdocs, "build", "-q", "-f", f"{name}.yml", "-d", f"site-{name}"]
                times[name].append(run.child(cmd, project).cpu)
    full_s, base_s = statistics.median(times["full"]), statistics.median(times["base"])
    share = (full_s - base_s + extra) / full_s
    print(
        f"| N | build without KB (floor) | build with KB | KB generator | KB share | target < {TARGET:.0%} |"
    )
    print("|---:|---:|---:|---:|---:|---|")
    print(
        f"| {n:,} | {base_s:.2f} s | {full_s:.2f} s | {extra:.2f} s | {share:+.1%} "
        f"| {'met' if share < TARGET else 'MISSED'} |"
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 1000, args[1] if len(args) > 1 else 3)
