"""The committed JSON Schema, and every record, pass check-jsonschema and ajv (ECMAScript regexes)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .components import need, node_prefix
from .conftest import ROOT

COMMITTED_SCHEMA = ROOT / "schemas" / "incident.schema.json"
# No pattern in the schema may be invalid as an ECMAScript regex in unicode mode.
KNOWN_BAD_PATTERNS: dict[str, set[str]] = {}

# Compiles the schema as a JavaScript editor or service would: strict mode, unicode
# regexes, formats checked; then validates each instance. Prints one JSON report.
AJV_SCRIPT = r"""
const fs = require("fs");
const [prefix, schemaPath, ...instances] = process.argv.slice(2);
const load = (name) => require(require.resolve(name, { paths: [prefix] }));
const Ajv = load("ajv").default;
const addFormats = load("ajv-formats").default;
const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
const report = { compileError: null, badPatterns: [], results: {} };
(function walk(node, path) {
  if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}/${i}`));
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "pattern" && typeof value === "string") {
      try { new RegExp(value, "u"); } catch (e) { report.badPatterns.push(`${path}/${key}`); }
    }
    walk(value, `${path}/${key}`);
  }
})(schema, "");
const ajv = new Ajv({ strict: true, unicodeRegExp: true, allErrors: true });
addFormats(ajv);
let validate = null;
try { validate = ajv.compile(schema); } catch (e) { report.compileError = String(e.message); }
for (const path of validate ? instances : []) {
  const ok = validate(JSON.parse(fs.readFileSync(path, "utf8")));
  report.results[path] = ok ? [] : validate.errors.map((e) => ({
    instancePath: e.instancePath, message: e.message, params: e.params,
  }));
}
process.stdout.write(JSON.stringify(report));
"""


@dataclass(frozen=True)
class Case:
    """A schema and the records that must satisfy it."""

    schema_text: Callable[[], str]
    records: tuple[Path, ...]


def _records() -> tuple[Path, ...]:
    # Every kind of record the repo holds: the incidents, the imported real-world
    # postmortems, and the record that sets every field of the format.
    folders = ("incidents", "tests/fixtures/realworld", "tests/golden/full")
    return tuple(path for folder in folders for path in sorted((ROOT / folder).glob("*.yaml")))


# The committed schema, which tests/test_schema.py keeps equal to the models' own.
CASES = {"format-2": Case(lambda: COMMITTED_SCHEMA.read_text(encoding="utf-8"), _records())}
STRICT_CASES = [pytest.param(name, id=name) for name in CASES]


@dataclass(frozen=True)
class Files:
    """One case written out: the schema, the records as JSON, and a deliberately broken record."""

    name: str
    schema: Path
    records: tuple[Path, ...]
    json_records: tuple[Path, ...]
    broken_yaml: Path
    broken_json: Path


def _as_written(value: object) -> str:
    # PyYAML reads `date: 2019-03-26` as a date; a JSON validator sees the text.
    assert isinstance(value, dt.date), value
    return str(value)


def _to_json(data: object, path: Path) -> Path:
    path.write_text(json.dumps(data, default=_as_written, ensure_ascii=False), encoding="utf-8")
    return path


def _broken(data: dict[str, Any]) -> dict[str, Any]:
    # One error of each kind a reader must be able to find: an unknown key, a missing
    # required one, a bad format and a bad pattern inside a list.
    broken = dict(data)
    broken["titel"] = broken.pop("title")
    broken["date"] = "2019-02-30"
    broken["services"] = ["Not a slug!"]
    return broken


@pytest.fixture
def files(request: pytest.FixtureRequest, tmp_path: Path) -> Files:
    case = CASES[request.param]
    schema = tmp_path / "incident.schema.json"
    schema.write_text(case.schema_text(), encoding="utf-8")
    loaded = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in case.records]
    assert loaded, f"no records for {request.param}"
    json_records = tuple(
        _to_json(data, tmp_path / f"{path.stem}.json")
        for path, data in zip(case.records, loaded, strict=True)
    )
    broken = _broken(loaded[0])
    broken_yaml = tmp_path / "broken.yaml"
    broken_yaml.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    return Files(
        request.param,
        schema,
        case.records,
        json_records,
        broken_yaml,
        _to_json(broken, tmp_path / "broken.json"),
    )


def check_jsonschema(*args: str | Path) -> tuple[int, dict[str, Any]]:
    """Run check-jsonschema (a test dependency) and parse its JSON report."""
    # ECMAScript regexes (regress), which is also what the default would pick: said
    # explicitly because that is the point of the test.
    command = [sys.executable, "-m", "check_jsonschema", "--regex-variant", "default"]
    done = subprocess.run(
        [*command, "--output-format", "json", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = {"status": "unreadable", "stdout": done.stdout, "stderr": done.stderr}
    return done.returncode, report


def ajv(files: Files, *instances: Path) -> dict[str, Any]:
    """Compile the schema with ajv and validate `instances`; ajv's report as a dict."""
    node = shutil.which("node")
    prefix = node_prefix()
    missing = [
        name
        for name in ("ajv", "ajv-formats")
        if not (prefix / "node_modules" / name / "package.json").is_file()
    ]
    problem = (
        "no `node` on PATH"
        if node is None
        else f"{', '.join(missing)} not installed in {prefix} (run .ci/node-setup.sh)"
        if missing
        else ""
    )
    need("ajv", not problem, problem)
    assert node is not None
    script = files.schema.with_name("ajv-check.js")
    script.write_text(AJV_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [node, str(script), str(prefix), str(files.schema), *map(str, instances)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.mark.parametrize("files", STRICT_CASES, indirect=True)
def test_check_jsonschema_accepts_the_schema(files: Files) -> None:
    code, report = check_jsonschema("--check-metaschema", files.schema)
    assert code == 0, report


@pytest.mark.parametrize("files", STRICT_CASES, indirect=True)
def test_check_jsonschema_accepts_the_records(files: Files) -> None:
    # The YAML files as they are: check-jsonschema reads YAML itself, as CI would use it.
    code, report = check_jsonschema("--schemafile", files.schema, *files.records)
    assert (code, report.get("errors")) == (0, []), report


@pytest.mark.parametrize("files", STRICT_CASES, indirect=True)
def test_check_jsonschema_names_the_broken_fields(files: Files) -> None:
    code, report = check_jsonschema("--schemafile", files.schema, files.broken_yaml)
    assert code == 1, report
    found = {(error["path"], error["message"]) for error in report.get("errors", [])}
    paths = {path for path, _ in found}
    messages = " ".join(message for _, message in found)
    assert {"$.date", "$.services[0]"} <= paths, found
    assert "'titel' was unexpected" in messages, found
    assert "'title' is a required property" in messages, found


@pytest.mark.parametrize("files", STRICT_CASES, indirect=True)
def test_ajv_compiles_the_schema_strictly(files: Files) -> None:
    report = ajv(files)
    assert report["compileError"] is None, report


@pytest.mark.parametrize("files", STRICT_CASES, indirect=True)
def test_ajv_accepts_the_records(files: Files) -> None:
    report = ajv(files, *files.json_records)
    assert report["compileError"] is None, report
    assert report["results"] == {str(path): [] for path in files.json_records}


@pytest.mark.parametrize("files", STRICT_CASES, indirect=True)
def test_ajv_names_the_broken_fields(files: Files) -> None:
    report = ajv(files, files.broken_json)
    assert report["compileError"] is None, report
    errors = report["results"][str(files.broken_json)]
    paths = {error["instancePath"] for error in errors}
    params = [error["params"] for error in errors]
    assert {"/date", "/services/0"} <= paths, errors
    assert {"additionalProperty": "titel"} in params, errors
    assert {"missingProperty": "title"} in params, errors


@pytest.mark.parametrize("files", list(CASES), indirect=True)
def test_no_other_pattern_is_invalid_ecmascript(files: Files) -> None:
    # Fails if any pattern is not a valid ECMAScript regex, or beside a known bad one.
    known = KNOWN_BAD_PATTERNS.get(files.name, set())
    code, checked = check_jsonschema("--check-metaschema", files.schema)
    assert {error["path"] for error in checked.get("errors", [])} <= known, checked
    report = ajv(files)
    assert set(report["badPatterns"]) <= known, report["badPatterns"]
    assert (code == 0) == (not report["badPatterns"]), (code, report, checked)
