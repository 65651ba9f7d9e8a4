"""The composite action (action.yml): its steps' scripts, run as a runner would run them, on a
knowledge base that `nexus-pm init` made: validate, check with SARIF, build, fail on findings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
# What the runner's github context holds for a push to main of example/kb.
GITHUB = {
    "server_url": "https://github.com",
    "repository": "example/kb",
    "event.repository.default_branch": "main",
}


def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


class Run:
    """One run of the action: each step's exit code and outputs, and the action's outputs."""

    def __init__(self, workspace: Path, inputs: dict[str, str]) -> None:
        spec = action()
        declared = spec["inputs"]
        assert set(inputs) <= set(declared), set(inputs) - set(declared)
        self.inputs = {k: str(v.get("default", "")) for k, v in declared.items()} | inputs
        self.steps: dict[str, dict[str, str]] = {}
        self.codes: list[tuple[str, int, str]] = []
        for number, step in enumerate(spec["runs"]["steps"]):
            # The action's steps run one after another until one fails; none has an `if`.
            assert "if" not in step and step["shell"] == "bash", step
            code, output = self.step(workspace, step, workspace / f"output-{number}")
            self.codes.append((step["name"], code, output))
            if code:
                break
        self.outputs = {k: self.expand(v["value"]) for k, v in spec["outputs"].items()}

    def expand(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            context, _, name = match[1].partition(".")
            if context == "inputs":
                return self.inputs[name]
            if context == "github":
                return GITHUB[name]
            assert context == "steps", match[0]
            step, _, output = name.partition(".outputs.")
            return self.steps.get(step, {}).get(output, "")

        return EXPRESSION.sub(value, str(text))

    def step(self, workspace: Path, step: dict[str, Any], output: Path) -> tuple[int, str]:
        output.write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        # The job set up Python with nexus-pm installed: this test's own environment.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        env.update(GITHUB_OUTPUT=str(output), GITHUB_ACTION_PATH=str(ROOT))
        env.update({k: self.expand(v) for k, v in step.get("env", {}).items()})
        # The runner's own command line for `shell: bash`.
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace / self.expand(step.get("working-directory", ".")),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if "id" in step:
            lines = output.read_text().splitlines()
            self.steps[step["id"]] = dict(line.split("=", 1) for line in lines)
        return done.returncode, done.stdout + done.stderr

    @property
    def failed(self) -> str | None:
        """The name of the step that failed, if any."""
        return next((name for name, code, _ in self.codes if code), None)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace whose `kb/` folder is a knowledge base made by `nexus-pm init`."""
    done = subprocess.run(
        [sys.executable, "-m", "nexus_pm", "init", "--no-input", str(tmp_path / "kb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return tmp_path


INPUTS = {"install": "none", "working-directory": "kb"}


def sarif_results(path: Path) -> list[dict[str, Any]]:
    runs = json.loads(path.read_text(encoding="utf-8"))["runs"]
    return [result for run in runs for result in run["results"]]


def test_a_clean_knowledge_base_validates_checks_and_builds(workspace: Path) -> None:
    run = Run(workspace, INPUTS)
    assert run.failed is None, run.codes
    assert run.outputs == {"sarif": "kb/nexus-pm.sarif", "findings": "0", "site-dir": "kb/site"}
    assert sarif_results(workspace / "kb" / "nexus-pm.sarif") == []
    assert (workspace / "kb" / "site" / "index.html").is_file()
    # The addresses come from the github context, not from mkdocs.yml's placeholders.
    page = (workspace / "kb" / "site" / "index.html").read_text(encoding="utf-8")
    assert "https://github.com/example/kb" in page


def test_the_site_url_input_reaches_the_build(workspace: Path) -> None:
    run = Run(workspace, INPUTS | {"site-url": "https://example.github.io/kb"})
    assert run.failed is None, run.codes
    sitemap = (workspace / "kb" / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.github.io/kb/</loc>" in sitemap


def test_findings_are_written_as_sarif_and_the_site_built_before_failing(
    workspace: Path,
) -> None:
    (workspace / "kb" / "app.Dockerfile").write_text("FROM python:3.11-slim\nUSER root\n")
    (workspace / "kb" / "vendor").mkdir()
    (workspace / "kb" / "vendor" / "Dockerfile").write_text("FROM python:3.11-slim\nUSER root\n")
    run = Run(workspace, INPUTS | {"check-paths": "app.Dockerfile\n", "sarif": "out/scan.sarif"})
    assert run.failed == "Fail on findings", run.codes
    assert "app.Dockerfile:2: dockerfile/root-user" in run.codes[2][2]
    # Only the paths given were checked: the vendored Dockerfile is not among the results.
    results = sarif_results(workspace / "kb" / "out" / "scan.sarif")
    where = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert where == ["app.Dockerfile"]
    assert run.outputs["findings"] == "1"
    assert run.outputs["sarif"] == "kb/out/scan.sarif"
    assert (workspace / "kb" / "site" / "index.html").is_file()


def test_a_broken_record_fails_at_validation_and_writes_nothing(workspace: Path) -> None:
    (workspace / "kb" / "incidents" / "bad.yaml").write_text("format: 2\nid: INC-0009\n")
    run = Run(workspace, INPUTS)
    assert run.failed == "Validate records", run.codes
    assert "incidents/bad.yaml:1: title: Field required" in run.codes[1][2]
    assert not (workspace / "kb" / "nexus-pm.sarif").exists()
    assert not (workspace / "kb" / "site").exists()


def test_no_sarif_and_no_site_when_those_inputs_are_empty(workspace: Path) -> None:
    run = Run(workspace, INPUTS | {"sarif": "", "site-dir": ""})
    assert run.failed is None, run.codes
    assert run.outputs == {"sarif": "", "findings": "", "site-dir": ""}
    assert sorted(p.name for p in (workspace / "kb").iterdir() if p.suffix == ".sarif") == []
    assert not (workspace / "kb" / "site").exists()


def test_every_input_is_described_and_reaches_scripts_only_through_env() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    for name, declared in spec["inputs"].items():
        assert declared["description"].strip(), name
    used: set[str] = set()
    for step in spec["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]
        for value in [*step.get("env", {}).values(), step.get("working-directory", "")]:
            used |= {m[1].removeprefix("inputs.") for m in EXPRESSION.finditer(str(value))}
    assert set(spec["inputs"]) <= used, set(spec["inputs"]) - used
