"""`nexus-pm match`: a pasted error or a whole log in, the incidents that explain it out."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from nexus_pm.models import Incident
from nexus_pm.seen import fix_line, seen
from nexus_pm.validate import load_records

from .conftest import CliInvoke
from .match_cases import CONTAINER_LOG, RECORD_PATHS, TABLE, TRACEBACK

SEED_URL = "https://example.github.io/nexus-pm/incidents/inc-0001/"
# The cases, against the seed alone: each finds INC-0001 first.
SEED_CASES = [
    "No module named uvicorn",
    "pip install --user",
    "--user",
    "ModuleNotFoundError: No module named 'uvicorn'",
    CONTAINER_LOG,
    TRACEBACK,
    "2026-01-02T03:04:05.678Z /opt/venv/bin/python3.12: No module named uvicorn",
]


@pytest.mark.parametrize("text", SEED_CASES, ids=range(len(SEED_CASES)))
def test_the_seed_is_found_first(project: Path, cli_invoke: CliInvoke, text: str) -> None:
    result = cli_invoke("match", input=text)
    first = result.stdout.split("\n\n")[0].splitlines()
    assert first[0].startswith("INC-0001  Voice service down: No module named uvicorn  (score ")
    assert first[1].startswith("  line ") and first[1].endswith(" ≈ INC-0001")
    assert first[2] == (
        "  fix: Install packages system-wide instead of user-specific: no `--user` flag in the "
        "builder, copy `/usr/local/lib/python3.11/site-packages` and `/usr/local/bin` int…"
    )
    assert first[3] == f"  {SEED_URL}"


def test_the_line_that_matched_is_named(project: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("match", "--json", input=CONTAINER_LOG)
    [hit] = json.loads(result.stdout)
    assert hit["line_no"] == 5
    assert hit["line"] == "nexus-voice  | /usr/local/bin/python: No module named uvicorn"
    assert (hit["matched"], hit["how"], hit["score"]) == (
        "python: No module named uvicorn",
        "signature",
        2.0,
    )
    assert hit["url"] == SEED_URL


def test_an_unrelated_error_matches_nothing(project: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("match", input="ECONNREFUSED 127.0.0.1:5432\n", exit_code=1)
    assert result.stdout == ""
    assert result.stderr == "no past incident matches\n"
    result = cli_invoke("match", "--json", "-", input="ECONNREFUSED 127.0.0.1:5432", exit_code=1)
    assert json.loads(result.stdout) == []


def test_a_file_and_its_site_url(project: Path, cli_invoke: CliInvoke) -> None:
    log = project / "ci.log"
    log.write_text(CONTAINER_LOG, encoding="utf-8")
    result = cli_invoke("match", "ci.log", "--json", "--site-url", "https://pm.example.org/x")
    assert json.loads(result.stdout)[0]["url"] == "https://pm.example.org/x/incidents/inc-0001/"
    (project / "mkdocs.yml").unlink()
    assert json.loads(cli_invoke("match", "ci.log", "--json").stdout)[0]["url"] is None


def test_bad_input_exits_2(project: Path, cli_invoke: CliInvoke) -> None:
    result = cli_invoke("match", "missing.log", exit_code=2)
    assert result.stderr == "nexus-pm match: Invalid value for FILE: missing.log does not exist\n"
    result = cli_invoke("match", "incidents", exit_code=2)
    assert "incidents is not a regular file" in result.stderr
    seed = next((project / "incidents").glob("*.yaml"))
    seed.write_text(seed.read_text().replace('  - "--user"', '  - "*"'), encoding="utf-8")
    result = cli_invoke("match", input="No module named uvicorn", exit_code=2)
    [line, count] = result.stderr.splitlines()
    assert line.startswith(f"incidents/{seed.name}:")
    assert line.endswith(
        ": signatures.0: signature '*' has no word to match on; it would match any error"
    )
    assert count == "1 problem in 1 file"


def test_record_text_and_pasted_text_reach_the_terminal_escaped(
    project: Path, cli_invoke: CliInvoke
) -> None:
    seed = next((project / "incidents").glob("*.yaml"))
    text = seed.read_text(encoding="utf-8")
    seed.write_text(
        text.replace('title: "Voice service down', 'title: "\\u202eVoice service down'),
        encoding="utf-8",
    )
    result = cli_invoke("match", input="\x1b]0;owned\x07No module named uvicorn\x08\x1b[2J")
    assert "\\u202eVoice service down" in result.stdout
    assert not set(result.stdout) & {"\x1b", "\x07", "\x08", "\u202e"}
    assert "No module named uvicorn\\x08" in result.stdout


def test_a_long_log_is_read_from_its_end(project: Path, cli_invoke: CliInvoke) -> None:
    log = project / "huge.log"
    filler = "".join(f"2025-11-09T10:00:00Z INFO step {n} ok {'x' * 80}\n" for n in range(100_000))
    log.write_text(filler + "/usr/bin/python3: No module named uvicorn\n", encoding="utf-8")
    result = cli_invoke("match", "huge.log", "--json")
    assert json.loads(result.stdout)[0]["id"] == "INC-0001"
    assert result.stderr.startswith("huge.log: read the last 8,388,608 of ")


def test_a_10000_line_ci_log(project: Path, cli_invoke: CliInvoke) -> None:
    rng = random.Random(7)
    lines = [
        f"2025-11-09T10:00:{n % 60:02d}Z INFO building step {rng.randint(1, 99)}"
        for n in range(10_000)
    ]
    lines[7_777] = "2025-11-09T10:59:59Z E   ModuleNotFoundError: No module named 'uvicorn'"
    lines[1_234] = "2025-11-09T10:20:34Z ERROR: could not reach the artifact cache"
    start = time.process_time()
    result = cli_invoke("match", "--json", input="\n".join(lines))
    assert time.process_time() - start < 10.0
    [hit] = json.loads(result.stdout)
    assert (hit["id"], hit["line_no"]) == ("INC-0001", 7_778)


def test_the_test_set_through_match_ranks_as_the_matcher_does() -> None:
    # `seen` is what the command prints; over the test records, each row's top result.
    records = load_records(list(RECORD_PATHS))
    for row in TABLE:
        hits = seen(row.text, records)
        assert (hits[0].id if hits else None) == row.outcome, row


SNIP = {"path": "Dockerfile", "language": "dockerfile", "code": "RUN true"}


def test_the_fix_in_one_line() -> None:
    base = {"format": 2, "id": "INC-0009", "title": "t", "summary": "s", "date": "2025-01-01"}

    def fix(value: object) -> str | None:
        return fix_line(Incident.model_validate({**base, "fix": value}))

    assert fix({"summary": "Pin python3.11 in the image.  Then rebuild."}) == (
        "Pin python3.11 in the image."
    )
    assert fix({"summary": "No full stop\nacross lines"}) == "No full stop across lines"
    assert (
        fix({"changes": [{"title": "Drop --user", "before": SNIP, "after": SNIP}]}) == "Drop --user"
    )
    assert fix({"steps": [{"title": "Restart"}]}) is None
    assert fix_line(Incident.model_validate(base)) is None
    assert fix({"summary": "word " * 100}).endswith("word…")  # type: ignore[union-attr]
