"""Error signatures, error lines in long logs, and matching pasted errors to past incidents."""

from __future__ import annotations

import sys
import time
from functools import cache
from typing import Any

import pytest

from nexus_pm.signature_text import tokens
from nexus_pm.signatures import (
    Index,
    Source,
    build_index,
    error_lines,
    match,
    signature,
)

from .conftest import ROOT
from .match_cases import (
    SYNTHETIC,
    TABLE,
    Row,
    realworld_sources,
    seed_error,
    seed_source,
)


@cache
def index() -> Index:
    return build_index([seed_source(), *SYNTHETIC, *realworld_sources()])


def top(text: str, in_index: Index | None = None) -> str | None:
    found = match(text, in_index or index())
    return found[0].incident if found else None


# --- signatures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # Interpreter paths, a venv's versioned python, Windows, a log and compose prefix.
        (seed_error(), "/opt/venv/bin/python3.12: No module named uvicorn"),
        (seed_error(), "2025-11-10T08:12:44.101Z /usr/bin/python3: No module named uvicorn"),
        (seed_error(), r"[12:01:02] C:\Users\bob\venv\Scripts\python.exe: No module named uvicorn"),
        (seed_error(), "nexus-voice  | /usr/local/bin/python: No module named uvicorn"),
        # Timestamps: ISO, syslog, RFC 1123, epoch; numbers, hex ids, UUIDs.
        ("Nov  9 12:01:02 worker died", "Dec 31 23:59:59.123 worker died"),
        ("Mon, 02 Jan 2006 15:04:05 GMT worker died", "1553576353087 worker died"),
        ("job 42 failed after 3 retries", "job 7 failed after 12 retries"),
        ("container 3f9a1c2b7d4e exited", "container 0x7ffd5e8c exited"),
        (
            "req 550e8400-e29b-41d4-a716-446655440000 lost",
            "req 6ba7b810-9dad-11d1-80b4-00c04fd430c8 lost",
        ),
        # Addresses and ports, v4 and v6.
        ("connect ECONNREFUSED 127.0.0.1:5432", "connect ECONNREFUSED 10.0.3.7:6543"),
        ("dial tcp [::1]:8080: refused", "dial tcp [fe80::1:2]:9090: refused"),
        # Temporary paths and user names in home folders.
        ("cannot open /tmp/pip-build-x8y2/setup.py", "cannot open /var/folders/zz/T/abc/setup.py"),
        ("load /home/alice/app/config.yaml failed", "load /Users/bob/app/config.yaml failed"),
        (r"load C:\Users\x\app\config.yaml failed", r"load C:\Users\yvonne\app\config.yaml failed"),
        # Site-packages prefixes, quotes and ANSI colours.
        (
            'File "/opt/venv/lib/python3.12/site-packages/uvicorn/main.py", line 4',
            'File "/usr/local/lib/python3.11/site-packages/uvicorn/main.py", line 90',
        ),
        ("No module named 'uvicorn'", 'No module named "uvicorn"'),
        ("\x1b[31mERROR\x1b[0m: disk full", "ERROR: disk full"),
        ("Duplicate entry 'bob@example.com'", "Duplicate entry 'eve@example.org'"),
        # Pod names, syslog's host and program, JSON log keys, klog and access-log times.
        ("pod/api-7d9f8b6c5d-x2k4j OOMKilled", "pod/api-5bfd8cf8b9-qz7lm OOMKilled"),
        ("job batch-28312345-q7xz2 failed", "job batch-28312399-k2p4w failed"),
        (
            "Dec  2 10:01:02 lb-1 haproxy[998]: backend be_api has no server available!",
            "Jan 15 23:59:59 lb-07.dc2 haproxy[4242]: backend be_api has no server available!",
        ),
        (
            '{"level":"error","ts":1764669662.1,"msg":"sync failed"}',
            '{"level": "error", "ts": 1768521599123, "msg": "sync failed"}',
        ),
        ("E1202 10:01:02.123456    1234 reflector.go:138] failed", "reflector.go:9] failed"),
        ("[02/Dec/2026:10:01:02 +0000] GET 502", "[15/Jan/2027:23:59:59 -0800] GET 502"),
        ("at 20261202T100102Z boom", "at 20270115T235959.123Z boom"),
        ("Dec 2, 2026 10:01:02 AM org.x.Job run", "Jan 15, 2027 11:59:59 PM org.x.Job run"),
        # Durations in several units, generated ids.
        ("restarted (4m31s ago)", "restarted (1h2m3.5s ago)"),
        ("req 01ARZ3NDEKTSV4RRFFQ69G5FAV lost", "req 01HF3Q9V2M7XK8T4N6B5C1D0EF lost"),
        ("ref moby::q8w7e6r5t4y3 not found", "ref moby::p0o9i8u7y6t5 not found"),
    ],
)
def test_what_varies_does_not_count(one: str, other: str) -> None:
    assert signature(one) == signature(other)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "ModuleNotFoundError: No module named 'uvicorn'",
            "ModuleNotFoundError: No module named uvicorn",
        ),
        (seed_error(), "python: No module named uvicorn"),
        (
            "npm ERR! ERESOLVE unable to resolve dependency tree",
            "npm ERR! ERESOLVE unable to resolve",
        ),
        ("fatal: not a git repository", "fatal: not a git repository"),
        ("x509: certificate signed by unknown authority", "x509: certificate signed"),
        ("pull-kubernetes-e2e-gce failed on k8s", "pull-kubernetes-e2e-gce failed on k8s"),
        ("sha256WithRSAEncryption, Base64EncodingException", "sha256WithRSAEncryption, Base64"),
        ("non-replication superuser connections", "non-replication superuser connections"),
    ],
)
def test_the_type_the_words_and_the_tool_stay(text: str, kept: str) -> None:
    assert kept in signature(text)


