"""Golden files, trees and case files: compare output with them, or rewrite them with UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

RENEW = "UPDATE_GOLDEN=1 to renew"


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
    return path.read_text(encoding="utf-8")


def check_golden(path: Path, actual: str) -> None:
    """`path` holds exactly `actual`."""
    if updating():
        _write(path, actual)
    assert path.is_file(), f"{path.name} is missing; {RENEW}"
    assert actual == _read(path), f"{path.name} differs; {RENEW}"


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
    assert not missing and not extra, f"{folder.name}/: missing {missing}, stale {extra}; {RENEW}"
    for rel, text in actual.items():
        assert text == found[rel], f"{folder.name}/{rel} differs; {RENEW}"


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
        assert actual == case[self.key], f"{self.path.name}: {case['name']} differs; {RENEW}"
