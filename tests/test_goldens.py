"""The golden mechanism itself: comparing, renewing, dropping stale files, keeping case files whole."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .goldens import CaseFile, check_golden, check_tree, read_tree

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def renewing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPDATE_GOLDEN", "1")


@pytest.fixture
def comparing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)


def test_single_file_compares_and_renews(tmp_path: Path, comparing: None) -> None:
    path = tmp_path / "out.txt"
    path.write_text("one\ntwo\n", encoding="utf-8")
    check_golden(path, "one\ntwo\n")
    with pytest.raises(AssertionError, match=r"(?s)out\.txt differs.*-two\n\+three"):
        check_golden(path, "one\nthree\n")
    with pytest.raises(AssertionError, match="missing"):
        check_golden(tmp_path / "absent.txt", "x")


def test_single_file_renewal_writes_exact_bytes(tmp_path: Path, renewing: None) -> None:
    path = tmp_path / "new" / "out.txt"
    check_golden(path, "crlf\r\nstays\n")
    assert path.read_bytes() == b"crlf\r\nstays\n"


def test_tree_renewal_drops_stale_files_and_folders(tmp_path: Path, renewing: None) -> None:
    (tmp_path / "gone" / "deep").mkdir(parents=True)
    (tmp_path / "gone" / "deep" / "old.md").write_text("old", encoding="utf-8")
    (tmp_path / "kept.md").write_text("before", encoding="utf-8")
    check_tree(tmp_path, {"kept.md": "after", "sub/new.md": "new"})
    assert read_tree(tmp_path) == {"kept.md": "after", "sub/new.md": "new"}
    assert not (tmp_path / "gone").exists()


def test_tree_compares_the_set_of_files_and_each_text(tmp_path: Path, comparing: None) -> None:
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "stale.md").write_text("s", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"missing \['b\.md'\], stale \['stale\.md'\]"):
        check_tree(tmp_path, {"a.md": "a", "b.md": "b"})
    (tmp_path / "stale.md").unlink()
    with pytest.raises(AssertionError, match=r"a\.md differs"):
        check_tree(tmp_path, {"a.md": "changed"})
    check_tree(tmp_path, {"a.md": "a"})


def test_case_file_renewal_keeps_header_and_other_cases(tmp_path: Path, renewing: None) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "# What these cases are.\n"
        "- name: first\n  input: 1\n  errors:\n  - old\n"
        "- name: second\n  input: 2\n  errors:\n  - kept\n",
        encoding="utf-8",
    )
    cases = CaseFile(path, key="errors")
    cases.check(cases.cases[0], ["new"])
    assert path.read_text(encoding="utf-8").startswith("# What these cases are.\n- name: first\n")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == [
        {"name": "first", "input": 1, "errors": ["new"]},
        {"name": "second", "input": 2, "errors": ["kept"]},
    ]


def test_case_file_compares_without_writing(tmp_path: Path, comparing: None) -> None:
    path = tmp_path / "cases.yaml"
    text = "- name: only\n  errors:\n  - expected\n"
    path.write_text(text, encoding="utf-8")
    cases = CaseFile(path, key="errors")
    cases.check(cases.cases[0], ["expected"])
    with pytest.raises(AssertionError, match=r"(?s)only differs.*\+got"):
        cases.check(cases.cases[0], ["got"])
    assert path.read_text(encoding="utf-8") == text


def case_files() -> list[Path]:
    """Golden YAML files that are lists of named cases (records are mappings)."""
    return [
        path
        for path in sorted(GOLDEN.rglob("*.yaml"))
        if isinstance(found := yaml.safe_load(path.read_text(encoding="utf-8")), list)
        and all(isinstance(case, dict) and "name" in case for case in found)
    ]


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.relative_to(GOLDEN).as_posix())
def test_case_files_are_as_renewal_writes_them(path: Path) -> None:
    # A hand edit in another YAML style would make every renewal rewrite the whole file.
    assert CaseFile(path, key="errors").dump() == path.read_text(encoding="utf-8")


def test_both_case_files_are_found() -> None:
    assert {p.relative_to(GOLDEN).as_posix() for p in case_files()} >= {
        "seed_errors.yaml",
        "check/validate_errors.yaml",
    }
