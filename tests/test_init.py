"""`nexus-pm init`: a knowledge base that validates and builds, and never a file overwritten."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.yaml import get_yaml_loader

from nexus_pm import init
from nexus_pm.config import Settings, load_settings
from nexus_pm.reference import json_schema_text
from nexus_pm.validate import load_records

from .conftest import CliInvoke, tree

EXPECTED = {
    "mkdocs.yml",
    "docs/index.md",
    "README.md",
    "requirements.txt",
    ".github/workflows/pages.yml",
    ".pre-commit-config.yaml",
    ".vscode/settings.json",
    ".gitignore",
    "schemas/incident.schema.json",
    "incidents/example-report-exports-fail.yaml",
}


def listed(output: str, word: str) -> set[str]:
    return {
        line.split(" ", 1)[1].split(" (")[0]
        for line in output.splitlines()
        if line.startswith(f"{word} ")
    }


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_makes_a_knowledge_base_that_validates_and_builds(
    here: Path, cli_invoke: CliInvoke
) -> None:
    result = cli_invoke("init", "kb", "--no-input")
    assert listed(result.stdout, "created") == {f"kb/{name}" for name in EXPECTED}
    kb = here / "kb"
    files = {p.relative_to(kb).as_posix() for p in kb.rglob("*") if p.is_file()}
    assert files == EXPECTED
    config = yaml.load((kb / "mkdocs.yml").read_text(), Loader=get_yaml_loader())
    assert config["site_name"] == "Kb"
    assert {"nexus-pm", "search"} <= {
        next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]
    }
    assert config["theme"]["name"] == "material"
    assert (kb / "schemas/incident.schema.json").read_text() == json_schema_text(Settings())
    # The default scale needs no settings: no pyproject.toml is written.
    assert not (kb / "pyproject.toml").exists()
    (record,) = load_records([kb / "incidents"], context=load_settings(kb).context())
    assert record.incident.status.value == "draft"
    assert record.incident.title.startswith("Example")
    assert record.incident.id == "INC-0001"


def test_the_example_is_left_out_of_the_built_site(
    here: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_invoke("init", "--no-input")
    cli_invoke(
        "new",
        "Disk full",
        "--severity",
        "SEV2",
        "--service",
        "api",
        "--status",
        "draft",
        "--no-input",
    )
    cli_invoke("validate")
    cli_invoke("build")
    assert (here / "site/index.html").is_file()
    assert not (here / "site/incidents/inc-0001").exists(), "a draft was published"
    cli_invoke("build", "--drafts")
    assert (here / "site/incidents/inc-0001/index.html").is_file()
    assert (here / "site/incidents/inc-0002/index.html").is_file()
    assert (here / "site/reference/schema/index.html").is_file()


def test_init_never_overwrites_and_lists_what_it_skipped(here: Path, cli_invoke: CliInvoke) -> None:
    (here / "README.md").write_text("our own readme\n")
    (here / "incidents").mkdir()
    (here / "incidents" / "mine.yaml").write_text("not even a record\n")
    result = cli_invoke("init", "--no-input")
    assert (here / "README.md").read_text() == "our own readme\n"
    assert (here / "incidents" / "mine.yaml").read_text() == "not even a record\n"
    skipped = listed(result.stdout, "skipped")
    assert skipped == {"README.md", "incidents/example-report-exports-fail.yaml"}
    assert listed(result.stdout, "created") == EXPECTED - skipped
    before = tree(here)
    again = cli_invoke("init", "--no-input")
    assert tree(here) == before
    assert listed(again.stdout, "created") == set()
    assert listed(again.stdout, "skipped") == EXPECTED


def test_another_scale_goes_into_a_new_pyproject(here: Path, cli_invoke: CliInvoke) -> None:
    cli_invoke("init", "--no-input", "--severities", "P0, P1, P2")
    settings = load_settings(here)
    assert settings.severities == ("P0", "P1", "P2")
    (record,) = load_records([here / "incidents"], context=settings.context())
    assert record.incident.severity in settings.severities
    cli_invoke("validate")
    # The schema editors read holds the same scale, and `schema --check` agrees it is current.
    schema = json.loads((here / "schemas/incident.schema.json").read_text())
    (graded,) = [b for b in schema["properties"]["severity"]["anyOf"] if "enum" in b]
    assert graded["enum"] == ["P0", "P1", "P2"]
    cli_invoke("schema", "--output", "schemas/incident.schema.json", "--check")


def test_an_existing_pyproject_is_kept_and_the_table_shown(
    here: Path, cli_invoke: CliInvoke
) -> None:
    text = '[project]\nname = "ours"\n'
    (here / "pyproject.toml").write_text(text)
    result = cli_invoke("init", "--no-input", "--severities", "P0,P1")
    assert (here / "pyproject.toml").read_text() == text
    assert "skipped pyproject.toml (exists)" in result.stdout
    shown = result.stderr.split("for your severity scale:\n", 1)[1]
    assert tomllib.loads(shown.split("\n\n")[0])["tool"]["nexus-pm"]["severities"] == ["P0", "P1"]


def test_prompts_ask_for_the_name_and_the_scale(here: Path, cli_invoke: CliInvoke) -> None:
    (here / "team-postmortems").mkdir()
    # A bad scale is asked again; an empty answer takes the default name.
    result = cli_invoke("init", "team-postmortems", "--input", input="\nA,,B\nA, B\n")
    assert "[Team postmortems]" in result.stderr
    assert "must not be empty" in result.stderr
    kb = here / "team-postmortems"
    assert yaml.safe_load((kb / "mkdocs.yml").read_text().split("\nsite_url")[0]) == {
        "site_name": "Team postmortems"
    }
    assert load_settings(kb).severities == ("A", "B")


def test_a_site_name_is_quoted_and_escaped(here: Path, cli_invoke: CliInvoke) -> None:
    name = 'Ops & SRE: `x` *y* [z](javascript:1) "q" #: {% raw %} {{ a }}'
    cli_invoke("init", "--no-input", "--site-name", name)
    head = (here / "mkdocs.yml").read_text().split("\nsite_url")[0]
    assert yaml.safe_load(head) == {"site_name": name}
    index = (here / "docs/index.md").read_text().splitlines()[0]
    assert "`" not in index and "[" not in index and "*" not in index
    cli_invoke("build")
    page = (here / "site/index.html").read_text()
    assert 'href="javascript' not in page and "<code>x</code>" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--site-name", ""), "--site-name: the value is empty"),
        (("--site-name", "a\nb"), "--site-name: the value must be one line"),
        (
            ("--site-name", "a</title>"),
            "--site-name: may not hold < or >: the theme writes the name into pages as it is",
        ),
        (("--severities", "S1,S1"), "--severities: item 2 'S1' is already listed as item 0"),
        (("--severities", ","), "--severities: item 1 must not be empty"),
    ],
)
def test_bad_values_are_one_line_and_write_nothing(
    here: Path, cli_invoke: CliInvoke, args: tuple[str, ...], message: str
) -> None:
    result = cli_invoke("init", "kb", "--no-input", *args, exit_code=2)
    assert result.stderr.strip() == f"nexus-pm init: {message}"
    assert not (here / "kb").exists()


def test_a_file_in_the_way_is_refused(here: Path, cli_invoke: CliInvoke) -> None:
    (here / "kb").write_text("a file\n")
    result = cli_invoke("init", "kb", "--no-input", exit_code=2)
    assert result.stderr.strip() == "nexus-pm init: DIR: kb is not a folder"


def test_the_default_site_name_comes_from_the_folder() -> None:
    assert init.default_site_name(Path("/x/sre_postmortems")) == "Sre postmortems"
