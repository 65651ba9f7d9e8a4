"""Deterministic synthetic incident records in format 2, varied in shape like real postmortems."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from vocab import (
    AFTERMATH,
    ALERTS,
    CAUSES,
    CHECKLIST,
    DOCKERFILES,
    ERRORS,
    EVENTS,
    FIGURES,
    FOLLOW_UPS,
    IANA_ZONES,
    IMAGES,
    LEAD_UP,
    LESSONS,
    MILESTONES,
    MODULES,
    OFFSETS,
    OUTCOMES,
    PEOPLE,
    PRACTICES,
    SERVICES,
    SEVERITIES,
    STATUSES,
    STEP_COMMANDS,
    TAGS,
    TEAMS,
    TICKETS,
    TRIGGERS,
    WHYS,
)

# Image blocks point here; `write` puts a small PNG at each, beside the records.
EVIDENCE = "incidents/evidence/bench"


class Dumper(yaml.SafeDumper):
    """Block style like a hand-written record; no anchors, which records may not use."""

    #: Long prose as `>-`, as people write it; verbatim output with newlines is always `|`.
    fold = True
    #: Keys of the small mappings that go on one line ({label: x, value: y}); None: any.
    flow_keys: frozenset[str] | None = frozenset(
        ("label", "value", "title", "url", "text", "check", "phase", "minutes", "kind", "status")
    )

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: Dumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else ">" if dumper.fold and len(value) > 90 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _map(dumper: Dumper, value: dict[str, Any]) -> yaml.MappingNode:
    scalars = all(isinstance(v, str | int | float | bool) for v in value.values())
    short = len(str(value)) < 90 and "\n" not in str(value)
    keys = dumper.flow_keys is None or dumper.flow_keys.issuperset(value)
    return dumper.represent_mapping(
        "tag:yaml.org,2002:map", value, flow_style=scalars and short and keys
    )


def _list(dumper: Dumper, value: list[Any]) -> yaml.SequenceNode:
    words = all(isinstance(v, str) and " " not in v and len(v) < 40 for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=words)


Dumper.add_representer(str, _str)
Dumper.add_representer(dict, _map)
Dumper.add_representer(list, _list)


def _pick(rng: random.Random, share: float) -> bool:
    return rng.random() < share


def _some(rng: random.Random, pool: list[str], low: int, high: int, **words: Any) -> list[str]:
    return [s.format(**words) for s in rng.sample(pool, rng.randint(low, min(high, len(pool))))]


def incident(rng: random.Random, number: int, start: dt.date) -> dict[str, Any]:
    """One record as plain data; `number` is its id, records before it may be related."""
    date = start + dt.timedelta(days=rng.randrange(0, 1100))
    services = rng.sample(SERVICES, rng.choice([1, 1, 1, 2, 2, 3]))
    svc = services[0]
    tags = sorted(rng.sample(TAGS, rng.randint(1, 6)))
    tag = tags[0]
    team = rng.choice(TEAMS)
    crew = rng.sample(PEOPLE, rng.randint(2, 6))
    n = rng.randint(1, 59)
    status = rng.choice(STATUSES)
    words = {"svc": svc, "tag": tag, "team": team, "n": n}

    errors = _errors(rng, svc, n, date)
    first = errors[0]["output"].splitlines()[-1][:90] if errors else None
    zone_fields, timeline, minutes = _timeline(rng, date, crew, first, words)
    cause = rng.choice(CAUSES)
    changes, checks = _fix(rng, svc, n)

    record: dict[str, Any] = {"format": 2, "id": f"INC-{number:04d}"}
    record["title"] = (
        f"{svc}: {first}"
        if first and _pick(rng, 0.6)
        else f"{svc} {rng.choice(OUTCOMES)} after {rng.choice(TRIGGERS)}"
    )
    record["summary"] = _summary(rng, svc, services, first, cause, minutes)
    record["date"] = date
    if _pick(rng, 0.92):  # most grade the incident; some teams do not
        record["severity"] = rng.choice(SEVERITIES)
    record["status"] = status
    record["services"] = services
    record["tags"] = tags
    record["authors"] = rng.choice([[team], [crew[0]], [crew[0], crew[1]]])
    if _pick(rng, 0.35):
        record["commander"] = crew[-1]
    if _pick(rng, 0.45):
        record["responders"] = crew[1:]
    record |= zone_fields
    record["timeline"] = timeline
    if _pick(rng, 0.3):
        record["effort"] = [
            {"phase": phase, "minutes": rng.choice([rng.randint(1, 90), rng.randint(1, 20) + 0.5])}
            for phase in rng.choice([["detect", "diagnose", "fix", "deploy"], ["triage", "fix"]])
        ]
    if _pick(rng, 0.9):
        record["impact"] = _impact(rng, svc, services, minutes)
    if _pick(rng, 0.85):
        record["detection"] = (
            f"The {rng.choice(ALERTS)} alert paged the {team}"
            if _pick(rng, 0.7)
            else f"Customers reported errors to support; no alert covered {svc}"
        ) + (f", {minutes[0]} minutes after the start." if minutes[0] is not None else ".")
    if _pick(rng, 0.95):
        record["cause"] = _cause(rng, cause, words)
    if errors:
        record["errors"] = errors
    if first and _pick(rng, 0.2):
        record["signatures"] = [first[:60]]
    record["fix"] = {"summary": f"Corrected the {tag} setup of {svc} and redeployed it."}
    if changes:
        record["fix"]["changes"] = changes
    if _pick(rng, 0.5):
        record["fix"]["steps"] = _steps(rng, words)
    actions = _actions(rng, date, [*crew, team], words)
    if actions:
        record["action_items"] = actions
    if _pick(rng, 0.85):
        record["lessons"] = _lessons(rng, words)
    prevention: dict[str, Any] = {}
    if _pick(rng, 0.5):
        prevention["practices"] = _some(rng, PRACTICES, 1, 3, **words)
    manual = [{"text": t} for t in rng.sample(CHECKLIST, rng.randint(0, 4))]
    if checks or manual:
        prevention["checklist"] = [*checks, *manual]
    if prevention:
        record["prevention"] = prevention
    sections = [make(rng, words) for make in rng.sample(SECTIONS, rng.choice([0, 0, 1, 1, 2, 3]))]
    if sections:
        record["sections"] = sections
    related: dict[str, Any] = {}
    if number > 1 and _pick(rng, 0.3):
        pool = range(1, number)
        ids = sorted(rng.sample(pool, min(len(pool), rng.randint(1, 2))))
        related["incidents"] = [f"INC-{x:04d}" for x in ids]
    if _pick(rng, 0.5):
        related["links"] = [
            {"title": f"{svc} dashboard", "url": f"https://grafana.example.com/d/{svc}?from={n}"}
        ]
        if _pick(rng, 0.3):
            related["links"].append({"title": f"The {tag} vendor's incident report, sent by email"})
    if related:
        record["related"] = related
    if status == "draft" and _pick(rng, 0.7):
        _leave_placeholders(rng, record)
    return record


def _summary(
    rng: random.Random,
    svc: str,
    services: list[str],
    first: str | None,
    cause: str,
    minutes: tuple[int | None, int | None],
) -> str:
    lasted = f" for {minutes[1]} minutes" if minutes[1] is not None else ""
    seen = f" with `{first[:60]}`" if first else ""
    text = (
        f"{svc} failed{lasted}{seen}. The root cause was that {cause}. "
        f"Affected: {', '.join(services)}."
    )
    if _pick(rng, 0.3):
        text += f" The fix was *verified* in production; see the [dashboard](https://grafana.example.com/d/{svc})."
    elif _pick(rng, 0.3):
        text += " The fix was shipped and **verified**, and follow-up work is tracked below."
    return text


def _zone(rng: random.Random) -> tuple[str | None, dt.tzinfo]:
    """The record's `timezone:` (None: every time carries its offset) and its tzinfo."""
    roll = rng.random()
    if roll < 0.45:
        return "UTC", dt.UTC
    if roll < 0.75:
        name = rng.choice(IANA_ZONES)
        return name, ZoneInfo(name)
    text, east = rng.choice(OFFSETS)
    tz = dt.timezone(dt.timedelta(minutes=east))
    return (text, tz) if roll < 0.9 else (None, tz)


