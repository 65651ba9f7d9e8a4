"""The command line: exit codes, messages, and `python -m nexus_pm`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, CliInvoke


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
