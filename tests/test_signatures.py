"""Error signatures, error lines in long logs, and matching pasted errors to past incidents."""

from __future__ import annotations

import random
import resource
from dataclasses import dataclass
from functools import cache

import pytest
import yaml

from nexus_pm.models import Incident
from nexus_pm.signature_text import tokens
from nexus_pm.signatures import (
    Index,
    Source,
    build_index,
    error_lines,
    match,
    signature,
    source_of,
)

from .conftest import ROOT, SEED

REALWORLD = sorted((ROOT / "tests" / "fixtures" / "realworld").glob("*.yaml"))


def seed_error() -> str:
    # The seed's one error output, verbatim.
    (output,) = yaml.safe_load(SEED.read_text(encoding="utf-8"))["errors"]
    error: str = output["output"]
    assert error == "/usr/local/bin/python: No module named uvicorn"
    return error


def seed_source() -> Source:
    # What the index reads of the seed, plus the command that caused it as a signature,
    # as a record could carry it.
    seed = source_of(Incident.model_validate(yaml.safe_load(SEED.read_text(encoding="utf-8"))))
    assert seed == Source("INC-0001", (seed_error(),))
    return Source("INC-0001", seed.outputs, ("pip install --user",))


# Distinct errors, each as the tool prints it; INC-0102 also has a pattern, so that a
# pattern adds to a signature hit.
SYNTHETIC = (
    Source(
        "INC-0101",
        (
            "Error: connect ECONNREFUSED 127.0.0.1:5432\n"
            "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
        ),
    ),
    Source(
        "INC-0102",
        ("    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137",),
        ("OOMKilled",),
    ),
    Source(
        "INC-0103",
        (
            'Get "https://api.internal:8443/healthz": tls: failed to verify certificate: x509: '
            "certificate has expired or is not yet valid: current time 2024-03-01T10:00:00Z is "
            "after 2024-02-29T23:59:59Z",
        ),
    ),
    Source(
        "INC-0104",
        (
            '  Warning  Failed     12s (x3 over 50s)  kubelet  Failed to pull image "registry.'
            'example.com/api:1.4.2": rpc error: code = NotFound desc = failed to pull and unpack '
            'image "registry.example.com/api:1.4.2": not found\n'
            '  Normal   BackOff    3s (x4 over 49s)   kubelet  Back-off pulling image "registry.'
            'example.com/api:1.4.2"\n'
            "  Warning  Failed     3s (x4 over 49s)   kubelet  Error: ImagePullBackOff",
        ),
    ),
    Source(
        "INC-0105",
        (
            'psycopg2.errors.UndefinedTable: relation "users" does not exist\n'
            "LINE 1: SELECT id, email FROM users WHERE id = 42",
        ),
    ),
    Source(
        "INC-0106", ("OSError: [Errno 28] No space left on device: '/var/lib/app/cache/blob-8812'",)
    ),
    Source(
        "INC-0107",
        ("fatal: could not read Username for 'https://github.com': terminal prompts disabled",),
    ),
    Source(
        "INC-0108",
        (
            "npm ERR! code ERESOLVE\nnpm ERR! ERESOLVE unable to resolve dependency tree\n"
            "npm ERR! Found: react@18.2.0",
        ),
    ),
    Source(
        "INC-0109",
        (
            "Error: getaddrinfo ENOTFOUND redis.internal\n"
            "    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)",
        ),
    ),
    # A near neighbour of the seed: the same cause, another symptom.
    Source(
        "INC-0110",
        (
            "PermissionError: [Errno 13] Permission denied: "
            "'/root/.local/lib/python3.11/site-packages/uvicorn-0.29.0.dist-info'",
        ),
    ),
)


def realworld_sources() -> list[Source]:
    records = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in REALWORLD]
    return [source_of(Incident.model_validate(record)) for record in records]


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


# --- matching -------------------------------------------------------------------------

CONTAINER_LOG = f"""\
$ docker compose up voice-service
[+] Running 1/1
 ✔ Container nexus-voice  Recreated                                       0.1s
Attaching to nexus-voice
nexus-voice  | {seed_error()}
nexus-voice exited with code 1
$ docker ps -a --filter name=nexus-voice
CONTAINER ID   IMAGE                 STATUS                     NAMES
3f9a1c2b7d4e   nexus/voice-service   Exited (1) 2 seconds ago   nexus-voice
"""
TRACEBACK = """\
Traceback (most recent call last):
  File "<frozen runpy>", line 189, in _run_module_as_main
  File "<frozen runpy>", line 148, in _get_module_details
ModuleNotFoundError: No module named 'uvicorn'
"""
# The seed's own log of the fixed, healthy service: nothing in it is an error.
HEALTHY_LOG = """\
INFO: Started server process [1]
INFO: Application startup complete.
INFO: Uvicorn running on http://0.0.0.0:8003
🎙️ Starting voice-service v1.0.0
"""
SAME = "same"


@dataclass(frozen=True)
class Row:
    """A pasted error, the incident a reader wants for it, and what the matcher gives."""

    text: str
    expected: str | None
    #: What the matcher returns today when that is not `expected` (a known miss).
    got: str | None = SAME
    why: str = ""

    @property
    def outcome(self) -> str | None:
        return self.expected if self.got == SAME else self.got


