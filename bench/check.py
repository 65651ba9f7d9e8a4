"""Benchmark `nexus-pm check` over a synthetic repo: N files, R declared rules, beside a floor.

    python bench/check.py                 # 10,000 files, 50 rules
    python bench/check.py --files 2000 --rules 20

The floor is the same run's cost of walking the repo and reading every file once, which no
check can avoid; the figure that matters is what the rules add to it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from nexus_pm.checks.command import run_check

TARGET_S = 10.0

#: The kinds of file a repo holds, as (folder, name pattern, text); a third hold a mistake.
FILES = (
    (
        "k8s/app{n}",
        "statefulset.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: a{n}\nspec:\n  updateStrategy:\n    type: {strategy}\n  template:\n    spec:\n      containers:\n        - name: a\n          image: img:{n}\n",
    ),
    (
        "config/svc{n}",
        "config.toml",
        '[database]\nhost = "db{n}"\nconnect_timeout_ms = {timeout}\n',
    ),
    (
        "config/svc{n}",
        "settings.json",
        '{{"database": {{"pool": {n}, "connect_timeout_ms": {timeout}}}}}\n',
    ),
    (
        "eks/pool{n}",
        "bootstrap.sh",
        "#!/bin/bash\nset -eu\n/etc/eks/bootstrap.sh c{n} --container-runtime {runtime}\n",
    ),
    (
        "services/s{n}",
        "Dockerfile",
        'FROM python:3.12 AS build\nARG HOME_DIR=/root\nRUN pip install {user}x\nFROM python:3.12-slim\nCOPY --from=build ${{HOME_DIR}}/.local /usr/local\nUSER app\nHEALTHCHECK CMD true\nCMD ["app"]\n',
    ),
    ("docs/d{n}", "page.md", "# Page {n}\n\nText that no rule reads.\n"),
)


def make_repo(root: Path, files: int, rules: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    for n in range(files):
        folder, name, text = FILES[n % len(FILES)]
        bad = rng.random() < 1 / 3
        path = root / folder.format(n=n) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            text.format(
                n=n,
                strategy="OnDelete" if bad else "RollingUpdate",
                timeout=300 if bad else 1000,
                runtime="containerd" if bad else "dockerd",
                user="--user " if bad else "",
            ),
            encoding="utf-8",
        )
    (root / "incidents").mkdir()
    (root / "rules").mkdir()
    shapes = (
        'files: ["k8s/**/*.yaml"]\nquery:\n  where: [\'kind == "StatefulSet"\']\n  require: spec.updateStrategy.type == "RollingUpdate"\n',
        'files: ["config/**/*.toml", "config/**/*.json"]\nquery:\n  require: database.connect_timeout_ms >= {limit}\n',
        'files: ["eks/**/*.sh"]\nregex: --container-runtime[= ]+(containerd|dockershim{n})\\b\n',
        'files: ["**/Dockerfile"]\ndockerfile:\n  instruction: COPY\n  flags: {{from: ".*"}}\n  arguments: ^/root{n}?/\n',
        'files: ["**/*.sh", "**/*.md"]\nregex: "(a*)*b{n}|curl .*\\\\| *sh"\n',
    )
    for n in range(rules):
        body = shapes[n % len(shapes)].format(n=n, limit=1000 + n)
        head = f"id: bench/rule-{n}\ntitle: Rule {n}\nmessage: rule {n} fails\nfix: fix it\n"
        (root / "rules" / f"rule-{n}.yaml").write_text(head + body, encoding="utf-8")


def floor(root: Path) -> float:
    """CPU seconds to walk the repo and read every file once."""
    start = time.process_time()
    for current, _, names in os.walk(root):
        for name in names:
            (Path(current) / name).read_bytes()
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_repo(root, args.files, args.rules)
        base = floor(root)
        os.chdir(root)
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_check([], root=Path("."), load=list, config_file=root / "mkdocs.yml")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        outcome = result.outcome
        print(f"check: {args.files} files, {args.rules} declared rules (+ 5 built-in)")
        print(f"  files checked   {len(outcome.files)}")
        print(f"  findings        {len(outcome.active)}, errors {len(outcome.errors)}")
        # CPU time is the figure: a busy machine stretches wall time, not the work done.
        print(f"  cpu             {cpu:.2f} s   (target < {TARGET_S:.0f} s)")
        print(f"  wall            {wall:.2f} s")
        print(f"  floor (walk + read every file once) {base:.2f} s cpu")
        return 0 if cpu < TARGET_S and not outcome.errors else 1


if __name__ == "__main__":
    sys.exit(main())
