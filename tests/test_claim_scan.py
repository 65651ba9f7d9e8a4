"""The folder scan that claims ids reads again whatever changed since the last scan."""

from __future__ import annotations

import os
from pathlib import Path

from nexus_pm.claim import scan


def record(rid: str, service: str) -> str:
    return (
        f"format: 2\nid: {rid}\ntitle: T\nsummary: S.\ndate: 2024-01-01\nstatus: draft\n"
        f"services:\n  - {service}\n"
    )


def test_a_changed_or_new_record_is_read_again(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text(record("INC-0001", "api"), encoding="utf-8")
    assert scan(tmp_path).ids == {"INC-0001"}
    # Same size, another id and service: only the modification time tells it changed.
    first.write_text(record("INC-0009", "web"), encoding="utf-8")
    info = first.stat()
    os.utime(first, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    (tmp_path / "b.yaml").write_text(record("INC-0004", "web"), encoding="utf-8")
    known = scan(tmp_path)
    assert known.ids == {"INC-0009", "INC-0004"}
    assert known.services == ["web"]


def test_a_removed_record_no_longer_holds_its_id(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(record("INC-0003", "api"), encoding="utf-8")
    assert scan(tmp_path).numbers == {3}
    path.unlink()
    assert scan(tmp_path).numbers == set()
