"""The match cache: the same answers and the same problems as without it, fewer records read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from nexus_pm import loader
from nexus_pm.seen import index_records
from nexus_pm.signature_store import index_data, index_of
from nexus_pm.validate import load_records

from .components import need
from .conftest import ROOT, CliInvoke
from .match_cases import CONTAINER_LOG, RECORD_PATHS, TABLE, TRACEBACK
from .test_bench import _synth

RULES_REPO = ROOT / "tests" / "fixtures" / "rules" / "repo"
# Every pasted error of the test set, a container log and a traceback, in one paste.
PASTE = "\n".join([*(row.text for row in TABLE), CONTAINER_LOG, TRACEBACK])


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files validated in full, in order: each goes through parse_incident."""
    seen: list[str] = []
    parse = loader.parse_incident

    def counted(text: str, path: Path | str, context: Any = None) -> Any:
        seen.append(Path(path).name)
        return parse(text, path, context)

    monkeypatch.setattr(loader, "parse_incident", counted)
    return seen


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test set's records (seed, real postmortems, matching fixtures) in one incidents/."""
    root = tmp_path / "kb"
    (root / "incidents").mkdir(parents=True)
    for folder in RECORD_PATHS:
        for path in sorted(folder.glob("*.yaml")):
            shutil.copy2(path, root / "incidents" / path.name)
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    monkeypatch.chdir(root)
    return root


def cache_files(root: Path) -> list[Path]:
    """The entries file, then the whole index's file."""
    return sorted((root / ".cache" / "nexus-pm").glob("match-*.json"), key=lambda p: len(p.name))


def answers(cli_invoke: CliInvoke, *options: str, exit_code: int = 0) -> tuple[str, str]:
    """The JSON and the text that `match` prints for PASTE."""
    found = cli_invoke(
        "match", "--json", "--limit", "50", *options, input=PASTE, exit_code=exit_code
    )
    text = cli_invoke("match", "--limit", "50", *options, input=PASTE, exit_code=exit_code)
    return found.stdout, text.stdout


def fails(cli_invoke: CliInvoke, *options: str) -> Result:
    return cli_invoke("match", *options, input=PASTE, exit_code=2)


def test_the_same_answers_with_and_without_the_cache(
    kb: Path, cli_invoke: CliInvoke, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    without = answers(cli_invoke, "--no-cache")
    assert not (kb / ".cache").exists()
    monkeypatch.setenv("NEXUS_PM_CACHE", "0")
    assert answers(cli_invoke) == without
    assert not (kb / ".cache").exists()
    monkeypatch.delenv("NEXUS_PM_CACHE")
    reads.clear()
    cold = answers(cli_invoke)
    assert len(reads) == len(list((kb / "incidents").glob("*.yaml")))
    assert len(cache_files(kb)) == 2
    reads.clear()
    assert cold == answers(cli_invoke) == without
    assert reads == []
    assert len(json.loads(without[0])) > 10


def test_synthetic_records_drafts_included(
    tmp_path: Path, cli_invoke: CliInvoke, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _synth().write(tmp_path / "incidents", 60, seed=3)
    monkeypatch.chdir(tmp_path)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("incidents/*.yaml"))]
    assert any("status: draft" in text for text in texts)
    log = "\n".join(line for text in texts for line in text.splitlines() if "Error" in line)
    without = cli_invoke("match", "--json", "--no-cache", "--limit", "100", input=log).stdout
    cold = cli_invoke("match", "--json", "--limit", "100", input=log).stdout
    reads.clear()
    warm = cli_invoke("match", "--json", "--limit", "100", input=log).stdout
    assert reads == []
    assert without == cold == warm
    assert len(json.loads(warm)) > 5


def test_an_edited_record_alone_is_read_again(
    kb: Path, cli_invoke: CliInvoke, reads: list[str]
) -> None:
    answers(cli_invoke)
    seed = kb / "incidents" / "2025-11-09-voice-service-no-module-named-uvicorn.yaml"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("Voice service down", "Voice service gone"), encoding="utf-8")
    reads.clear()
    found, _ = answers(cli_invoke)
    assert reads == [seed.name]  # the first run read it and kept it; the second reads none
    assert "Voice service gone" in found
    reads.clear()
    assert answers(cli_invoke) == answers(cli_invoke, "--no-cache")
    assert reads.count(seed.name) == 2  # only the two runs without the cache read it
    (kb / "incidents" / "2025-11-09-voice-service-no-module-named-uvicorn.yaml").unlink()
    reads.clear()
    gone, _ = answers(cli_invoke)
    assert reads == [] and "INC-0001" not in gone


