"""The pasted errors that pin error matching, and the records they are matched against.

Shared by the matcher's tests, `nexus-pm match`'s tests and the browser test of the
"Seen this error?" page, so that all three hold the same ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from nexus_pm.models import Incident
from nexus_pm.signatures import Source, source_of

from .conftest import ROOT, SEED

REALWORLD_DIR = ROOT / "tests" / "fixtures" / "realworld"
MATCH_DIR = ROOT / "tests" / "fixtures" / "match"
#: Every record the test set is matched against: the seed, the real postmortems, and
#: the matching fixtures (one distinct error each).
RECORD_PATHS: tuple[Path, ...] = (SEED.parent, REALWORLD_DIR, MATCH_DIR)


def _incident(path: Path) -> Incident:
    return Incident.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def seed_error() -> str:
    error: str = yaml.safe_load(SEED.read_text(encoding="utf-8"))["errors"][0]["output"]
    assert error == "/usr/local/bin/python: No module named uvicorn"
    return error


@cache
def seed_source() -> Source:
    # The seed lists the flag that caused it as a signature.
    source = source_of(_incident(SEED))
    assert source == Source("INC-0001", (seed_error(),), ("--user",))
    return source


@cache
def realworld_sources() -> tuple[Source, ...]:
    return tuple(source_of(_incident(path)) for path in sorted(REALWORLD_DIR.glob("*.yaml")))


#: Distinct errors, each as the tool prints it (INC-0101 to INC-0110); INC-0102 also has
#: a pattern, so that a pattern adds to a signature hit.
SYNTHETIC: tuple[Source, ...] = tuple(
    source_of(_incident(path)) for path in sorted(MATCH_DIR.glob("*.yaml"))
)


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
    Row("--user", "INC-0001"),
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
