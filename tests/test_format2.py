"""Format 2: the real-world records validate and carry their facts; each rule says what it wants."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from nexus_pm.errors import NexusError
from nexus_pm.loader import parse_incident
from nexus_pm.models import Incident, find_placeholders
from nexus_pm.record_parts import EventKind

REALWORLD = Path(__file__).resolve().parent / "fixtures" / "realworld"
NAMES = sorted(p.stem for p in REALWORLD.glob("*.md") if p.name != "README.md")


def record(**fields: Any) -> dict[str, Any]:
    """A minimal valid format-2 record, with `fields` on top."""
    base: dict[str, Any] = {
        "format": 2,
        "id": "INC-0042",
        "title": "Checkout down",
        "summary": "Checkout failed for an hour.",
        "date": "2025-03-09",
    }
    return base | fields


def event(at: Any, kind: str | None = None, text: str = "something happened") -> dict[str, Any]:
    return {"at": at, "text": text} | ({"kind": kind} if kind else {})


def errors_of(data: dict[str, Any], context: dict[str, Any] | None = None) -> str:
    with pytest.raises(ValidationError) as caught:
        Incident.model_validate(data, context=context)
    return str(caught.value)


def text_values(text: str) -> list[str]:
    """Every scalar of a YAML document as written, plus `label: value` for each labelled fact."""
    values: list[str] = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.ScalarNode):
            values.append(node.value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.MappingNode):
            pairs = {k.value: v for k, v in node.value if isinstance(v, yaml.ScalarNode)}
            if set(pairs) == {"label", "value"}:  # a Fact: the page shows it as `label: value`
                values.append(f"{pairs['label'].value}: {pairs['value'].value}")
            for key, value in node.value:
                walk(key)
                walk(value)

    walk(yaml.compose(text))
    return values


def facts(name: str) -> list[str]:
    lines = (REALWORLD / f"{name}.facts").read_text(encoding="utf-8").splitlines()
    return [line.split(": ", 1)[1] for line in lines if line.strip()]


def coverage(text: str, literals: list[str]) -> tuple[float, list[str]]:
    values = text_values(text)
    missing = [lit for lit in literals if not any(lit in value for value in values)]
    return 1 - len(missing) / len(literals), missing


@pytest.mark.parametrize("name", NAMES)
def test_realworld_record_validates(name: str) -> None:
    data = yaml.safe_load((REALWORLD / f"{name}.yaml").read_text(encoding="utf-8"))
    incident = Incident.model_validate(data)
    assert incident.status == "published"
    assert not find_placeholders(incident)


@pytest.mark.parametrize("name", NAMES)
def test_realworld_record_carries_its_facts(name: str) -> None:
    source = (REALWORLD / f"{name}.md").read_text(encoding="utf-8")
    literals = facts(name)
    assert len(literals) >= 10 and all(lit in source for lit in literals)
    share, missing = coverage((REALWORLD / f"{name}.yaml").read_text(encoding="utf-8"), literals)
    assert share >= 0.95, f"{name}: {share:.0%} of the facts; missing {missing}"


def test_the_facts_measure_notices_a_dropped_section() -> None:
    name = "dfds-total-node-failure-2023-02-14"
    data = yaml.safe_load((REALWORLD / f"{name}.yaml").read_text(encoding="utf-8"))
    del data["timeline"]
    share, missing = coverage(yaml.safe_dump(data), facts(name))
    assert share < 0.95 and "We have no nodes" in missing


def test_realworld_durations_match_what_the_sources_say() -> None:
    def load(name: str) -> Incident:
        text = (REALWORLD / f"{name}.yaml").read_text(encoding="utf-8")
        return Incident.model_validate(yaml.safe_load(text))

    posthog = load("posthog-flags-down-2025-09-29")  # "1 hour and 48 minutes"
    assert posthog.time_to_resolve == dt.timedelta(hours=1, minutes=48)
    assert posthog.time_to_detect is None  # the source marks no detection, only a declaration
    dfds = load("dfds-total-node-failure-2023-02-14")  # "Time to detection: 2 minutes"
    assert dfds.time_to_detect == dt.timedelta(minutes=2)
    boskos = load("k8s-boskos-2019-03-26")  # "just over nine hours", PDT
    assert boskos.time_to_resolve == dt.timedelta(hours=9, minutes=6)
    assert boskos.milestone(EventKind.STARTED) == dt.datetime(2019, 3, 26, 6, 4, tzinfo=dt.UTC)


def test_durations_are_derived_from_the_timeline() -> None:
    incident = Incident.model_validate(
        record(
            timezone="Europe/Copenhagen",
            timeline=[
                event("2025-03-09 23:50", "started"),
                event("2025-03-10 00:02", "detected"),
                event("2025-03-09T23:30:00Z", "mitigated"),  # 00:30 in Copenhagen
                event("2025-03-10 01:15", "resolved"),
            ],
        )
    )
    assert incident.time_to_detect == dt.timedelta(minutes=12)
    assert incident.time_to_mitigate == dt.timedelta(minutes=40)
    assert incident.time_to_resolve == dt.timedelta(minutes=85)


def test_time_to_mitigate_falls_back_to_resolved_and_needs_a_start() -> None:
    only_resolved = record(
        timezone="UTC",
        timeline=[event("2025-03-09 10:00", "started"), event("2025-03-09 10:30", "resolved")],
    )
    assert Incident.model_validate(only_resolved).time_to_mitigate == dt.timedelta(minutes=30)
    no_start = record(timezone="UTC", timeline=[event("2025-03-09 10:30", "resolved")])
    assert Incident.model_validate(no_start).time_to_resolve is None


def test_effort_breakdown_adds_up() -> None:
    phases = [{"phase": "diagnose", "minutes": 2}, {"phase": "fix", "minutes": 5}]
    incident = Incident.model_validate(record(effort=[*phases, {"phase": "deploy", "minutes": 2}]))
    assert incident.effort_minutes == 9


def test_lead_up_events_may_precede_the_start() -> None:
    timeline = [event("2018-12-05 16:21"), event("2019-03-25 23:04", "started")]
    Incident.model_validate(record(timezone="UTC", timeline=timeline))


def test_no_milestone_precedes_started() -> None:
    timeline = [event("2025-03-09 10:00", "mitigated"), event("2025-03-09 10:05", "started")]
    message = errors_of(record(timezone="UTC", timeline=timeline))
    assert "marked mitigated at 2025-03-09 10:00, before the start" in message


def test_detected_before_started_is_rejected() -> None:
    timeline = [event("2025-03-09 10:05", "started"), event("2025-03-09 10:00", "detected")]
    message = errors_of(record(timezone="UTC", timeline=timeline))
    assert "event 1 is marked detected" in message and "precedes `started`" in message


def test_resolved_before_mitigated_is_accepted_as_it_happened() -> None:
    timeline = [
        event("2025-03-09 10:00", "started"),
        event("2025-03-09 11:59", "mitigated"),
        event("2025-03-09 11:07", "resolved"),
        event("2025-03-09 11:08"),
    ]
    incident = Incident.model_validate(record(timezone="UTC", timeline=timeline))
    assert [e.text for e in incident.timeline] == ["something happened"] * 4  # order kept


def test_a_milestone_is_marked_once() -> None:
    timeline = [event("2025-03-09 10:00", "started"), event("2025-03-09 10:05", "started")]
    assert "events 0 and 1 are both marked started" in errors_of(
        record(timezone="UTC", timeline=timeline)
    )


def test_a_bare_time_names_the_format_expected() -> None:
    message = errors_of(record(timezone="UTC", timeline=[event("14:54")]))
    assert "'14:54' has no date" in message
    assert "2019-03-26 23:04" in message and "2019-03-26T23:04:00-07:00" in message


def test_an_unquoted_bare_time_read_as_a_number_is_explained() -> None:
    data = yaml.safe_load("at: 14:54\ntext: x\n")  # YAML 1.1 reads 14:54 as 894 minutes
    message = errors_of(record(timezone="UTC", timeline=[data]))
    assert "the number 894" in message and "unquoted 14:54" in message and "2019-03-26" in message


def test_approximate_times_use_the_flag() -> None:
    message = errors_of(record(timezone="UTC", timeline=[event("± 2025-03-09 17:20")]))
    assert "approximate: true" in message
    approx = event("2025-03-09 17:20") | {"approximate": True}
    assert (
        Incident.model_validate(record(timezone="UTC", timeline=[approx])).timeline[0].approximate
    )


def test_naive_times_need_a_time_zone() -> None:
    message = errors_of(record(timeline=[event("2025-03-09 10:00")]))
    assert "has no UTC offset" in message and "timezone:" in message
    aware = record(timeline=[event("2025-03-09T10:00:00+01:00", "started")])
    assert Incident.model_validate(aware).milestone(EventKind.STARTED) == dt.datetime(
        2025, 3, 9, 9, 0, tzinfo=dt.UTC
    )


@pytest.mark.parametrize("zone", ["PDT", "CST", "EST"])
def test_time_zone_abbreviations_are_refused(zone: str) -> None:
    message = errors_of(record(timezone=zone))
    assert "abbreviations are ambiguous" in message and "America/Los_Angeles" in message


def test_time_zone_misspelt_gets_a_suggestion() -> None:
    assert "did you mean 'Europe/Copenhagen'?" in errors_of(record(timezone="Europe/Copenhagn"))


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("UTC", 0), ("-07:00", -7), ("UTC+05:30", 5.5), ("America/Los_Angeles", -7)],
)
def test_naive_times_are_read_in_the_record_zone(zone: str, offset: float) -> None:
    data = record(timezone=zone, timeline=[event("2019-03-26 23:04", "started")])
    started = Incident.model_validate(data).milestone(EventKind.STARTED)
    assert started is not None
    assert started.utcoffset() == dt.timedelta(hours=offset)


def test_bad_url_is_explained_in_words() -> None:
    links = [{"title": "Runbook", "url": "javascript:alert(1)"}]
    assert "must be an http, https or mailto URL" in errors_of(record(related={"links": links}))
    ticket = [{"text": "Fix it", "ticket": "ftp://example.com/1"}]
    assert "must be an http, https or mailto URL" in errors_of(record(action_items=ticket))
    fine = [{"title": "Mail", "url": "mailto:oncall@example.com"}]
    Incident.model_validate(record(related={"links": fine}))


def test_severity_defaults_to_sev1_to_sev4() -> None:
    assert Incident.model_validate(record(severity="SEV2")).severity == "SEV2"
    message = errors_of(record(severity="sev2"))
    assert "not on the severity scale (SEV1, SEV2, SEV3, SEV4)" in message
    assert "did you mean 'SEV2'?" in message
    assert Incident.model_validate(record()).severity is None  # not graded: not invented


def test_a_team_scale_comes_through_the_validation_context() -> None:
    scale = {"severities": ["P0", "P1", "P2", "P3", "P4"]}
    assert Incident.model_validate(record(severity="P0"), context=scale).severity == "P0"
    assert "(P0, P1, P2, P3, P4)" in errors_of(record(severity="SEV1"), context=scale)
    assert "not on the severity scale" in errors_of(record(severity="P0"))


def test_known_services_and_tags_suggest_the_closest() -> None:
    context = {"services": ["voice-service", "auth-service"], "tags": ["docker", "python"]}
    message = errors_of(record(services=["voice-servce"]), context=context)
    assert "'voice-servce' is not a known service; did you mean 'voice-service'?" in message
    assert "services.0" in message
    assert "did you mean 'docker'?" in errors_of(record(tags=["dokcer"]), context=context)
    # Without lists in the context, any slug goes.
    Incident.model_validate(record(services=["anything"], tags=["free"]))


def test_placeholders_are_found_by_path() -> None:
    data = record(
        summary="TODO: replace this line with one paragraph",
        timeline=[event("2025-03-09T10:00:00Z", text="TODO what happened")],
        errors=[{"output": "TODO: this is real output and stays"}],
        lessons={"went_well": ["Fast rollback", "TODO"]},
    )
    assert find_placeholders(data) == ["summary", "timeline.0.text", "lessons.went_well.1"]
    draft = Incident.model_validate(data)
    assert find_placeholders(draft) == ["summary", "timeline.0.text", "lessons.went_well.1"]
    assert not find_placeholders(record(summary="TODOs piled up: the queue overflowed"))


def test_a_record_past_draft_may_hold_no_placeholder() -> None:
    # The models accept placeholders whatever the status; the loader refuses them in a
    # record that is not a draft, one problem per placeholder, on its own line.
    data = record(
        status="in-review",
        summary="TODO: replace this line with one paragraph",
        timeline=[event("2025-03-09T10:00:00Z", text="TODO what happened")],
        errors=[{"output": "TODO: this is real output and stays"}],
        lessons={"went_well": ["Fast rollback", "TODO"]},
    )
    Incident.model_validate(data)
    text = yaml.safe_dump(data, sort_keys=False)
    lines = text.splitlines()
    with pytest.raises(NexusError) as caught:
        parse_incident(text, "incidents/x.yaml")
    found = [(p.line, p.field) for p in caught.value.problems]
    assert [field for _, field in found] == ["summary", "timeline.0.text", "lessons.went_well.1"]
    for line, field in found:
        assert "TODO" in lines[line - 1], (field, lines[line - 1])
    assert str(caught.value.problems[0]) == (
        f"incidents/x.yaml:{found[0][0]}: summary: still a placeholder (TODO) in a record "
        "that is in-review: write it, or set `status: draft`"
    )
    # A draft may hold them: that is what `nexus-pm new` writes.
    assert parse_incident(yaml.safe_dump(data | {"status": "draft"}), "incidents/x.yaml")


def test_verbatim_output_is_not_trimmed() -> None:
    output = '  File "/app/main.py", line 3\n    import uvicorn\n'
    incident = Incident.model_validate(record(errors=[{"output": output, "language": "python"}]))
    assert incident.errors[0].output == output
    assert Incident.model_validate(record(title="  spaced  ")).title == "spaced"


def test_sections_hold_typed_blocks() -> None:
    blocks = [
        {"kind": "table", "columns": ["Service", "Port"], "rows": [["api", 8080]]},
        {"kind": "image", "path": "docs/img/diagram.png", "alt": "Request flow"},
        {"kind": "facts", "facts": [{"label": "Customers impacted", "value": 120}]},
    ]
    incident = Incident.model_validate(record(sections=[{"title": "Evidence", "blocks": blocks}]))
    table = incident.sections[0].blocks[0]
    assert table.kind == "table" and table.rows == [["api", "8080"]]
    ragged = [{"kind": "table", "columns": ["a", "b"], "rows": [["1"]]}]
    assert "row 0 has 1 cells" in errors_of(record(sections=[{"title": "T", "blocks": ragged}]))
    unknown = [{"kind": "video", "url": "https://example.com"}]
    assert "a block needs `kind:`" in errors_of(
        record(sections=[{"title": "T", "blocks": unknown}])
    )
    outside = [{"kind": "image", "path": "../secret.png", "alt": "x"}]
    assert "'..' is not allowed" in errors_of(record(sections=[{"title": "T", "blocks": outside}]))


def test_unknown_keys_and_format_1_shapes_are_refused() -> None:
    assert "Extra inputs are not permitted" in errors_of(record(times={"started": "x"}))
    assert "format" in errors_of({k: v for k, v in record().items() if k != "format"})
    assert "cannot be related to itself" in errors_of(record(related={"incidents": ["INC-0042"]}))
    incident = Incident.model_validate(record())
    with pytest.raises(ValidationError, match="frozen"):
        incident.title = "changed"  # type: ignore[misc]


def _schema() -> dict[str, Any]:
    return Incident.model_json_schema()


def _walk(node: Any, key: str) -> list[Any]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == key] + [
            x for v in node.values() for x in _walk(v, key)
        ]
    if isinstance(node, list):
        return [x for v in node for x in _walk(v, key)]
    return []


def test_json_schema_is_valid_and_describes_every_field() -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft7Validator.check_schema(schema)
    for definition in [schema, *schema["$defs"].values()]:
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description"), f"{definition['title']}.{name} has no description"


@pytest.mark.parametrize("name", NAMES)
def test_json_schema_accepts_the_realworld_records(name: str) -> None:
    data = yaml.safe_load((REALWORLD / f"{name}.yaml").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))
    errors = list(jsonschema.Draft202012Validator(_schema()).iter_errors(data))
    assert not errors, [e.message for e in errors]


def test_every_schema_pattern_is_an_ecmascript_regex() -> None:
    patterns = sorted(set(_walk(_schema(), "pattern")))
    assert len(patterns) >= 5
    script = (
        "const ps = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "for (const p of ps) { try { new RegExp(p, 'u'); }"
        " catch (e) { console.log(p + ' :: ' + e.message); process.exitCode = 1; } }"
    )
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(patterns), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "discriminator" not in json.dumps(_schema())  # an OpenAPI keyword ajv refuses
