"""Loader and validation errors on broken copies of the seed record, pinned as golden text."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from nexus_pm.errors import NexusError
from nexus_pm.loader import parse_incident
from nexus_pm.models import Status, find_placeholders
from nexus_pm.validate import load_records

from .conftest import FORMAT1_SEED, SEED, CliInvoke
from .goldens import CaseFile

GOLDEN = CaseFile(Path(__file__).parent / "golden" / "seed_errors.yaml", key="errors")
CASES: list[dict[str, Any]] = GOLDEN.cases


def broken_copy(tmp_path: Path, case: dict[str, Any]) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(case["old"]) == 1, f"{case['name']}: `old` must occur once in the seed"
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "seed.yaml").write_text(text.replace(case["old"], case["new"]), encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_seed_gives_golden_errors(
    case: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli_invoke: CliInvoke,
    yaml_path: str,
) -> None:
    broken_copy(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    result = cli_invoke("validate", "incidents", exit_code=1)
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"{len(lines) - 1} problem")
    GOLDEN.check(case, lines[:-1])


def test_every_case_pins_an_error() -> None:
    assert all(case["errors"] for case in CASES), "every case pins at least one error"


def test_seed_record_is_valid() -> None:
    records = load_records([SEED.parent])
    assert [r.incident.id for r in records] == ["INC-0001"]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    (folder / "b.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(NexusError) as info:
        load_records([folder])
    [problem] = info.value.problems
    assert problem.field == "id"
    assert problem.path.endswith("b.yaml")
    assert problem.line == 3
    assert "already used by" in problem.message and problem.message.endswith("a.yaml")


def test_every_problem_in_every_file_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "a.yaml").write_text("id: INC-0002\n", encoding="utf-8")
    (folder / "b.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(NexusError) as info:
        load_records([folder])
    found = sorted((Path(p.path).name, p.field) for p in info.value.problems)
    assert found == [
        ("a.yaml", "date"),
        ("a.yaml", "format"),
        ("a.yaml", "summary"),
        ("a.yaml", "title"),
        ("b.yaml", "yaml"),
    ]


def test_unknown_key_suggests_the_closest_field() -> None:
    text = SEED.read_text(encoding="utf-8").replace("impact:\n  text: >-", "impcat:\n  text: >-")
    with pytest.raises(NexusError) as info:
        parse_incident(text, "x.yaml")
    [problem] = info.value.problems
    assert (problem.field, problem.message) == ("impcat", "unknown field; did you mean 'impact'?")


@pytest.mark.parametrize("escape", ["\\x80", "\\x9f", "\\x7f", "\\ufffe", "\\uffff", "\\e", "\\0"])
def test_an_escape_for_a_character_yaml_cannot_carry_is_refused(escape: str) -> None:
    # The reader refuses these characters raw, but an escape in a double-quoted value
    # still makes one; MkDocs' YAML would then refuse the front matter built from it.
    code = ord(yaml.safe_load(f'"{escape}"'))
    text = SEED.read_text(encoding="utf-8").replace('title: "Voice', f'title: "{escape} Voice')
    with pytest.raises(NexusError) as info:
        parse_incident(text, "x.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (4, "yaml")
    assert problem.message.startswith(f"character U+{code:04X} (written as an escape): ")


@pytest.mark.parametrize("escape", ["\\t", "\\u00e9", "\\xa0", "\\U0001F680", "\\ufffd"])
def test_escapes_for_characters_yaml_carries_are_accepted(escape: str) -> None:
    text = SEED.read_text(encoding="utf-8").replace('title: "Voice', f'title: "Voice{escape}')
    assert parse_incident(text, "x.yaml").title.startswith("Voice" + yaml.safe_load(f'"{escape}"'))


@pytest.mark.parametrize(
    "name",
    [
        'x" autofocus onfocus="alert(1)" y=".yaml',
        "a b.yaml",
        "<img src=x>.yaml",
        "caf\u00e9.yaml",
        "a\u202eb.yaml",
        "a\nb.yaml",
    ],
)
def test_a_record_file_name_holds_only_safe_characters(name: str, tmp_path: Path) -> None:
    # The name reaches the page's edit link and its source line; `nexus-pm new` never
    # makes such a name, so a pull request that adds one is refused.
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / name).write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(NexusError) as info:
        load_records([folder])
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (1, "file")
    assert problem.message.startswith("name may hold only letters, digits, '.', '_' and '-', not ")
    assert len(str(problem).splitlines()) == 1


def test_names_like_those_nexus_pm_new_makes_are_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "2025-11-09-voice_service.v2.yml").write_text(SEED.read_text(encoding="utf-8"))
    assert [r.incident.id for r in load_records([folder])] == ["INC-0001"]


def test_symlink_loops_are_one_problem_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "x.yaml").symlink_to("y.yaml")
    (folder / "y.yaml").symlink_to("x.yaml")
    (folder / "self.yaml").symlink_to("self.yaml")
    monkeypatch.chdir(tmp_path)
    result = cli_invoke("validate", "incidents", exit_code=1)
    assert result.stderr.splitlines() == [
        "incidents/self.yaml:1: file: is a symlink loop",
        "incidents/x.yaml:1: file: is a symlink loop",
        "incidents/y.yaml:1: file: is a symlink loop",
        "3 problems in 3 files",
    ]
    result = cli_invoke("validate", "incidents/self.yaml", exit_code=1)
    assert result.stderr.splitlines()[0] == "incidents/self.yaml:1: file: is a symlink loop"


def test_a_path_component_too_long_for_the_system_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    # No file can have such a name, but a symlink in a pull request can point at one.
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "long.yaml").symlink_to("a" * 300 + ".yaml")
    (folder / "sub").mkdir()
    (folder / "deep.yaml").symlink_to(Path("sub", "b" * 300, "x.yaml"))
    monkeypatch.chdir(tmp_path)
    result = cli_invoke("validate", "incidents", exit_code=1)
    assert result.stderr.splitlines() == [
        "incidents/deep.yaml:1: file: cannot be read: File name too long",
        "incidents/long.yaml:1: file: cannot be read: File name too long",
        "2 problems in 2 files",
    ]
    with pytest.raises(NexusError) as info:
        load_records([folder / ("c" * 300), folder / "sub" / ("e" * 300 + ".yaml")])
    assert [p.message for p in info.value.problems] == ["cannot be read: File name too long"] * 2


def test_a_folder_that_cannot_be_listed_is_one_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "seed.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    folder.chmod(0)
    try:
        if os.access(folder, os.R_OK):
            # Root reads it anyway (as in CI): refuse the listing as the system would.
            listdir = os.listdir

            def refuse(path: object = ".") -> list[str]:
                if Path(os.fspath(path)).absolute() == folder:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
                return listdir(path)

            monkeypatch.setattr(os, "listdir", refuse)
        monkeypatch.chdir(tmp_path)
        result = cli_invoke("validate", "incidents", exit_code=1)
        assert result.stderr.splitlines() == [
            "incidents:1: folder: cannot be read: Permission denied",
            "1 problem in 1 file",
        ]
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("field", ["services", "tags"])
def test_index_names_no_service_or_tag(field: str) -> None:
    # Its page would be services/index.md or tags/index.md: the overview of them all.
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data[field] = ["voice-service", "index"]
    with pytest.raises(NexusError) as info:
        parse_incident(yaml.safe_dump(data, sort_keys=False), "x.yaml")
    [problem] = info.value.problems
    assert problem.field == f"{field}.1"
    assert problem.message.startswith("is a reserved name: services/index.md and tags/index.md")
    data[field] = ["index.v2", "indexer"]
    assert getattr(parse_incident(yaml.safe_dump(data), "x.yaml"), field) == data[field]


def record_folder(tmp_path: Path, text: str, name: str = "seed.yaml") -> Path:
    folder = tmp_path / "incidents"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_format1_record_is_told_to_migrate_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    # Not twenty unknown-field errors: one line, with the command that fixes it.
    record_folder(tmp_path, FORMAT1_SEED.read_text(encoding="utf-8"), SEED.name)
    monkeypatch.chdir(tmp_path)
    result = cli_invoke("validate", exit_code=1)
    assert result.stderr.splitlines() == [
        f"incidents/{SEED.name}:1: format: format 1; run `nexus-pm migrate incidents/{SEED.name}`",
        "1 problem in 1 file",
    ]


def test_a_format1_field_in_a_format2_record_is_an_unknown_field() -> None:
    # With `format: 2` the record says what it is: a left-over field is named, no hint.
    text = SEED.read_text(encoding="utf-8").replace(
        "severity: SEV2\n", "times:\n  started: 2025-11-09T10:00:00Z\nseverity: SEV2\n"
    )
    with pytest.raises(NexusError) as info:
        parse_incident(text, "x.yaml")
    [problem] = info.value.problems
    assert (problem.line, problem.field) == (16, "times")
    assert problem.message == "unknown field; did you mean 'timezone'?"


def test_a_record_without_format_is_told_to_write_it() -> None:
    text = SEED.read_text(encoding="utf-8").replace("format: 2\n", "")
    with pytest.raises(NexusError) as info:
        parse_incident(text, "incidents/x.yaml")
    assert [str(p) for p in info.value.problems] == [
        "incidents/x.yaml:2: format: write `format: 2` at the top of the record"
    ]


PLACEHOLDERS = """\
format: 2
id: INC-0002
title: Disk full on the build runner
summary: "TODO: one paragraph: what happened, why, how it was resolved"
date: 2025-11-20
status: {status}
timezone: UTC
timeline:
  - at: 2025-11-20 10:00
    kind: started
    text: The disk of the build runner filled up.
  - at: 2025-11-20 10:05
    text: An alert fired.
  - at: 2025-11-20 10:20
    kind: resolved
    text: "TODO: what ended it"