def test_different_errors_keep_different_signatures() -> None:
    assert signature("No module named uvicorn") != signature("No module named fastapi")
    assert tokens(signature("OSError: [Errno 28] No space left")) >= {"oserror", "space", "left"}


# --- error lines ----------------------------------------------------------------------

CI_LOG = """\
2025-11-09T10:00:00.0000000Z ##[group]Run pytest
2025-11-09T10:00:01.1000000Z \x1b[32mINFO\x1b[0m collected 12 items
2025-11-09T10:00:02.1000000Z Traceback (most recent call last):
2025-11-09T10:00:02.1000000Z   File "/opt/venv/lib/python3.12/site-packages/app/main.py", line 4
2025-11-09T10:00:02.1000000Z     import uvicorn
2025-11-09T10:00:02.1000000Z ModuleNotFoundError: No module named 'uvicorn'
_____ test_app _____
E   KeyError: 'user_id'
=========== 1 failed, 11 passed in 0.52s ===========
===== 12 passed, 0 failed =====
npm ERR! code ERESOLVE
fatal: not a git repository (or any of the parent directories): .git
make: *** [Makefile:12: test] Error 2
##[error]Process completed with exit code 2.
error_count=0 all good
nexus-voice exited with code 0
Reason: OOMKilled
thread 'main' panicked at src/main.rs:1:5:
{"level":"error","msg":"boom"}
Traceback (most recent call last):
  File "x.py", line 1, in <module>
SystemExit: 3
"""


def test_error_lines_finds_what_a_reader_would() -> None:
    found = error_lines(CI_LOG)
    assert [n for n, _ in found] == [6, 8, 9, 11, 12, 13, 14, 17, 18, 19, 22]
    # Cleaned of escapes, otherwise as written; a traceback yields its last line.
    assert found[0][1].endswith("ModuleNotFoundError: No module named 'uvicorn'")
    assert found[-1] == (22, "SystemExit: 3")
    assert all("\x1b" not in line for _, line in found)


