"""Golden files, whole trees and YAML case files; UPDATE_GOLDEN=1 rewrites them instead."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

RENEW = "UPDATE_GOLDEN=1 to renew"
TESTS = Path(__file__).resolve().parent


def updating() -> bool:
    """True when this run rewrites goldens instead of comparing with them."""
    # Read on every call, not at import, so that a test can switch it with monkeypatch.
    return bool(os.environ.get("UPDATE_GOLDEN"))


def _write(path: Path, text: str) -> None:
    # Only a changed file is written, so a renewal touches nothing it does not change.
    if path.is_file() and _read(path) == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def _read(path: Path) -> str:
    # Bytes, not read_text: universal newlines would hide a stray carriage return.
    return path.read_bytes().decode("utf-8")


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(TESTS).as_posix()
    except ValueError:
        return path.name


def _differs(what: str, expected: Any, actual: Any) -> str:
    """A failure message with a unified diff: this module's asserts are not rewritten by pytest."""
    if isinstance(expected, str) and isinstance(actual, str):
        old, new = expected.splitlines(keepends=True), actual.splitlines(keepends=True)
    elif isinstance(expected, list) and isinstance(actual, list):
        old, new = [f"{x}\n" for x in expected], [f"{x}\n" for x in actual]
    else:
        old, new = [f"{expected!r}\n"], [f"{actual!r}\n"]
    diff = "".join(difflib.unified_diff(old, new, "golden", "actual"))
    return f"{what} differs; {RENEW}\n{diff}"


def check_golden(path: Path, actual: str) -> None:
    """`path` holds exactly `actual`."""
    if updating():
        _write(path, actual)
    assert path.is_file(), f"{_shown(path)} is missing; {RENEW}"
    expected = _read(path)
    assert actual == expected, _differs(_shown(path), expected, actual)


def read_tree(folder: Path) -> dict[str, str]:
    """Every file under `folder`, by its POSIX path relative to `folder`."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): _read(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def check_tree(folder: Path, actual: Mapping[str, str]) -> None:
    """`folder` holds exactly the files of `actual` (relative POSIX path to text), no more."""
    if updating():
        for rel in set(read_tree(folder)) - set(actual):
            (folder / rel).unlink()
        # Deepest first, so that a folder emptied of folders goes too.
        for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            if not any(sub.iterdir()):
                sub.rmdir()
        for rel, text in actual.items():
            _write(folder / rel, text)
    found = read_tree(folder)
    missing, extra = sorted(set(actual) - set(found)), sorted(set(found) - set(actual))
    shown = _shown(folder)
    assert not missing and not extra, f"{shown}/: missing {missing}, stale {extra}; {RENEW}"
    for rel, text in actual.items():
        assert text == found[rel], _differs(f"{shown}/{rel}", found[rel], text)


class CaseFile:
    """A YAML list of cases, each with a `name`, its inputs and its expected output under `key`.

    The comment lines at the top of the file are kept as they are on renewal.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        text = _read(path)
        lines = text.splitlines(keepends=True)
        body = next((n for n, line in enumerate(lines) if not line.startswith("#")), len(lines))
        self.header = "".join(lines[:body])
        self.cases: list[dict[str, Any]] = yaml.safe_load(text) or []
        names = self.ids()
        assert len(set(names)) == len(names), f"{path.name}: case names must be unique"

    def ids(self) -> list[str]:
        return [str(case["name"]) for case in self.cases]

    def dump(self) -> str:
        # Never folded: each expected line stays one line, to read and to grep.
        body = yaml.safe_dump(self.cases, sort_keys=False, allow_unicode=True, width=1_000_000)
        return self.header + body

    def check(self, case: dict[str, Any], actual: Any) -> None:
        """`case` expects `actual`; when renewing, store it and rewrite the whole file."""
        if updating():
            # `case` is one of self.cases, so the file keeps every case renewed so far.
            case[self.key] = actual
            _write(self.path, self.dump())
        expected = case[self.key]
        assert actual == expected, _differs(
            f"{_shown(self.path)}: {case['name']}", expected, actual
        )
