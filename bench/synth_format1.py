"""Deterministic synthetic records in format 1, shaped like the seed record: inputs for migration tests.

`synth` makes the benchmark's format-2 records; these are what `nexus-pm migrate` rewrites.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from synth import Dumper, dump
from vocab import (
    ACTIONS,
    CAUSES,
    CHECKLIST,
    DOCKERFILES,
    ERRORS,
    FORMAT1_STATUSES,
    MODULES,
    SERVICES,
    SEVERITIES,
    TAGS,
    TEAMS,
)


class _Format1Dumper(Dumper):
    """The style these records were first written in: prose on one line, any small mapping in flow."""

    fold = False
    flow_keys = None


def incident(rng: random.Random, number: int, start: dt.date) -> dict[str, Any]:
    """One record as plain data; `number` is its id, records before it may be related."""
    date = start + dt.timedelta(days=rng.randrange(0, 1100))
    services = rng.sample(SERVICES, rng.choice([1, 1, 1, 2, 2, 3]))
    svc = services[0]
    tags = sorted(rng.sample(TAGS, rng.randint(2, 6)))
    cause = rng.choice(CAUSES)
    lang, template = rng.choice(ERRORS)
    n = rng.randint(1, 59)
    error = template.format(svc=svc, n=n, mod=rng.choice(MODULES), date=date.isoformat())
    first_line = error.splitlines()[-1][:90]
    started = dt.datetime.combine(date, dt.time(rng.randrange(24), rng.randrange(60)), dt.UTC)
    parts = [rng.randint(1, 30), rng.randint(2, 90), rng.randint(3, 120), rng.randint(1, 30)]
    times = [started]
    for minutes in parts:
        times.append(times[-1] + dt.timedelta(minutes=minutes))
    team = rng.choice(TEAMS)
    steps = [
        {
            "title": title,
            "question": f"Why did {svc} {verb} when {rng.choice(tags)} looked healthy?",
            "finding": f"The {rng.choice(tags)} path showed that {cause}.",
            "details": [
                f"{svc}: {rng.choice(CAUSES)} (seen {rng.randint(2, 40)} times)"
                for _ in range(rng.randint(1, 2))
            ],
            "result": f"Result: narrowed the cause to {rng.choice(tags)} in {svc}.",
        }
        for title, verb in rng.sample(
            [
                ("Question the assumption", "fail"),
                ("Reproduce locally", "break"),
                ("Read the logs", "restart"),
                ("Compare environments", "stall"),
            ],
            rng.randint(1, 3),
        )
    ]
    changes, checks = _fix(rng, svc, n)
    record: dict[str, Any] = {
        "id": f"INC-{number:04d}",
        "title": f"{svc}: {first_line}",
        "summary": (
            f"{svc} failed for {sum(parts)} minutes with `{first_line[:60]}`. The root cause was "
            f"that {cause}. Affected: {', '.join(services)}. The fix was shipped and verified, "
            f"and follow-up work is tracked below."
        ),
        "date": date,
        "times": dict(
            zip(("started", "detected", "mitigated", "resolved"), times[:4], strict=True)
        ),
        "severity": rng.choice(SEVERITIES),
        "status": rng.choice(FORMAT1_STATUSES),
        "services": services,
        "tags": tags,
        "authors": [team],
        "impact": f"Requests to {svc} failed or timed out for about {sum(parts)} minutes; "
        f"roughly {rng.randint(1, 60)}% of users of {services[-1]} saw errors.",
        "trigger": f"A routine deploy of {svc} version 2.{rng.randint(0, 40)}.{n}.",
        "detection": f"The {rng.choice(['error-rate', 'latency', 'health-check'])} alert paged "
        f"the {team} after {parts[0]} minutes.",
        "symptom": {
            "description": f"{svc} returned errors and its health check reported unhealthy.",
            "error_output": error,
            "error_language": lang,
            "observations": [
                {"label": "Container", "value": rng.choice(["exited", "restarting"])},
                {"label": "Health", "value": "unhealthy"},
            ],
        },
        "root_cause": {
            "summary": f"In {svc}, {cause}.",
            "method": "Five whys",
            "steps": steps,
            "contributing_factors": rng.sample(CAUSES, rng.randint(1, 2)),
        },
        "fix": {
            "summary": f"Corrected the {rng.choice(tags)} setup of {svc} and redeployed it.",
            "changes": changes,
        },
        "implementation": [
            {
                "title": "Rebuilt service",
                "command": f"docker compose build {svc}",
                "duration_label": "Build time",
                "duration": f"~{rng.randint(1, 9)} minutes",
                "result": "SUCCESS",
            },
            {
                "title": "Restarted service",
                "command": f"docker compose up -d {svc}",
                "result": "HEALTHY",
            },
        ],
        "verification": [
            {
                "title": "Health check response",
                "kind": "json",
                "content": f'{{\n  "status": "healthy",\n  "service": "{svc}"\n}}\n',
            },
        ],
        "system_status": [
            {"service": s, "state": "healthy", "port": 8000 + i, "subject": s == svc}
            for i, s in enumerate(
                sorted(set(services) | set(rng.sample(SERVICES, rng.randint(0, 3))))
            )
        ],
        "metrics": dict(
            zip(("to_detect", "to_diagnose", "to_fix", "to_deploy"), parts, strict=True)
        )
        | {"total": sum(parts)},
        "lessons": {
            "technical": [f"Watch for this in {svc}: {rng.choice(CAUSES)}"],
            "process": ["Read the exact error message first", "Test the fix before documenting it"],
            "went_well": [f"Detected in {parts[0]} minutes by an alert"],
        },
        "prevention": {
            "practices": [f"Review {rng.choice(tags)} settings of {svc} quarterly"],
            "checklist": [
                *checks,
                *({"text": text} for text in rng.sample(CHECKLIST, rng.randint(2, 4))),
            ],
        },
        "action_items": [
            {
                "text": rng.choice(ACTIONS).format(x=f"{svc} {rng.choice(tags)}"),
                "owner": team,
                "status": rng.choice(["open", "in-progress", "done"]),
                "horizon": rng.choice(["immediate", "short-term", "long-term"]),
            }
            for _ in range(rng.randint(2, 3))
        ],
        "final_status": [
            {"label": "Status", "value": "HEALTHY"},
            {"label": "Fix time", "value": f"{sum(parts)} minutes"},
        ],
    }
    if number > 1 and rng.random() < 0.3:
        pool = range(1, number)
        record["related"] = [f"INC-{x:04d}" for x in sorted(rng.sample(pool, min(len(pool), 2)))]
    if rng.random() < 0.5:
        record["references"] = [
            {"title": f"{svc} dashboard", "url": f"https://grafana.example.com/d/{svc}?from={n}"}
        ]
    return record


def _fix(rng: random.Random, svc: str, n: int) -> tuple[list[Any], list[dict[str, str]]]:
    """The fix's before/after changes, and the checklist items that enforce them."""
    roll = rng.random()
    if roll < 0.25:
        name = "user-install" if roll < 0.15 else "runs-as-root"
        before, after, enforced = DOCKERFILES[name]
        port = 8000 + n
        path = f"services/{svc}/Dockerfile"
        change = {
            "title": f"{svc} image fixed: {name.replace('-', ' ')}",
            "before": {"path": path, "language": "dockerfile", "code": before.format(port=port)},
            "after": {"path": path, "language": "dockerfile", "code": after.format(port=port)},
            "notes": ["Fixed the image so the runtime user can run the service"],
        }
        texts = rng.sample(sorted(enforced), rng.randint(1, len(enforced)))
        return [change], [{"text": t, "check": enforced[t]} for t in texts]
    if roll < 0.75:
        path = f"services/{svc}/config.yaml"
        change = {
            "title": f"{svc} configuration corrected",
            "before": {"path": path, "language": "yaml", "code": f"pool_size: {n}\nretries: 10\n"},
            "after": {
                "path": path,
                "language": "yaml",
                "code": f"pool_size: {n * 4}\nretries: 5\n",
            },
            "notes": ["Raised the pool size from load-test figures", "Added backoff"],
        }
        return [change], []
    return [], []


def generate(n: int, seed: int = 1) -> dict[str, str]:
    """`n` records as {file name: YAML text}; the same `n` and `seed` give the same bytes."""
    rng = random.Random(seed)
    start = dt.date(2023, 1, 1)
    files: dict[str, str] = {}
    for number in range(1, n + 1):
        record = incident(rng, number, start)
        name = f"{record['date'].isoformat()}-{record['services'][0]}-inc-{number:04d}.yaml"
        files[name] = dump(record, _Format1Dumper)
    return files