def test_stack_frames_are_not_error_lines() -> None:
    trace = """\
Exception in thread "w" kotlinx.coroutines.TimeoutCancellationException: Timed out
\tat kotlinx.coroutines.TimeoutKt.TimeoutCancellationException(Timeout.kt:184)
    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)
    at node:internal/main/run_main_module:28:49
   at Billing.InvalidThing.Get() in /src/x.cs:line 4
\t... 23 more
Caused by: java.lang.IllegalStateException: bad state
"""
    assert [n for n, _ in error_lines(trace)] == [1, 7]


# --- matching -------------------------------------------------------------------------


@pytest.mark.parametrize("row", TABLE, ids=[f"{n:02d}" for n in range(len(TABLE))])
def test_pasted_error_finds_its_incident(row: Row) -> None:
    assert top(row.text) == row.outcome, match(row.text, index())


def test_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    hits = wrong = missed = 0
    for row in TABLE:
        got = top(row.text)
        hits += got is not None and got == row.expected
        wrong += got is not None and got != row.expected
        missed += row.expected is not None and got != row.expected
    precision = hits / (hits + wrong)
    recall = hits / (hits + missed)
    with capsys.disabled():
        print(
            f"\nsignature matching, {len(TABLE)} pasted errors: precision {precision:.2f} "
            f"({hits}/{hits + wrong}), recall {recall:.2f} ({hits}/{hits + missed})"
        )
    assert len(TABLE) >= 30
    assert precision >= 0.95 and recall >= 0.9


@pytest.mark.parametrize(
    ("indexed", "other", "same"),
    [
        # Another name in the same place of one template: another error.
        (";; status: NXDOMAIN, id: 5", ";; status: SERVFAIL, id: 6", ";; status: NXDOMAIN, id: 7"),
        (
            "api error ThrottlingException: Rate exceeded",
            "api error AccessDenied: Rate exceeded",
            "│ api error ThrottlingException: Rate exceeded",
        ),
        # The same name opening another message: another error.
        (
            "java.lang.OutOfMemoryError: Java heap space",
            "java.lang.OutOfMemoryError: Metaspace",
            'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
        ),
        (
            "SQLSTATE[HY000] [1040] Too many connections",
            "SQLSTATE[HY000] [2002] Connection refused",
            "PDOException: SQLSTATE[HY000] [1040] Too many connections",
        ),
        # A host after the name goes on into a name: no message, so no conflict.
        ("getaddrinfo ENOTFOUND redis.internal", None, "getaddrinfo ENOTFOUND db.internal"),
    ],
)
def test_one_template_with_other_names_is_another_error(
    indexed: str, other: str | None, same: str
) -> None:
    one = build_index([Source("INC-1", (indexed,)), *SYNTHETIC[:3]])
    if other is not None:
        assert top(other, one) is None
    assert top(same, one) == "INC-1"


def test_econnrefused_matches_nothing_unless_a_record_has_it() -> None:
    without = build_index([seed_source(), *SYNTHETIC[1:], *realworld_sources()])
    assert match("ECONNREFUSED 127.0.0.1:5432", without) == []
    assert top("ECONNREFUSED 127.0.0.1:5432") == "INC-0101"


def test_the_named_module_ranks_above_another() -> None:
    [named] = match("No module named 'uvicorn'", index())
    [other] = match("No module named 'requests'", index())
    assert (named.incident, other.incident) == ("INC-0001", "INC-0001")
    assert named.score > other.score


