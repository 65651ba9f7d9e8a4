"""The committed JSON Schema is current, draft-07, and agrees with the models."""

from __future__ import annotations

import json

import jsonschema
import yaml

from nexus_pm.config import Settings, load_settings
from nexus_pm.reference import json_schema_text

from .conftest import ROOT, SEED

COMMITTED = ROOT / "schemas" / "incident.schema.json"


def test_committed_schema_is_not_stale() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == json_schema_text(load_settings(ROOT)), (
        "schemas/incident.schema.json is stale: run `nexus-pm schema -o schemas/incident.schema.json`"
    )


def test_schema_is_valid_draft_07() -> None:
    jsonschema.Draft7Validator.check_schema(json.loads(COMMITTED.read_text(encoding="utf-8")))


def test_seed_validates_against_the_json_schema_too() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    record = json.loads(json.dumps(yaml.safe_load(SEED.read_text(encoding="utf-8")), default=str))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(record))
    assert not errors, [e.message for e in errors]


def test_json_schema_rejects_what_the_models_reject() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    record = json.loads(json.dumps(yaml.safe_load(SEED.read_text(encoding="utf-8")), default=str))
    record["sumary"] = record.pop("summary")
    messages = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(record)]
    assert any("'summary' is a required property" in m for m in messages)
    assert any("'sumary' was unexpected" in m for m in messages)


def test_every_record_starts_with_the_schema_line() -> None:
    for path in sorted((ROOT / "incidents").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/incident.schema.json", path


def test_a_teams_settings_narrow_the_schema_as_validate_does() -> None:
    settings = Settings(severities=("P0", "P1"), services=("checkout",), tags=("dns",))
    schema = json.loads(json_schema_text(settings))
    validator = jsonschema.Draft7Validator(schema)
    record = json.loads(json.dumps(yaml.safe_load(SEED.read_text(encoding="utf-8")), default=str))
    record |= {"severity": "P1", "services": ["checkout"], "tags": ["dns"]}
    assert list(validator.iter_errors(record)) == []
    for key, value in (("severity", "SEV2"), ("services", ["voice"]), ("tags", ["pip"])):
        errors = list(validator.iter_errors(record | {key: value}))
        assert [list(e.absolute_path)[:1] for e in errors] == [[key]], errors
    # Without settings, any graded name and any slug pass, as the models alone allow.
    loose = jsonschema.Draft7Validator(json.loads(json_schema_text()))
    assert list(loose.iter_errors(record | {"severity": "SEV9", "tags": ["pip"]})) == []
