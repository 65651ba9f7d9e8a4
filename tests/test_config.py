"""Project settings in `[tool.nexus-pm]`: read into the validation context, every problem on its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from nexus_pm.config import Settings, key_lines, load_settings, settings_from_mapping
from nexus_pm.errors import NexusError
from nexus_pm.models import Incident
from nexus_pm.record_types import DEFAULT_SEVERITIES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the working directory so problems name `pyproject.toml`."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings(root: Path, text: str) -> Settings:
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return load_settings(root)


def problems(root: Path, text: str) -> list[str]:
    with pytest.raises(NexusError) as caught:
        settings(root, text)
    return [str(problem) for problem in caught.value.problems]


def record(**fields: Any) -> dict[str, Any]:
    base = {
        "format": 2,
        "id": "INC-0042",
        "title": "Down",
        "summary": "It broke.",
        "date": "2025-03-09",
    }
    return base | fields


def test_no_pyproject_and_no_table_mean_defaults(root: Path) -> None:
    assert load_settings(root) == Settings()
    assert settings(root, '[project]\nname = "x"\n') == Settings()
    assert settings(root, "[tool.ruff]\nline-length = 100\n") == Settings()
    assert Settings().context() == {"severities": list(DEFAULT_SEVERITIES)}


def test_the_check_table_belongs_to_check_and_is_left_alone(root: Path) -> None:
    assert settings(root, '[tool.nexus-pm.check]\nexclude = ["x/**"]\n') == Settings()
    assert load_settings(ROOT) == Settings()  # this repo's own pyproject.toml


def test_a_team_scale_is_read_in_order_worst_first(root: Path) -> None:
    text = '[tool.nexus-pm]\nseverities = ["P0", "P1", "P2", "P3", "P4"]\n'
    read = settings(root, text)
    assert read.severities == ("P0", "P1", "P2", "P3", "P4")
    assert read.context() == {"severities": ["P0", "P1", "P2", "P3", "P4"]}


def test_services_and_tags_are_read(root: Path) -> None:
    text = (
        "[tool.nexus-pm]\n"
        'services = ["voice-service", "auth-service"]\n'
        'tags = ["docker", "python3.11"]\n'
        "\n[tool.nexus-pm.check]\nexclude = []\n"
    )
    read = settings(root, text)
    assert read == Settings(
        services=("voice-service", "auth-service"), tags=("docker", "python3.11")
    )
    assert read.context() == {
        "severities": list(DEFAULT_SEVERITIES),
        "services": ["voice-service", "auth-service"],
        "tags": ["docker", "python3.11"],
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'severities = "P0"',
            "tool.nexus-pm.severities: must be a list of severity names, worst first (got 'P0')",
        ),
        (
            "severities = []",
            "tool.nexus-pm.severities: must name at least one severity, the worst first",
        ),
        (
            'severities = ["P0", "P1", "P0"]',
            "tool.nexus-pm.severities.2: 'P0' is already listed as item 0",
        ),
        ('severities = ["P0", 1]', "tool.nexus-pm.severities.1: must be a string (got 1)"),
        ('severities = ["P0", ""]', "tool.nexus-pm.severities.1: must not be empty"),
        (
            'severities = [" P0"]',
            "tool.nexus-pm.severities.0: must not begin or end with whitespace (got ' P0')",
        ),
        (
            f'severities = ["{"S" * 41}"]',
            f"tool.nexus-pm.severities.0: must be at most 40 characters (got '{'S' * 35}...')",
        ),
        ("services = true", "tool.nexus-pm.services: must be a list of slugs (got true)"),
        ("tags = { a = 1 }", "tool.nexus-pm.tags: must be a list of slugs (got a table)"),
        (
            'services = ["voice-service", "Voice Service"]',
            "tool.nexus-pm.services.1: must be a slug: lowercase letters, digits, '.', '_' or '-',"
            " at most 63 (got 'Voice Service')",
        ),
        ('tags = ["docker", 3.5]', "tool.nexus-pm.tags.1: must be a string (got 3.5)"),
        (
            'tags = ["docker", "docker"]',
            "tool.nexus-pm.tags.1: 'docker' is already listed as item 0",
        ),
        (
            'severites = ["P0"]',
            "tool.nexus-pm.severites: unknown setting; did you mean 'severities'?",
        ),
        (
            "colour = 1",
            "tool.nexus-pm.colour: unknown setting;"
            " expected one of 'severities', 'services', 'tags', 'check'",
        ),
    ],
)
def test_each_bad_value_is_named_on_its_line(root: Path, body: str, expected: str) -> None:
    text = f'[project]\nname = "x"\n\n[tool.nexus-pm]\n# The scale.\n{body}\n'
    assert problems(root, text) == [f"pyproject.toml:6: {expected}"]


def test_a_setting_that_is_not_a_table(root: Path) -> None:
    text = '[project]\nname = "x"\n\n[tool]\nnexus-pm = 3\n'
    assert problems(root, text) == ["pyproject.toml:5: tool.nexus-pm: must be a table"]
    dotted = '[project]\nname = "x"\n[tool.ruff]\nx = 1\n'
    text = f"tool.nexus-pm = 3\n{dotted}"
    assert problems(root, text) == ["pyproject.toml:1: tool.nexus-pm: must be a table"]
    text = 'tool = "everything"\n[project]\nname = "x"\n'
    assert problems(root, text) == ["pyproject.toml:1: tool: must be a table"]


def test_a_toml_syntax_error_names_its_line(root: Path) -> None:
    text = '[project]\nname = "x"\n\n[tool.nexus-pm]\nseverities = [P0]\n'
    assert problems(root, text) == [
        "pyproject.toml:5: toml: cannot be read: Invalid value (at line 5, column 15)"
    ]


def test_every_problem_is_reported_at_once(root: Path) -> None:
    text = (
        "[tool.nexus-pm]\n"
        'severities = ["P0", "P0", 7]\n'
        "\n"
        '"services" = "voice-service"\n'
        "tag = []\n"
        "\n[tool.nexus-pm.check]\nexclude = []\n"
    )
    assert problems(root, text) == [
        "pyproject.toml:2: tool.nexus-pm.severities.1: 'P0' is already listed as item 0",
        "pyproject.toml:2: tool.nexus-pm.severities.2: must be a string (got 7)",
        "pyproject.toml:4: tool.nexus-pm.services: must be a list of slugs (got 'voice-service')",
        "pyproject.toml:5: tool.nexus-pm.tag: unknown setting; did you mean 'tags'?",
    ]


def test_a_key_in_an_inline_table_falls_back_to_the_table_line(root: Path) -> None:
    text = '[project]\nname = "x"\n[tool]\nnexus-pm = { severities = [], services = [1] }\n'
    assert problems(root, text) == [
        "pyproject.toml:4: tool.nexus-pm.services.0: must be a string (got 1)",
        "pyproject.toml:4: tool.nexus-pm.severities: must name at least one severity, the worst first",
    ]


def test_key_lines_follow_tables_and_dotted_keys() -> None:
    text = '[tool . "nexus-pm"]  # ours\nseverities = [\n  "P0",\n]\ncheck.exclude = []\n'
    lines = key_lines(text)
    assert lines["tool.nexus-pm"] == 1
    assert lines["tool.nexus-pm.severities"] == 2
    assert lines["tool.nexus-pm.check.exclude"] == 5


def test_a_plugin_config_goes_through_the_same_checks() -> None:
    def line_of(key: str) -> int:
        return {"severities": 12, "tags": 14}.get(key, 10)

    read = settings_from_mapping(
        {"severities": ["P1", "P2"], "services": None}, "mkdocs.yml", line_of, prefix="nexus-pm"
    )
    assert read == Settings(severities=("P1", "P2"))
    with pytest.raises(NexusError) as caught:
        settings_from_mapping(
            {"severities": [], "tags": ["A"], "check": {}}, "mkdocs.yml", line_of, prefix="nexus-pm"
        )
    assert [str(p) for p in caught.value.problems] == [
        "mkdocs.yml:10: nexus-pm.check: unknown setting; expected one of 'severities', 'services', 'tags'",
        "mkdocs.yml:12: nexus-pm.severities: must name at least one severity, the worst first",
        "mkdocs.yml:14: nexus-pm.tags.0: must be a slug: lowercase letters, digits, '.', '_' or '-',"
        " at most 63 (got 'A')",
    ]


def test_the_settings_feed_record_validation(root: Path) -> None:
    text = '[tool.nexus-pm]\nseverities = ["P0", "P1", "P2", "P3", "P4"]\nservices = ["voice-service"]\n'
    context = settings(root, text).context()
    incident = Incident.model_validate(
        record(severity="P1", services=["voice-service"]), context=context
    )
    assert incident.severity == "P1"
    with pytest.raises(ValidationError) as caught:
        Incident.model_validate(record(services=["voice-servce"]), context=context)
    assert "'voice-servce' is not a known service; did you mean 'voice-service'?" in str(
        caught.value
    )
    with pytest.raises(ValidationError) as caught:
        Incident.model_validate(record(severity="SEV1"), context=context)
    assert "'SEV1' is not on the severity scale (P0, P1, P2, P3, P4)" in str(caught.value)