def test_a_whole_log_ranks_every_incident_in_it() -> None:
    log = "\n".join(
        [
            "2025-11-09T10:00:00Z INFO starting",
            "2025-11-09T10:00:01Z Error: connect ECONNREFUSED 127.0.0.1:5432",
            "2025-11-09T10:00:02Z WARN retrying in 5s",
            f"2025-11-09T10:00:03Z {seed_error()}",
            "2025-11-09T10:00:04Z Reason: OOMKilled",
            "2025-11-09T10:00:05Z ERROR something nobody has seen before",
        ]
    )
    found = match(log, index())
    # A pattern on top of the same signature (1 + 2), then the same signature (2), the
    # earlier line first; the line nobody has seen matches nothing.
    assert [(m.incident, m.how, m.line_no, m.score) for m in found] == [
        ("INC-0102", "pattern", 5, 3.0),
        ("INC-0101", "signature", 2, 2.0),
        ("INC-0001", "signature", 4, 2.0),
    ]
    assert found[2].line == f"2025-11-09T10:00:03Z {seed_error()}"
    assert found[2].matched == "python: No module named uvicorn"


def test_patterns_are_literals_or_globs() -> None:
    globbed = build_index(
        [Source("INC-0900", (), ("connect ECONNREFUSED *:5432", "lock * held by"))]
    )
    assert top("Error: connect ECONNREFUSED 10.9.8.7:5432", globbed) == "INC-0900"
    assert top("advisory lock 42 held by pid 7", globbed) == "INC-0900"
    assert top("lock held", globbed) is None
    with pytest.raises(ValueError, match="INC-0901: signature '\\*' has no word"):
        build_index([Source("INC-0901", (), ("*",))])


def test_realworld_records_index_their_errors() -> None:
    sources = {source.incident: source for source in realworld_sources()}
    assert len(sources["INC-190326"].outputs) == 3 and sources["INC-202301"].outputs == ()
    # The JSON log line as a later occurrence would print it: another time, same error.
    line = sources["INC-190326"].outputs[2].replace("2019-03-26T09:44:13Z", "2024-01-02T03:04:05Z")
    [found] = match(line, index())
    assert (found.incident, found.how) == ("INC-190326", "signature")


# --- cost -----------------------------------------------------------------------------


def match_workload() -> Any:
    bench = str(ROOT / "bench")
    sys.path.insert(0, bench)
    try:
        import match_synth
    finally:
        sys.path.remove(bench)
    return match_synth.workload()


def cpu_seconds() -> float:
    # CPU time, not wall time: a busy machine stretches the one, not the other.
    return time.process_time()


PATHOLOGICAL = [
    "/" * 5000,
    "/a" * 2500,
    "C:" + "\\a" * 2500,
    "'" * 5000,
    '"a' * 2500,
    "ab:" * 1700,
    "1." * 2500,
    "/x" * 2400 + "-packages",
    "/lib/python3" * 400,
    "x | " * 1200,
    "/bin/" * 1000 + "python",
    "ERROR 12:01:02 /tmp/x 'q' 0xff " * 150,
    "a@" * 2500,
]


def test_pathological_lines_cost_little() -> None:
    # No regex may backtrack badly: each line is cut to MAX_LINE_CHARS and read in
    # time linear in it.
    log = "\n".join(PATHOLOGICAL * 10)
    start = cpu_seconds()
    for line in PATHOLOGICAL:
        signature(line)
    error_lines(log)
    match(log, index())
    assert cpu_seconds() - start < 5.0


def test_a_long_log_against_many_incidents_is_cheap(capsys: pytest.CaptureFixture[str]) -> None:
    # The workload bench/match.py times: 5,000 incidents, a 10,000-line CI log.
    work = match_workload()
    sources, log, expected = work.sources, work.log, work.expected
    start = cpu_seconds()
    built = build_index(sources)
    indexed = cpu_seconds()
    found = match(log, built, limit=len(sources))
    matched = cpu_seconds()
    with capsys.disabled():
        print(
            f"\n5,000 incidents indexed in {indexed - start:.2f} s of CPU; a 10,000-line log "
            f"matched in {matched - indexed:.2f} s of CPU ({len(found)} incidents)"
        )
    # Generous bounds on CPU time; bench/README.md has the figures (0.3 s to match).
    assert matched - indexed < 3.0
    assert indexed - start < 10.0
    assert expected <= {m.incident for m in found}
    assert all(m.score >= 2.0 for m in found if m.incident in expected)