def _written(moment: dt.datetime, name: str | None, tz: dt.tzinfo, offset: bool) -> str:
    """`at` as people write it: naive in the record's zone, or ISO 8601 with an offset."""
    if name is not None and not offset:
        return f"{moment:%Y-%m-%d %H:%M}"
    aware = moment.replace(tzinfo=tz)
    if name is not None:  # a time quoted from elsewhere, in UTC
        return f"{aware.astimezone(dt.UTC):%Y-%m-%dT%H:%M}Z"
    east = aware.utcoffset() or dt.timedelta()
    sign, east = ("-", -east) if east < dt.timedelta() else ("+", east)
    hours, rest = divmod(int(east.total_seconds()) // 60, 60)
    return f"{aware:%Y-%m-%dT%H:%M}{sign}{hours:02d}:{rest:02d}"


def _timeline(
    rng: random.Random,
    date: dt.date,
    crew: list[str],
    first: str | None,
    words: dict[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]], tuple[int | None, int | None]]:
    """`timezone` and `timeline`, and the minutes to detect and to resolve (None if unmarked).

    Times are local wall-clock times in the record's zone. Lead-up events may come before
    `started`; every milestone comes after it, mostly in the usual order, and late starts run
    past midnight.
    """
    name, tz = _zone(rng)
    evening = _pick(rng, 0.25)
    hour = rng.randint(21, 23) if evening else rng.randrange(24)
    started = dt.datetime.combine(date, dt.time(hour, rng.randrange(60)))
    total = round(rng.triangular(3, 30, 4))
    earlier = [rng.randint(30, 60 * 24 * 20) for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2]))]
    lead = [started - dt.timedelta(minutes=m) for m in sorted(earlier, reverse=True)]

    milestones: list[tuple[dt.datetime, str]] = [(started, "started")]
    clock = started
    detected = None
    if _pick(rng, 0.9):
        clock += dt.timedelta(minutes=rng.randint(1, 90))
        detected = clock
        milestones.append((clock, "detected"))
    late_declaration = _pick(rng, 0.15)
    if _pick(rng, 0.55) and not late_declaration:
        clock += dt.timedelta(minutes=rng.randint(0, 20))
        milestones.append((clock, "declared"))
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        clock += dt.timedelta(minutes=rng.randint(5, 60))
        milestones.append((clock, "escalated"))
    if _pick(rng, 0.55):
        clock += dt.timedelta(minutes=rng.randint(5, 120))
        milestones.append((clock, "mitigated"))
    if late_declaration:  # declared once the worst was over, as DFDS did
        clock += dt.timedelta(minutes=rng.randint(1, 15))
        milestones.append((clock, "declared"))
    resolved = None
    if _pick(rng, 0.92) or len(milestones) == 1:
        clock += dt.timedelta(minutes=rng.randint(5, 60 * rng.choice([1, 2, 4, 12])))
        resolved = clock
        milestones.append((clock, "resolved"))

    fillers = max(0, total - len(lead) - len(milestones))
    span = max(1, int((clock - started).total_seconds() // 60))
    during = [started + dt.timedelta(minutes=rng.randint(0, span)) for _ in range(fillers)]
    aftermath = [clock + dt.timedelta(minutes=rng.randint(10, 600))] if _pick(rng, 0.25) else []
    moments: list[tuple[dt.datetime, str | None]] = [(t, None) for t in lead]
    moments += [*milestones, *((t, None) for t in during), *((t, "") for t in aftermath)]
    # Texts for the events between milestones: each once, while the pool lasts.
    texts = rng.sample(EVENTS, min(fillers, len(EVENTS)))
    texts += [rng.choice(EVENTS) for _ in range(fillers - len(texts))]
    # Lead-up first, then the rest by time; a milestone sorts before a filler at the same minute.
    order = sorted(range(len(moments)), key=lambda i: (i >= len(lead), moments[i][0], i))

    imported = _pick(rng, 0.2)
    offsets = name is not None and _pick(rng, 0.15)
    people = {**words, "err": (first or "connection refused")[:50]}
    events: list[dict[str, Any]] = []
    for index in order:
        moment, kind = moments[index]
        who = rng.choice(crew) if _pick(rng, 0.4) else None
        fill = people | {"who": who or crew[0], "alert": rng.choice(ALERTS)}
        if index < len(lead):
            text = rng.choice(LEAD_UP).format(**fill)
        elif kind:
            text = rng.choice(MILESTONES[kind]).format(**fill)
        elif kind is None:
            text = texts.pop().format(**fill)
        else:
            text = rng.choice(AFTERMATH).format(**fill)
        approximate = (not kind or kind == "started") and _pick(rng, 0.05)
        quoted = not kind and offsets and _pick(rng, 0.3)  # e.g. a vendor's status page, in UTC
        event: dict[str, Any] = {"at": _written(moment, name, tz, quoted)}
        if approximate:
            event["approximate"] = True
        if imported:
            mark = "± " if approximate else ""
            event["as_written"] = rng.choice(
                [f"[{mark}{moment:%m-%d %H:%M}]", f"{mark}{moment:%H:%M}", f"**{moment:%H:%M}**"]
            )
        if kind:
            event["kind"] = kind
        if who:
            event["who"] = who
        event["text"] = text
        events.append(event)
    # Sources list events out of order now and then (DFDS has 11:08 before 11:07).
    plain = [i for i in range(len(lead), len(events) - 1) if "kind" not in events[i]]
    if plain and _pick(rng, 0.08):
        i = rng.choice(plain)
        if "kind" not in events[i + 1]:
            events[i], events[i + 1] = events[i + 1], events[i]

    minutes = tuple(
        None if end is None else int((end - started).total_seconds() // 60)
        for end in (detected, resolved)
    )
    fields = {"timezone": name} if name is not None else {}
    return fields, events, (minutes[0], minutes[1])


def _impact(
    rng: random.Random, svc: str, services: list[str], minutes: tuple[int | None, int | None]
) -> dict[str, Any]:
    lasted = f"for about {minutes[1]} minutes" if minutes[1] is not None else "for a while"
    impact: dict[str, Any] = {
        "text": f"Requests to {svc} failed or timed out {lasted}; roughly "
        f"{rng.randint(1, 60)}% of users of {services[-1]} saw errors."
    }
    if _pick(rng, 0.3):
        impact["details"] = [f"{s} returned errors to its callers" for s in services]
    figures = []
    for label, value in rng.sample(FIGURES, rng.randint(0, 4)):
        text = value.format(
            n=rng.randint(1, 99),
            big=rng.randint(100, 250_000),
            minutes=minutes[1] or rng.randint(5, 300),
            few=rng.randint(1, 4),
        )
        figures.append({"label": label, "value": int(text) if text.isdigit() else text})
    if figures:
        impact["figures"] = figures
    return impact


def _cause(rng: random.Random, cause: str, words: dict[str, Any]) -> dict[str, Any]:
    svc, tag = words["svc"], words["tag"]
    found: dict[str, Any] = {}
    if _pick(rng, 0.3):
        found["summary"] = "The outage came from compounding factors:"
    if _pick(rng, 0.9):
        others = rng.sample([c for c in CAUSES if c != cause], rng.choice([0, 0, 1, 2]))
        found["root_causes"] = [f"In {svc}, {cause}.", *(f"Also, {c}." for c in others)]
    if _pick(rng, 0.6):
        found["trigger"] = f"A routine deploy of {svc} version 2.{rng.randint(0, 40)}.{words['n']}."
    if _pick(rng, 0.6) or not found:
        found["contributing_factors"] = [c[0].upper() + c[1:] for c in rng.sample(CAUSES, 2)]
    if _pick(rng, 0.35):
        if _pick(rng, 0.6):
            steps = [
                {"question": q.format(svc=svc, tag=tag), "finding": f.format(tag=tag, cause=cause)}
                for q, f in WHYS[: rng.randint(3, 5)]
            ]
            found["analysis"] = {"method": "Five whys", "steps": steps}
        else:
            steps = [
                {
                    "title": title,
                    "question": f"Why did {svc} {verb} when {tag} looked healthy?",
                    "finding": f"The {tag} path showed that {cause}.",
                    "details": [f"{svc}: {rng.choice(CAUSES)} (seen {rng.randint(2, 40)} times)"],
                    "result": f"Narrowed the cause to {tag} in {svc}.",
                }
                for title, verb in rng.sample(
                    [("Question the assumption", "fail"), ("Reproduce locally", "break"),
                     ("Read the logs", "restart"), ("Compare environments", "stall")],
                    rng.randint(1, 3),
                )
            ]  # fmt: skip
            found["analysis"] = {"method": "First principles", "steps": steps}
    return found


def _errors(rng: random.Random, svc: str, n: int, date: dt.date) -> list[dict[str, Any]]:
    """Zero to two outputs from the pool, verbatim, some with where they were seen."""
    found = []
    for lang, template in rng.sample(ERRORS, rng.choice([0, 1, 1, 1, 1, 2])):
        output = template.format(svc=svc, n=n, mod=rng.choice(MODULES), date=date.isoformat())
        error: dict[str, Any] = {}
        if _pick(rng, 0.3):
            error["title"] = rng.choice(["Container log", "Pod log", "Load balancer log"])
        if _pick(rng, 0.3):
            error["where"] = (
                f"{svc} logs, {rng.choice(['kubectl logs', 'Grafana Loki', 'journald'])}"
            )
        if lang != "text" or _pick(rng, 0.5):
            error["language"] = lang
        error["output"] = output + ("\n" if _pick(rng, 0.5) else "")
        found.append(error)
    return found


def _fix(rng: random.Random, svc: str, n: int) -> tuple[list[Any], list[dict[str, str]]]:
    """The fix's before/after changes, and the checklist items that enforce them.

    Only the Dockerfile pairs of the vocabulary link rules: each is known to be flagged by
    its rules before the fix and to pass them after.
    """
    roll = rng.random()
    if roll < 0.25:
        name = "user-install" if roll < 0.15 else "runs-as-root"
        before, after, enforced = DOCKERFILES[name]
        port = 8000 + n
        path = f"services/{svc}/Dockerfile"
        change: dict[str, Any] = {"title": f"{svc} image fixed: {name.replace('-', ' ')}"}
        if _pick(rng, 0.5):
            change["path"] = path
        change |= {
            "before": {"path": path, "language": "dockerfile", "code": before.format(port=port)},
            "after": {"path": path, "language": "dockerfile", "code": after.format(port=port)},
            "notes": ["Fixed the image so the runtime user can run the service"],
        }
        texts = rng.sample(sorted(enforced), rng.randint(1, len(enforced)))
        return [change], [{"text": t, "check": enforced[t]} for t in texts]
    if roll < 0.65:
        path = f"services/{svc}/config.yaml"
        change = {
            "title": f"{svc} configuration corrected",
            "before": {"path": path, "language": "yaml", "code": f"pool_size: {n}\nretries: 10\n"},
            "after": {
                "path": path,
                "language": "yaml",
                "code": f"pool_size: {n * 4}\nretries: 5\n",
            },
        }
        if _pick(rng, 0.6):
            change["notes"] = ["Raised the pool size from load-test figures", "Added backoff"]
        return [change], []
    return [], []


def _steps(rng: random.Random, words: dict[str, Any]) -> list[dict[str, Any]]:
    steps = []
    for title, command, duration, result in rng.sample(STEP_COMMANDS, rng.randint(1, 3)):
        fill = words | {"few": rng.randint(2, 8)}
        step: dict[str, Any] = {"title": title, "command": command.format(**fill)}
        if duration:
            step["duration"] = duration.format(**fill)
        if result:
            step["result"] = result
        steps.append(step)
    return steps


def _actions(
    rng: random.Random, date: dt.date, people: list[str], words: dict[str, Any]
) -> list[dict[str, Any]]:
    """Follow-up work; most items name no owner and no horizon, as real postmortems do."""
    items = []
    subject = f"{words['svc']} {words['tag']}"
    for text in rng.sample(FOLLOW_UPS, rng.choice([0, 1, 2, 3, 3, 4, 5, 7, 9])):
        item: dict[str, Any] = {"text": text.format(x=subject)}
        if _pick(rng, 0.5):
            item["kind"] = rng.choice(["mitigate", "prevent", "detect", "process", "other"])
        if _pick(rng, 0.35):
            item["owner"] = rng.choice(people)
        if _pick(rng, 0.6):
            item["status"] = rng.choice(
                ["open", "open", "in-progress", "done", "blocked", "wont-do"]
            )
        if _pick(rng, 0.15):
            item["priority"] = rng.choice(["P1", "P2", "P3"])
        if _pick(rng, 0.3):
            item["horizon"] = rng.choice(["immediate", "short-term", "long-term"])
        if _pick(rng, 0.2):
            item["due"] = date + dt.timedelta(days=rng.randint(3, 90))
        elif _pick(rng, 0.1):
            item["timeframe"] = f"Q{rng.randint(1, 4)} {date.year + 1}"
        if _pick(rng, 0.4):
            item["ticket"] = rng.choice(TICKETS).format(svc=words["svc"], n=rng.randint(10, 9999))
        items.append(item)
    return items


def _lessons(rng: random.Random, words: dict[str, Any]) -> dict[str, Any]:
    lessons: dict[str, Any] = {}
    if _pick(rng, 0.15):
        lessons["summary"] = (
            f"The incident showed how much {words['svc']} depends on {words['tag']}, and that "
            "our alerts watched the symptoms but not the cause."
        )
    for key, pool in LESSONS.items():
        if _pick(rng, 0.5):
            lessons[key] = _some(rng, pool, 1, 3, **words)
    if _pick(rng, 0.25) or not lessons:
        lessons["groups"] = [
            {
                "title": "Technical",
                "items": [f"Watch for this in {words['svc']}: {rng.choice(CAUSES)}"],
            },
            {"title": "Process", "items": _some(rng, LESSONS["learned"], 1, 2)},
        ]
    return lessons


def _status_section(rng: random.Random, words: dict[str, Any]) -> dict[str, Any]:
    names = sorted({words["svc"], *rng.sample(SERVICES, rng.randint(1, 3))})
    rows = [[s, "healthy", 8000 + i] for i, s in enumerate(names)]
    return {
        "title": "System status",
        "blocks": [
            {"kind": "table", "columns": ["Service", "State", "Port"], "rows": rows},
            {"kind": "facts", "facts": [{"label": "Status", "value": "HEALTHY"}]},
        ],
    }


def _evidence_section(rng: random.Random, words: dict[str, Any]) -> dict[str, Any]:
    svc = words["svc"]
    blocks: list[dict[str, Any]] = [
        {
            "kind": "json",
            "title": "Health check response",
            "content": f'{{\n  "status": "healthy",\n  "service": "{svc}"\n}}\n',
        },
        {"kind": "log", "title": "Container status", "content": f"{svc}  Up 3 minutes (healthy)\n"},
    ]
    if _pick(rng, 0.5):
        name = rng.choice(IMAGES)
        blocks.append(
            {
                "kind": "image",
                "path": f"{EVIDENCE}/{name}.png",
                "alt": f"{name.replace('-', ' ').capitalize()} of {svc} during the incident",
                "caption": "Grafana, one-minute resolution",
            }
        )
    return {"title": "Verification", "text": "Evidence that the fix holds.", "blocks": blocks}


def _communications_section(rng: random.Random, words: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Communications",
        "text": "Updates went to the status page and to support, "
        "and questions to [the incident desk](mailto:incidents@example.com).",
        "blocks": [
            {
                "kind": "list",
                "ordered": True,
                "items": [
                    f"Status page: investigating errors on {words['svc']}",
                    "Status page: fix being deployed",
                    "Status page: resolved",
                ][: rng.randint(2, 3)],
            },
            {
                "kind": "links",
                "links": [
                    {
                        "title": "Status page entry",
                        "url": f"https://status.example.com/i/{words['n']}",
                    }
                ],
            },
        ],
    }


def _reproduction_section(rng: random.Random, words: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Reproducing it",
        "blocks": [
            {
                "kind": "text",
                "text": f"On a laptop, with the {words['tag']} settings of production:",
            },
            {
                "kind": "code",
                "language": "bash",
                "code": f"docker compose up -d {words['svc']}\n"
                f"docker compose logs --tail {rng.randint(20, 200)} {words['svc']}\n",
            },
        ],
    }


def _faq_section(rng: random.Random, words: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "FAQ",
        "blocks": [
            {"kind": "text", "text": f"**Was data lost?** No: {words['svc']} retried every write."},
            {
                "kind": "text",
                "text": f"**Could it happen again?** Not once the {words['tag']} items are done.",
            },
        ][: rng.randint(1, 2)],
    }


SECTIONS = [
    _status_section,
    _evidence_section,
    _communications_section,
    _reproduction_section,
    _faq_section,
]


def _leave_placeholders(rng: random.Random, record: dict[str, Any]) -> None:
    """A draft still holds some of the `TODO` lines that `nexus-pm new` writes."""
    record["detection"] = "TODO: how the incident was noticed."
    if _pick(rng, 0.5):
        record["summary"] = "TODO: one paragraph on what happened, why, and how it was fixed."
    if record["timeline"] and _pick(rng, 0.5):
        record["timeline"][-1]["text"] = "TODO: what happened at this time."


def dump(record: dict[str, Any], dumper: type[Dumper] = Dumper) -> str:
    return yaml.dump(record, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def generate(n: int, seed: int = 1) -> dict[str, str]:
    """`n` records as {file name: YAML text}; the same `n` and `seed` give the same bytes."""
    rng = random.Random(seed)
    start = dt.date(2023, 1, 1)
    files: dict[str, str] = {}
    for number in range(1, n + 1):
        record = incident(rng, number, start)
        name = f"{record['date'].isoformat()}-{record['services'][0]}-inc-{number:04d}.yaml"
        files[name] = dump(record)
    return files


def png(width: int = 4, height: int = 2) -> bytes:
    """A small grey PNG, the same bytes every time: the image that image blocks point at."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x99" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def write(folder: Path, n: int, seed: int = 1) -> list[Path]:
    """The records in `folder`, and the images they show under `folder/evidence/bench/`.

    Image paths are repo-relative (`incidents/evidence/bench/...`), so `folder` is the
    project's `incidents/`. Only the records' paths are returned.
    """
    folder.mkdir(parents=True, exist_ok=True)
    images = folder / Path(EVIDENCE).relative_to("incidents")
    images.mkdir(parents=True, exist_ok=True)
    for name in IMAGES:
        (images / f"{name}.png").write_bytes(png())
    paths = []
    for name, text in generate(n, seed).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