BAD_EDITS = {
    "schema": ("date: 2025-11-09", "date: 2025-13-45"),
    "placeholder": ('title: "Voice', 'title: "TODO: Voice'),
    "pattern": ('  - "--user"', '  - "*"'),
    "duplicate id": ("id: INC-0001", "id: INC-0101"),
    "related id": ("related:\n", "related:\n  incidents: [INC-0999]\n"),
}


@pytest.mark.parametrize("edit", BAD_EDITS, ids=list(BAD_EDITS))
def test_an_invalid_record_is_reported_as_without_the_cache(
    kb: Path, cli_invoke: CliInvoke, edit: str
) -> None:
    answers(cli_invoke)
    seed = kb / "incidents" / "2025-11-09-voice-service-no-module-named-uvicorn.yaml"
    old, new = BAD_EDITS[edit]
    text = seed.read_text(encoding="utf-8")
    assert old in text
    seed.write_text(text.replace(old, new, 1), encoding="utf-8")
    without = fails(cli_invoke, "--no-cache")
    assert without.stderr.startswith("incidents/")
    for _ in range(2):  # and again: a record found invalid is not kept
        assert (fails(cli_invoke).stdout, fails(cli_invoke).stderr) == (
            without.stdout,
            without.stderr,
        )


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"{",
        b"[]",
        b"\xff\xfe",
        b"[" * 100_000,
        b'{"format": 1, "key": 3, "inline": "", "files": []}',
        b'{"format": 99}',
    ],
    ids=["empty", "truncated", "list", "bytes", "deep", "shapes", "version"],
)
def test_a_corrupt_cache_is_ignored_and_rewritten(
    kb: Path, cli_invoke: CliInvoke, garbage: bytes
) -> None:
    before = answers(cli_invoke)
    entries, whole = cache_files(kb)
    whole.write_bytes(garbage)
    assert answers(cli_invoke) == before
    assert json.loads(whole.read_bytes())["format"] == 1
    entries.write_bytes(garbage)
    whole.unlink()
    assert answers(cli_invoke) == before
    assert json.loads(entries.read_bytes())["format"] == 1


def test_hand_made_entries_are_ignored(kb: Path, cli_invoke: CliInvoke, reads: list[str]) -> None:
    before = answers(cli_invoke)
    cache, whole = cache_files(kb)
    whole.unlink()
    data = json.loads(cache.read_bytes())
    entries = list(data["files"].values())
    entries[0]["lines"] = [[1, 2, 3]]
    entries[1]["title"] = None
    entries[2]["rules"] = "yes"
    entries[3].pop("fix")
    entries[4]["patterns"] = [["x", []]]  # no word to match on: the index cannot file it
    cache.write_text(json.dumps(data), encoding="utf-8")
    reads.clear()
    assert answers(cli_invoke) == before
    assert reads  # some were read again
    reads.clear()
    assert answers(cli_invoke) == before
    assert reads == []


HAND_MADE_INDEXES: dict[str, Callable[[dict[str, Any]], object]] = {
    "a posting past the end": lambda index: index["postings"].update(x=[10**6]),
    "a pattern's incident past the end": lambda index: index["patterns"][0].__setitem__(0, -1),
    "a weight as text": lambda index: index["entries"][0].__setitem__(4, "1.5"),
    "a token list": lambda index: index["entries"][0].__setitem__(2, ["a"]),
    "an entry too short": lambda index: index["entries"][0].pop(),
    "no idf": lambda index: index.pop("idf"),
    "an idf as text": lambda index: index["idf"].update(x="2"),
}


@pytest.mark.parametrize("change", HAND_MADE_INDEXES, ids=list(HAND_MADE_INDEXES))
def test_a_hand_made_whole_index_is_ignored(kb: Path, cli_invoke: CliInvoke, change: str) -> None:
    before = answers(cli_invoke)
    _, whole = cache_files(kb)
    data = json.loads(whole.read_bytes())
    HAND_MADE_INDEXES[change](data["index"])
    whole.write_text(json.dumps(data), encoding="utf-8")
    assert answers(cli_invoke) == before
    assert json.loads(whole.read_bytes()) != data


def test_the_whole_index_round_trips() -> None:
    index = index_records(load_records(list(RECORD_PATHS)))
    data = json.loads(json.dumps(index_data(index)))
    assert index_of(data) == index
    assert index_of(None) is None and index_of({"incidents": "x"}) is None


def test_a_symlinked_cache_folder_is_not_written_through(
    kb: Path, tmp_path: Path, cli_invoke: CliInvoke
) -> None:
    (outside := tmp_path / "outside").mkdir()
    (kb / ".cache").symlink_to(outside)
    before = answers(cli_invoke)
    assert list(outside.iterdir()) == []
    (kb / ".cache").unlink()
    (kb / ".cache").mkdir()
    (kb / ".cache" / "nexus-pm").symlink_to(outside)
    assert answers(cli_invoke) == before
    assert list(outside.iterdir()) == []