errors:
  - output: "TODO: output is verbatim, never a placeholder"
fix:
  steps:
    - title: Cleaned the cache
      command: TODO
action_items:
  - text: TODOs are tracked in the team's board
  - text: "TODO: add an alert on disk use"
sections:
  - title: Notes
    blocks:
      - kind: text
        text: "TODO: write the notes"
"""


@pytest.mark.parametrize("status", ["in-review", "published"])
def test_each_placeholder_past_draft_is_one_problem_on_its_line(
    status: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    record_folder(tmp_path, PLACEHOLDERS.format(status=status))
    monkeypatch.chdir(tmp_path)
    result = cli_invoke("validate", exit_code=1)
    why = (
        f"still a placeholder (TODO) in a record that is {status}: write it, or set `status: draft`"
    )
    # Verbatim output and commands, and a word that only starts with TODO, are no placeholders.
    assert result.stderr.splitlines() == [
        f"incidents/seed.yaml:4: summary: {why}",
        f"incidents/seed.yaml:16: timeline.2.text: {why}",
        f"incidents/seed.yaml:25: action_items.1.text: {why}",
        f"incidents/seed.yaml:30: sections.0.blocks.0.text: {why}",
        "4 problems in 1 file",
    ]


def test_placeholders_are_allowed_in_a_draft(tmp_path: Path) -> None:
    [record] = load_records([record_folder(tmp_path, PLACEHOLDERS.format(status="draft"))])
    assert record.incident.status is Status.DRAFT
    assert find_placeholders(record.incident) == [
        "summary",
        "timeline.2.text",
        "action_items.1.text",
        "sections.0.blocks.0.text",
    ]


TEAM_SCALE = {"severities": ["P0", "P1", "P2"]}


def test_severity_is_checked_against_the_scale_in_the_context(tmp_path: Path) -> None:
    team = SEED.read_text(encoding="utf-8").replace("severity: SEV2", "severity: P1")
    [record] = load_records([record_folder(tmp_path, team)], context=TEAM_SCALE)
    assert record.incident.severity == "P1"
    # Without the context, the default scale applies and P1 is not on it.
    with pytest.raises(NexusError) as info:
        load_records([tmp_path / "incidents"])
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path}/incidents/seed.yaml:16: severity: 'P1' is not on the severity scale "
        "(SEV1, SEV2, SEV3, SEV4) (got 'P1')"
    ]
    # The seed's own SEV2 is not on the team's scale.
    with pytest.raises(NexusError) as info:
        load_records(
            [record_folder(tmp_path, SEED.read_text(encoding="utf-8"))], context=TEAM_SCALE
        )
    [problem] = info.value.problems
    assert (problem.line, problem.field, problem.message) == (
        16,
        "severity",
        "'SEV2' is not on the severity scale (P0, P1, P2) (got 'SEV2')",
    )


def test_validate_reads_the_team_settings_from_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nexus-pm]\nseverities = ["P0", "P1", "P2"]\nservices = ["voice-service", "billing"]\n',
        encoding="utf-8",
    )
    seed = SEED.read_text(encoding="utf-8")
    record_folder(tmp_path, seed.replace("severity: SEV2", "severity: P1"))
    monkeypatch.chdir(tmp_path)
    assert cli_invoke("validate").stdout == "1 record valid\n"
    record_folder(tmp_path, seed.replace("services: [voice-service]", "services: [voice-servce]"))
    result = cli_invoke("validate", exit_code=1)
    assert result.stderr.splitlines() == [
        "incidents/seed.yaml:16: severity: 'SEV2' is not on the severity scale (P0, P1, P2) "
        "(got 'SEV2')",
        "incidents/seed.yaml:18: services.0: 'voice-servce' is not a known service; "
        "did you mean 'voice-service'? (got 'voice-servce')",
        "2 problems in 1 file",
    ]
