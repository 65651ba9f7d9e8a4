"""The command line: exit codes, messages, and `python -m nexus_pm`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FORMAT1_SEED, ROOT, SEED, CliInvoke


def test_validate_passes_on_the_repo(project: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("validate")
    assert result.stdout == "1 record valid\n"


def test_validate_reports_and_exits_1(project: Path, cli_invoke: CliInvoke) -> None:
    (project / "incidents" / "bad.yaml").write_text("id: INC-0002\ntitel: x\n", encoding="utf-8")
    result = cli_invoke("validate", exit_code=1)
    assert result.stderr.splitlines() == [
        "incidents/bad.yaml:1: date: Field required",
        "incidents/bad.yaml:1: format: write `format: 2` at the top of the record",
        "incidents/bad.yaml:1: summary: Field required",
        "incidents/bad.yaml:1: title: Field required",
        "incidents/bad.yaml:2: titel: unknown field; did you mean 'title'?",
        "5 problems in 1 file",
    ]


def test_validate_missing_path_is_a_usage_error(project: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("validate", "nope", exit_code=2)
    assert "nope does not exist" in result.stderr


def test_verbose_names_skipped_files(project: Path, cli_invoke: CliInvoke) -> None:
    (project / "incidents" / "notes.txt").write_text("hi", encoding="utf-8")
    result = cli_invoke("validate", "--verbose")
    assert "incidents/notes.txt: skipped: not a .yaml or .yml file" in result.stderr


def test_schema_check_detects_a_stale_file(project: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke("schema", "--output", "schemas/incident.schema.json", "--check")
    (project / "schemas" / "incident.schema.json").write_text("{}\n", encoding="utf-8")
    result = cli_invoke(
        "schema", "--output", "schemas/incident.schema.json", "--check", exit_code=1
    )
    assert "stale" in result.stderr
    cli_invoke("schema", "--output", "schemas/incident.schema.json")
    cli_invoke("schema", "--output", "schemas/incident.schema.json", "--check")


def test_schema_prints_draft_07(cli_invoke: CliInvoke) -> None:
    schema = json.loads(cli_invoke("schema").stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(schema)


def test_build_writes_the_site(project: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke("build", "--site-dir", "out")
    assert (project / "out" / "incidents" / "inc-0001" / "index.html").is_file()


def test_build_fails_with_the_record_problem(project: Path, cli_invoke: CliInvoke) -> None:
    (project / "incidents" / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    result = cli_invoke("build", "--site-dir", "out", exit_code=1)
    assert result.stderr.splitlines()[0].startswith("incidents/bad.yaml:2: yaml: ")
    assert not (project / "out").exists()


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nexus_pm", "validate", str(ROOT / "incidents")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "1 record valid\n")


def test_a_line_break_in_a_file_name_stays_on_one_line(
    project: Path, cli_invoke: CliInvoke
) -> None:
    (project / "incidents" / "bad\nname.yaml").write_text("id: [\n", encoding="utf-8")
    result = cli_invoke("validate", exit_code=1)
    assert result.stderr.splitlines()[0].startswith(
        "incidents/bad\\x0aname.yaml:1: file: name may hold only letters, digits"
    )


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    # On stderr, apart from whatever `code` prints.
    script = f"import sys\n{code}\nprint('\\n'.join(sys.modules), file=sys.stderr)"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(done.stderr.split())


def test_help_loads_no_command_bodies() -> None:
    # --help must stay fast: MkDocs, Jinja and the checks load only inside a command.
    code = "from nexus_pm.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    loaded = loaded_after(code)
    assert "nexus_pm.cli" in loaded
    heavy = {"mkdocs", "jinja2", "nexus_pm.checks", "nexus_pm.new", "nexus_pm.site"}
    assert not heavy & loaded


def test_list_does_not_load_the_drafting_code() -> None:
    loaded = loaded_after("import nexus_pm.commands.list")
    assert not {"nexus_pm.new", "jinja2"} & loaded


@pytest.fixture
def format1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seed's format-1 text in incidents/, the working folder's."""
    (tmp_path / "incidents").mkdir()
    record = tmp_path / "incidents" / SEED.name
    shutil.copy2(FORMAT1_SEED, record)
    monkeypatch.chdir(tmp_path)
    return record


# The committed seed is its migration plus one line written since: a signature for `--user`.
ADDED_SINCE = (
    b"# The flag that caused it: a log line or a Dockerfile line that holds it is this incident.\n"
    b'signatures:\n  - "--user"\n'
)
MIGRATED_SEED = SEED.read_bytes().replace(ADDED_SINCE, b"")
assert SEED.read_bytes() != MIGRATED_SEED, "the seed's signature lines moved; update ADDED_SINCE"