def test_a_symlinked_cache_file_is_replaced_not_followed(
    kb: Path, tmp_path: Path, cli_invoke: CliInvoke
) -> None:
    before = answers(cli_invoke)
    _, cache = cache_files(kb)
    target = tmp_path / "elsewhere.json"
    shutil.copy2(cache, target)
    kept = target.read_bytes()
    cache.unlink()
    cache.symlink_to(target)
    assert answers(cli_invoke) == before
    assert target.read_bytes() == kept
    assert not cache.is_symlink()


def test_a_cache_that_cannot_be_written_is_no_cache(
    kb: Path, cli_invoke: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in a read-only checkout (the tests may run as root, whom permissions do not stop).
    before = answers(cli_invoke, "--no-cache")

    def refuse(path: Path, text: str) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    with monkeypatch.context() as patched:
        patched.setattr("nexus_pm.match_cache.write_atomic", refuse)
        assert answers(cli_invoke) == before
    assert cache_files(kb) == []
    shutil.rmtree(kb / ".cache")
    (kb / ".cache").write_text("a file where the folder would be", encoding="utf-8")
    assert answers(cli_invoke) == before
    assert (kb / ".cache").is_file()


@pytest.fixture
def rules_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rules fixture: shared rules in rules/, and a record that writes one of its own."""
    monkeypatch.chdir(shutil.copytree(RULES_REPO, tmp_path / "repo"))
    return Path.cwd()


def test_rules_are_proved_as_without_the_cache(
    rules_repo: Path, cli_invoke: CliInvoke, reads: list[str]
) -> None:
    incidents = rules_repo / "incidents"
    writer = incidents / "2025-09-29-flags-connect-timeout.yaml"
    linker = incidents / "2023-02-14-eks-container-runtime.yaml"
    cli_invoke("match", input=PASTE, exit_code=1)
    reads.clear()
    cli_invoke("match", input=PASTE, exit_code=1)
    assert reads == []
    # A record that links a rule is proved again, beside the records that write rules.
    linker.write_text(linker.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    cli_invoke("match", input=PASTE, exit_code=1)
    assert sorted(reads) == sorted([linker.name, writer.name])
    # A changed rule, shared or written in a record, has every record proved again.
    for changed in (rules_repo / "rules" / "container-runtime.yaml", writer):
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        reads.clear()
        cli_invoke("match", input=PASTE, exit_code=1)
        assert len(reads) == 3
    # A fix that the linked rule does not pass is the problem it is without the cache.
    text = linker.read_text(encoding="utf-8")
    fixed = "--container-runtime dockerd\n"
    assert text.count(fixed) == 1
    linker.write_text(text.replace(fixed, "--container-runtime containerd\n"), encoding="utf-8")
    without = fails(cli_invoke, "--no-cache")
    assert "eks/container-runtime" in without.stderr
    assert fails(cli_invoke).stderr == without.stderr


def test_the_bench_runs_small() -> None:
    # bench/match.py at 30 incidents: only that it runs, and that the command prints the
    # same JSON without the cache, cold and warm; its times are read in bench/README.md.
    script = ROOT / "bench" / "match.py"
    options = ["--incidents", "30", "--lines", "300", "--runs", "1", "--command-runs", "1"]
    done = subprocess.run(
        [sys.executable, str(script), *options], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the same JSON without the cache, cold and warm: yes" in done.stdout


def test_a_cache_committed_to_git_is_not_trusted(kb: Path, cli_invoke: CliInvoke) -> None:
    need("git", shutil.which("git") is not None, "git is not on PATH")
    truth = answers(cli_invoke, "--no-cache")
    answers(cli_invoke)
    entries, whole = cache_files(kb)
    whole.unlink()
    data = json.loads(entries.read_bytes())
    for entry in data["files"].values():
        entry["title"] = "FORGED"
    entries.write_text(json.dumps(data), encoding="utf-8")
    # Well-formed and of this machine's making as far as its contents tell, it is believed...
    assert "FORGED" in answers(cli_invoke)[1]
    # ...but not once a change has committed it: a checkout brought it, no run here made it.
    entries.write_text(json.dumps(data), encoding="utf-8")
    for path in cache_files(kb)[1:]:
        path.unlink()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=kb, check=True)
    subprocess.run([*git, "add", "-f", ".cache/nexus-pm"], cwd=kb, check=True)
    subprocess.run([*git, "commit", "-qm", "cache"], cwd=kb, check=True)
    assert answers(cli_invoke) == truth
    assert json.loads(entries.read_bytes()) == data  # nor is it written over
