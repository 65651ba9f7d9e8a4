"""The pre-commit hooks in .pre-commit-hooks.yaml, run by `pre-commit try-repo` on a repo made by init.

pre-commit installs this project into a hook environment of its own, from PyPI, as it
would for any team that uses the hooks; the environment is made once for the module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .components import need
from .conftest import ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "nexus-pm tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "nexus-pm tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def pre_commit() -> list[str] | None:
    found = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    return [found] if found else None


def run(*command: str | Path, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def git(*args: str, cwd: Path, home: Path) -> None:
    done = run("git", *args, cwd=cwd, home=home)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """A committed copy of what pre-commit installs (the package and the hooks), its commit."""
    need("git", shutil.which("git") is not None, "no git on PATH")
    need("pre-commit", pre_commit() is not None, "pre-commit is not installed (the test extra)")
    home = tmp_path_factory.mktemp("pre-commit-home")
    repo = tmp_path_factory.mktemp("hooks")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(
        ROOT / "nexus_pm", repo / "nexus_pm", ignore=shutil.ignore_patterns("__pycache__")
    )
    git("init", "-q", "-b", "main", cwd=repo, home=home)
    git("add", ".", cwd=repo, home=home)
    git("commit", "-q", "-m", "hooks", cwd=repo, home=home)
    head = run("git", "rev-parse", "HEAD", cwd=repo, home=home).stdout.strip()
    return repo, head, home


def knowledge_base(folder: Path, home: Path, *, record: str | None, dockerfile: str) -> Path:
    """A git repo made by `nexus-pm init`, with a Dockerfile and maybe one more record, staged."""
    made = run(
        sys.executable, "-m", "nexus_pm", "init", folder, "--no-input", cwd=folder.parent, home=home
    )
    assert made.returncode == 0, made.stderr
    (folder / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    if record is not None:
        (folder / "incidents" / "broken.yaml").write_text(record, encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=folder, home=home)
    git("add", ".", cwd=folder, home=home)
    return folder


GOOD_DOCKERFILE = "FROM python:3.12-slim\nRUN useradd app\nUSER app\n"
CASES = {
    "clean": (None, GOOD_DOCKERFILE),
    "root-dockerfile": (None, "FROM python:3.12-slim\n"),
    "broken-record": (
        "format: 2\nid: INC-0009\ntitle: Broken\nsumary: typo\ndate: 2024-01-01\n",
        GOOD_DOCKERFILE,
    ),
}


@pytest.fixture(scope="module")
def runs(
    hooks_repo: tuple[Path, str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[int, str]]:
    """`pre-commit try-repo --all-files` on each case, by name: exit code and output.

    try-repo installs the hooks' environment anew on every run, from PyPI, so the
    cases run side by side rather than one after another.
    """
    repo, head, home = hooks_repo
    command = pre_commit()
    assert command is not None
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    started = {}
    for name, (record, dockerfile) in CASES.items():
        kb = knowledge_base(
            tmp_path_factory.mktemp(name) / "kb", home, record=record, dockerfile=dockerfile
        )
        started[name] = subprocess.Popen(
            [*command, "try-repo", str(repo), "--ref", head, "--all-files"],
            cwd=kb,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    outputs = {name: p.communicate()[0] for name, p in started.items()}
    return {name: (started[name].returncode, output) for name, output in outputs.items()}


def results(output: str) -> dict[str, str]:
    """Each hook's name and its verdict, from pre-commit's `name.....Passed` lines."""
    found = {}
    for line in output.splitlines():
        name, dots, verdict = line.partition("...")
        if dots and name.startswith("nexus-pm "):
            found[name] = verdict.rsplit(".", 1)[-1].rsplit(")", 1)[-1]
    return found


def test_the_hooks_file_offers_validate_and_check() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"nexus-pm-validate", "nexus-pm-check"}
    assert hooks["nexus-pm-validate"]["files"] == r"^incidents/.*\.ya?ml$"
    assert all(h["pass_filenames"] and h["language"] == "python" for h in hooks.values())


def test_both_hooks_pass_on_a_knowledge_base_made_by_init(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["clean"]
    assert code == 0, output
    assert results(output) == {"nexus-pm validate": "Passed", "nexus-pm check": "Passed"}, output


def test_the_check_hook_fails_on_a_dockerfile_that_repeats_the_example(
    runs: dict[str, tuple[int, str]],
) -> None:
    code, output = runs["root-dockerfile"]
    assert code == 1, output
    assert results(output) == {"nexus-pm validate": "Passed", "nexus-pm check": "Failed"}, output
    assert "Dockerfile:1: dockerfile/root-user:" in output


def test_the_hooks_fail_on_a_broken_record(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["broken-record"]
    assert code == 1, output
    assert results(output) == {"nexus-pm validate": "Failed", "nexus-pm check": "Failed"}, output
    assert "incidents/broken.yaml:4: sumary: unknown field; did you mean 'summary'?" in output