TABLE = [
    Row("No module named uvicorn", "INC-0001"),
    Row(seed_error(), "INC-0001"),
    Row("ModuleNotFoundError: No module named 'uvicorn'", "INC-0001"),
    Row("2025-11-10T08:12:44.101Z /opt/venv/bin/python3.12: No module named uvicorn", "INC-0001"),
    Row(r"[12:01:02] C:\Users\bob\venv\Scripts\python.exe: No module named uvicorn", "INC-0001"),
    Row("E   ModuleNotFoundError: No module named 'uvicorn'", "INC-0001"),
    Row(TRACEBACK, "INC-0001"),
    Row(CONTAINER_LOG, "INC-0001"),
    Row("pip install --user", "INC-0001"),
    Row("RUN pip install --user --no-cache-dir -r requirements.txt", "INC-0001"),
    Row("--user", None),
    # The same error about another module: the same kind of incident, ranked lower
    # (see test_the_named_module_ranks_above_another).
    Row("ModuleNotFoundError: No module named 'requests'", "INC-0001"),
    Row("ModuleNotFoundError: No module named 'uvicorn.workers'", "INC-0001"),
    Row("ECONNREFUSED 127.0.0.1:5432", "INC-0101"),
    Row("Error: connect ECONNREFUSED 10.1.2.3:5432", "INC-0101"),
    Row("Error: connect ECONNREFUSED /var/run/postgresql/.s.PGSQL.5432", "INC-0101"),
    Row(
        'psql: error: connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused',
        "INC-0101",
        got=None,
        why="psql says it in other words than node: nothing but generic words is shared",
    ),
    Row("OOMKilled", "INC-0102"),
    Row("pod/api-7d9f8b5c4-x2kq9 OOMKilled", "INC-0102"),
    Row("Exit Code: 137", None),
    Row("x509: certificate has expired or is not yet valid", "INC-0103"),
    Row(
        "ssl.SSLCertVerificationError: certificate verify failed: certificate has expired "
        "(_ssl.c:1006)",
        "INC-0103",
    ),
    Row("ImagePullBackOff", "INC-0104"),
    Row('Back-off pulling image "registry.example.com/web:2.0.1"', "INC-0104"),
    Row(
        'Failed to pull image "registry.example.com/api:1.4.3": rpc error: code = NotFound',
        "INC-0104",
    ),
    Row('ERROR:  relation "users" does not exist at character 15', "INC-0105"),
    Row('django.db.utils.ProgrammingError: relation "users" does not exist', "INC-0105"),
    Row(
        'relation "orders" does not exist',
        "INC-0105",
        got=None,
        why="only `relation` is shared beyond generic words; one word is too little evidence",
    ),
    Row("OSError: [Errno 28] No space left on device", "INC-0106"),
    Row("Error: ENOSPC: no space left on device, write", "INC-0106"),
    Row(
        "/usr/local/bin/python3: can't open file '/app/main.py': [Errno 2] No such file or directory",
        None,
    ),
    Row(
        "fatal: could not read Password for 'https://gitlab.com': terminal prompts disabled",
        "INC-0107",
    ),
    Row("npm ERR! ERESOLVE unable to resolve dependency tree", "INC-0108"),
    Row("npm ERR! code E404", None),
    Row("getaddrinfo ENOTFOUND redis.internal", "INC-0109"),
    Row(
        "PermissionError: [Errno 13] Permission denied: '/root/.local/lib/python3.11/site-packages/x'",
        "INC-0110",
    ),
    Row("Permission denied", None),
    Row("boskos failed to acquire project", "INC-190326"),
    Row("must have exactly one version marked as storage version", "INC-190326"),
    Row("thread 'main' panicked at feature-flags/src/main.rs:121:5:", "INC-250929"),
    Row("Database error: pool timed out while waiting for an open connection", "INC-250929"),
    Row("dial tcp 10.0.0.1:80: i/o timeout", None),
    Row("Segmentation fault (core dumped)", None),
    Row("java.lang.OutOfMemoryError: Java heap space", None),
    Row("Error: Process completed with exit code 1.", None),
    Row("ECONNRESET", None),
    Row(HEALTHY_LOG, None),
]


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

SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "zu", "pex", "dor", "bil", "qua", "sen"]
SYLLABLES += ["tri", "mon", "gal", "fer", "hup", "jin", "wex", "yol"]
TYPES = ["ValueError", "KeyError", "RuntimeError", "TimeoutError", "OSError", "ImportError"]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    rng = random.Random(20251109)
    vocabulary = sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(6000)}
    )

    def error() -> tuple[list[str], str]:
        words = rng.sample(vocabulary, 5)
        where = f"/srv/app/{words[4]}.py:{rng.randint(1, 999)}"
        return words, f"{rng.choice(TYPES)}: {' '.join(words[:4])} failed at {where}"

    sources, planted = [], []
    for number in range(5000):
        words, first = error()
        second = error()[1]
        pattern = f"{words[0]} {words[1]} *{words[3]}"
        sources.append(Source(f"INC-{number:05d}", (f"{first}\n{second}",), (pattern,)))
        planted.append((f"INC-{number:05d}", first))
    # A CI log: timestamps and colours on every line, 15 % errors, some of them known.
    lines, expected = [], set()
    for number in range(10_000):
        stamp = f"2025-11-09T10:{number // 60 % 60:02d}:{number % 60:02d}.{number:07d}Z"
        roll = rng.random()
        if roll < 0.85:
            words = " ".join(rng.sample(vocabulary, 6))
            lines.append(f"{stamp} \x1b[32mINFO\x1b[0m {words} took {rng.randint(1, 900)}ms")
        elif roll < 0.95:
            words = " ".join(rng.sample(vocabulary, 5))
            lines.append(f"{stamp} \x1b[31mERROR\x1b[0m {words} failed with code {roll:.3f}")
        else:
            incident, line = rng.choice(planted)
            expected.add(incident)
            lines.append(f"{stamp} {line.replace('.py:', '.py:1')}")
    log = "\n".join(lines)

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
    assert matched - indexed < 1.0
    assert indexed - start < 10.0
    assert expected <= {m.incident for m in found}
    assert all(m.score >= 2.0 for m in found if m.incident in expected)
