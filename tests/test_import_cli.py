"""`nexus-pm import` on the command line: one path per record, bad files reported, hostile text."""

from __future__ import annotations

import html
import re
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nexus_pm.cli import app
from nexus_pm.loader import load_file

from .import_helpers import FIXTURES, imported, page

SEED = FIXTURES / "seed" / "voice-service-fix-2025-11-09.md"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["import", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_seed_imports_as_one_path_that_validates(here: Path) -> None:
    shutil.copy(SEED, here / "seed.md")
    code, out, err = run(
        "seed.md", "--severity", "SEV2", "--service", "voice-service", "--no-input"
    )
    assert code == 0, err
    assert out == "incidents/2025-11-09-voice-service-fixed-and-online.yaml\n"
    record = load_file(here / out.strip())
    assert (record.incident.severity, record.incident.services) == ("SEV2", ["voice-service"])
    assert "kept as a supporting section" in err


def test_a_folder_imports_every_markdown_file_and_never_overwrites(here: Path) -> None:
    shutil.copytree(FIXTURES / "import", here / "old")
    (here / "old" / "notes.txt").write_text("not markdown", encoding="utf-8")
    code, out, _ = run("old", "--no-input")
    assert code == 0
    first = out.splitlines()
    files = len(list((here / "old").glob("*.md")))
    assert len(first) == files > 1
    code, out, _ = run("old", "--no-input")
    second = out.splitlines()
    assert code == 0 and not set(first) & set(second)
    ids = {load_file(here / p).incident.id for p in first + second}
    assert len(ids) == 2 * files


def test_a_bad_file_is_reported_and_the_others_still_imported(here: Path) -> None:
    (here / "bad.md").write_bytes(b"# Title\n\nlatin-1 \xe9\n")
    shutil.copy(FIXTURES / "import" / "setext-headings.md", here / "good.md")
    code, out, err = run("bad.md", "good.md", "--no-input")
    assert code == 1
    assert err.splitlines()[0] == "bad.md: is not valid UTF-8 (byte 0xe9)"
    assert out == "incidents/2024-03-02-cache-stampede-on-the-catalogue.yaml\n"


def test_an_oversize_file_is_refused(here: Path) -> None:
    (here / "big.md").write_text("x" * (1024 * 1024 + 1), encoding="utf-8")
    code, out, err = run("big.md", "--no-input")
    assert (code, out) == (1, "")
    assert err.startswith("big.md: is 1048577 bytes, over the 1048576-byte size cap")


def test_a_missing_date_stops_with_exit_2_or_takes_the_option(here: Path) -> None:
    (here / "undated.md").write_text("# Outage\n\nIt broke.\n", encoding="utf-8")
    code, out, err = run("undated.md", "--no-input")
    assert (code, out) == (2, "")
    assert "undated.md: missing required values: --date" in err
    assert not (here / "incidents").exists() or not list((here / "incidents").iterdir())
    code, out, _ = run("undated.md", "--no-input", "--date", "2024-01-02")
    assert (code, out) == (0, "incidents/2024-01-02-outage.yaml\n")


def test_dry_run_prints_the_record_and_writes_nothing(here: Path) -> None:
    shutil.copy(FIXTURES / "import" / "setext-headings.md", here / "a.md")
    code, out, _ = run("a.md", "--dry-run", "--no-input")
    assert code == 0 and out.startswith("# yaml-language-server")
    assert "id: INC-0001" in out and not (here / "incidents").exists()


def test_bidi_controls_are_written_as_escapes_and_read_back_as_they_were(here: Path) -> None:
    # Raw, U+202E reverses the rest of its line wherever the record is shown.
    title = "\u202eTitle\u2066 of \u202aboth"
    (here / "rtl.md").write_text(
        f"# {title}\n\nDate: 2025-01-02\n\n## Summary\n\nIt \u2067broke\nagain.\n",
        encoding="utf-8",
    )
    code, printed, _ = run("rtl.md", "--dry-run", "--no-input")
    assert code == 0
    code, out, _ = run("rtl.md", "--no-input")
    assert code == 0
    written = (here / out.strip()).read_text(encoding="utf-8")
    for text in (printed, written):
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)
        assert 'title: "\\u202eTitle\\u2066 of \\u202aboth"' in text
    incident = load_file(here / out.strip()).incident
    assert (incident.title, incident.summary) == (title, "It \u2067broke\nagain.")


def test_html_and_script_stay_text_on_the_page(tmp_path: Path) -> None:
    source = tmp_path / "x.md"
    source.write_text(
        "# <script>alert(1)</script> outage\n\nDate: 2024-01-01\n\n## Summary\n\n"
        "<b>bold</b> and <img src=x onerror=alert(2)>\n\n## Notes\n\n<script>alert(3)</script>\n",
        encoding="utf-8",
    )
    shown = page(imported(source), "x")
    assert "<script" not in shown and "<img" not in shown and "<b>" not in shown
    assert "<script>alert(3)</script>" in html.unescape(shown)  # shown as text


def test_a_file_without_headings_is_one_supporting_section(tmp_path: Path) -> None:
    import yaml

    source = tmp_path / "2021-05-06-notes.md"
    source.write_text("The VPN was down.\n\nWe restarted it.\n", encoding="utf-8")
    data = yaml.safe_load(imported(source))
    assert data["summary"] == "The VPN was down."
    assert [s["title"] for s in data["sections"]] == ["2021-05-06-notes"]
    assert [b["text"] for b in data["sections"][0]["blocks"]] == [
        "The VPN was down.",
        "We restarted it.",
    ]


def test_a_mebibyte_file_imports_within_a_cpu_time_bound(tmp_path: Path) -> None:
    entry = "- [03-26 {:02d}:{:02d}] Something happened to service {} and was noted\n"
    lines = ["# Big\n\nDate: 2019-03-26\n\nIt was big.\n\nAll times in UTC.\n\n## Timeline\n\n"]
    lines += [entry.format(n // 60 % 24, n % 60, n) for n in range(1500)]
    lines += ["\n## Appendix\n\n"]
    body = "".join(lines)
    chat = "> someone [7:22 AM] a long line of a chat log that goes on\n"
    body += chat * ((1024 * 1024 - len(body.encode())) // len(chat))
    source = tmp_path / "big.md"
    source.write_text(body, encoding="utf-8")
    assert 1000 * 1000 < source.stat().st_size <= 1024 * 1024
    start = time.process_time()
    text = imported(source)
    assert time.process_time() - start < 20
    from nexus_pm.loader import parse_incident

    incident = parse_incident(text, "big.yaml")
    assert len(incident.timeline) == 1000  # the cap; the rest is kept in a section
    assert "service 1499 " in text