def test_migrate_end_to_end(format1: Path, cli_invoke: CliInvoke) -> None:
    shown = f"incidents/{SEED.name}"
    old = format1.read_bytes()
    result = cli_invoke("migrate", "--check", exit_code=1)
    assert (result.stdout, result.stderr) == (f"{shown}: needs migrating\n", "")
    assert format1.read_bytes() == old, "--check changed the record"
    cli_invoke("validate", exit_code=1)
    result = cli_invoke("migrate")
    assert (result.stdout, result.stderr) == (
        f"{shown}: migrated to format 2\n",
        "1 record migrated\n",
    )
    assert format1.read_bytes() == MIGRATED_SEED, "the committed seed is this migration"
    assert cli_invoke("validate").stdout == "1 record valid\n"
    # Twice changes nothing, and --check now passes.
    result = cli_invoke("migrate")
    assert (result.stdout, result.stderr) == ("", "0 records migrated\n")
    assert format1.read_bytes() == MIGRATED_SEED
    result = cli_invoke("migrate", "--check")
    assert (result.stdout, result.stderr) == ("", "")


def test_migrate_refuses_a_symlinked_record_and_leaves_it(
    format1: Path, tmp_path: Path, cli_invoke: CliInvoke
) -> None:
    # Writing through the link would change a file outside incidents/; replacing the
    # link with a file would change what the link was for.
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "old.yaml"
    shutil.copy2(FORMAT1_SEED, target)
    link = tmp_path / "incidents" / "linked.yaml"
    link.symlink_to(Path("..", "elsewhere", "old.yaml"))
    refusal = "incidents/linked.yaml:1: record: is a symlink; migrate the file it points to"
    for args in (["migrate", "--check"], ["migrate", "incidents/linked.yaml"], ["migrate"]):
        result = cli_invoke(*args, exit_code=1)
        assert result.stderr.splitlines()[-2:] == [refusal, "1 problem in 1 file"], args
        assert link.is_symlink() and os.readlink(link) == os.path.join(
            "..", "elsewhere", "old.yaml"
        )
        assert target.read_bytes() == FORMAT1_SEED.read_bytes()
    # The record beside the link was migrated all the same.
    assert result.stdout == f"incidents/{SEED.name}: migrated to format 2\n"
    assert format1.read_bytes() == MIGRATED_SEED


FORMAT1_TEXT = FORMAT1_SEED.read_text(encoding="utf-8")
UNMIGRATABLE = [
    ("id: [\n", "2: yaml: did not find expected node content"),
    (
        "id: INC-0001\ntitle: a\ntitle: b\n",
        "3: yaml: duplicate key 'title' (first defined on line 2)",
    ),
    ("a: &x 1\nb: *x\n", "2: yaml: anchors and aliases are not supported in records"),
    (
        "- id: INC-0001\n",
        "1: record: not an incident record: expected a mapping with format-1 fields",
    ),
    ("", "1: record: not an incident record: expected a mapping with format-1 fields"),
    (
        FORMAT1_TEXT.replace("  to_fix: 5\n", "  to_fix: five\n"),
        "1: record: metrics.to_fix must be a number of minutes, as in format 1 (got 'five'); "
        "fix it, then migrate",
    ),
    (
        FORMAT1_TEXT.replace("  total: 9\n", "  total: 12\n"),
        "1: record: metrics.total is 12 minutes but its parts add up to 9; "
        "fix the total or its parts, then migrate",
    ),
    (
        FORMAT1_TEXT.replace("severity: SEV2\n", "times: 3\nseverity: SEV2\n"),
        "1: record: times must be a mapping, as in format 1 (got 3); fix it, then migrate",
    ),
    (
        FORMAT1_TEXT.replace("symptom:\n", "symptom: it broke\nsymptoms:\n"),
        "1: record: symptom must be a mapping, as in format 1 (got 'it broke'); fix it, then migrate",
    ),
]


@pytest.mark.parametrize(("text", "problem"), UNMIGRATABLE)
def test_migrate_refuses_what_it_cannot_migrate_in_one_line(
    text: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_invoke: CliInvoke
) -> None:
    (tmp_path / "incidents").mkdir()
    record = tmp_path / "incidents" / "bad.yaml"
    record.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (["migrate"], ["migrate", "--check"]):
        result = cli_invoke(*args, exit_code=1)
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"incidents/bad.yaml:{problem}",
            "1 problem in 1 file",
        ]
        assert record.read_text(encoding="utf-8") == text


def test_migrate_never_prints_a_traceback(tmp_path: Path) -> None:
    # In a real process, every refusal above at once, and a file that is not UTF-8.
    (tmp_path / "incidents").mkdir()
    for number, (text, _) in enumerate(UNMIGRATABLE):
        (tmp_path / "incidents" / f"bad{number}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "incidents" / "latin.yaml").write_bytes(b"id: caf\xe9\n")
    done = subprocess.run(
        [sys.executable, "-m", "nexus_pm", "migrate"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    count = len(UNMIGRATABLE) + 1
    assert lines[-1] == f"{count} problems in {count} files"
    assert lines[-2] == "incidents/latin.yaml:1: file: is not valid UTF-8 (byte 0xe9)"
    assert all(line.startswith("incidents/bad") for line in lines[:-2])
