"""An evaluation set for error matching, written apart from the matcher's own test set.

Thirty records in `tests/fixtures/match_eval/`, one incident each from a different stack
(JVM, Python, Go, Node, Rust, Ruby, .NET, PostgreSQL, MySQL, Kubernetes, systemd,
nginx, HAProxy, DNS, TLS, AWS and Terraform, disk, Docker and podman), and pastes of
their errors as a later occurrence would print them: other times in other formats, pod
names, request ids, addresses, line numbers, home and temp paths, colours, CRLF, JSON
log lines. Hard negatives are errors that look alike but are another failure: the same
exception type with another message, the same tool failing otherwise. Half the
incidents (and half the negatives) are held out: the matcher was not tuned on them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from .conftest import ROOT
from .match_cases import SAME

EVAL_DIR = ROOT / "tests" / "fixtures" / "match_eval"


@dataclass(frozen=True)
class Case:
    """A paste, the incident it is an occurrence of (None: a look-alike of another
    failure), and whether it is in the held-out half."""

    text: str
    expected: str | None
    held_out: bool
    note: str = ""
    #: What the matcher returns today when that is not `expected` (a known miss).
    got: str | None = SAME
    why: str = ""

    @property
    def outcome(self) -> str | None:
        return self.expected if self.got == SAME else self.got


def _inc(number: int) -> str:
    return f"INC-{2000 + number}"


def _json_line(**fields: object) -> str:
    return json.dumps(fields)


def _ansi(text: str) -> str:
    return f"\x1b[31;1m{text}\x1b[0m"


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def noisy_log(error: str, lines: int = 10_000, at: int = 6_421, seed: int = 11) -> str:
    """A long service log, healthy but for `error` on one line; its noise has warnings,
    retries and numbers, the way real logs do."""
    rng = random.Random(seed)
    noise = [
        "INFO  http request method=GET path=/v1/items/{n} status=200 duration={n}ms",
        "DEBUG cache hit key=item:{n} ttl={n}s",
        "INFO  worker {n} picked job {hex}",
        "WARN  slow query took {n}ms (threshold 500ms)",
        "INFO  retrying upstream call attempt={n}",
        "INFO  GC pause {n}ms heap={n}MiB",
        "INFO  health check ok",
    ]
    out = []
    for n in range(lines):
        template = rng.choice(noise)
        body = template.replace("{n}", str(rng.randint(1, 9999))).replace(
            "{hex}", f"{rng.getrandbits(48):012x}"
        )
        out.append(f"2026-12-02T10:{(n // 60) % 60:02d}:{n % 60:02d}.{n % 1000:03d}Z {body}")
    out[at] = error
    return "\n".join(out) + "\n"


H, T = True, False  # held out, tuned on

CASES: tuple[Case, ...] = (
    # 1 Spring / PSQLException (tuned)
    Case(
        "Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed "
        'for user "orders_app"',
        _inc(1),
        T,
    ),
    Case(
        "orders-7d9f8b6c5d-x2k4j orders 2026-12-02T10:01:02.123Z ERROR 1 --- [main] "
        "o.s.boot.SpringApplication : Application run failed\n"
        "org.springframework.beans.factory.BeanCreationException: Error creating bean with name "
        "'entityManagerFactory' defined in class path resource [org/springframework/boot/"
        "autoconfigure/orm/jpa/HibernateJpaConfiguration.class]: Failed to initialize dependency "
        "'dataSourceScriptDatabaseInitializer'\n"
        "\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory."
        "initializeBean(AbstractAutowireCapableBeanFactory.java:1804)\n"
        'Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "orders_app"\n'
        "\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:701)\n",
        _inc(1),
        T,
        "pod-prefixed kubectl logs, other line numbers",
    ),
    Case(
        "Caused by: org.postgresql.util.PSQLException: Connection to db.internal:5432 refused. "
        "Check that the hostname and port are correct and that the postmaster is accepting "
        "TCP/IP connections.",
        None,
        T,
        "same exception type, another failure",
    ),
    # 2 Kotlin coroutine timeout (held out)
    Case(
        'Exception in thread "DefaultDispatcher-worker-7" kotlinx.coroutines.'
        "TimeoutCancellationException: Timed out waiting for 3000 ms",
        _inc(2),
        H,
    ),
    Case(
        _json_line(
            ts=1764669662123,
            level="error",
            logger="com.acme.checkout.PricingClient",
            msg="kotlinx.coroutines.TimeoutCancellationException: Timed out waiting for 5000 ms",
        ),
        _inc(2),
        H,
        "JSON log line, epoch ms",
    ),
    # 3 redis ConnectionError (tuned)
    Case(
        "redis.exceptions.ConnectionError: Error 111 connecting to 10.0.7.19:6379. Connection refused.",
        _inc(3),
        T,
    ),
    Case(
        "Traceback (most recent call last):\n"
        '  File "/home/maria/src/app/.venv/lib/python3.12/site-packages/redis/connection.py", '
        "line 707, in connect\n"
        "    sock = self.retry.call_with_retry(\n"
        '  File "/home/maria/src/app/sessions/store.py", line 45, in get\n'
        "    return self.client.get(key)\n"
        "redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.\n",
        _inc(3),
        T,
        "traceback from a laptop: home path, other line numbers, python3.12",
    ),
    Case(
        "redis.exceptions.TimeoutError: Timeout reading from socket",
        None,
        T,
        "same library, another failure",
    ),
    # 4 Go nil pointer (held out)
    Case(
        "panic: runtime error: invalid memory address or nil pointer dereference\n"
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1c22]\n\n"
        "goroutine 1 [running]:\n"
        "github.com/acme/ingest/internal/batch.(*Reader).Header(0x0)\n"
        "\t/home/runner/work/ingest/internal/batch/reader.go:91 +0x1d\n",
        _inc(4),
        H,
    ),
    Case(
        "panic: runtime error: index out of range [5] with length 3",
        None,
        H,
        "same runtime, another panic",
    ),
    # 5 Go dial tcp i/o timeout (tuned)
    Case(
        'time="2026-12-02T10:01:02Z" level=error msg="ledger sync failed" error="Post '
        '\\"https://ledger.internal:8443/v1/sync\\": dial tcp 10.96.3.250:8443: i/o timeout"',
        _inc(5),
        T,
    ),
    Case(
        _json_line(
            level="error",
            ts="2026-12-02T10:01:02.123Z",
            msg="ledger sync failed",
            error='Post "https://ledger.internal:8443/v1/sync": dial tcp 10.96.14.7:8443: i/o timeout',
            request_id="c0ffee00-1234-4abc-9def-0123456789ab",
        ),
        _inc(5),
        T,
        "the same as JSON with a request id",
    ),
    Case(
        "dial tcp 10.0.0.8:5432: i/o timeout",
        None,
        T,
        "the generic part alone says nothing of which incident",
    ),
    # 6 Node Cannot find module (held out)
    Case(
        "Error: Cannot find module 'nodemailer'\nRequire stack:\n- /srv/notifier/dist/mailer.js\n"
        "- /srv/notifier/dist/index.js\n"
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)\n",
        _inc(6),
        H,
    ),
    Case(
        _ansi("Error: Cannot find module 'nodemailer'"),
        _inc(6),
        H,
        "ANSI colours",
    ),
    Case(
        "TypeError: Cannot read properties of undefined (reading 'map')",
        None,
        H,
        "same runtime, another error",
    ),
    # 7 Rust too many open files (tuned)
    Case(
        "thread 'tokio-runtime-worker' panicked at 'called `Result::unwrap()` on an `Err` "
        'value: Os { code: 24, kind: Uncategorized, message: "Too many open files" }\', '
        "src/listener.rs:91:22",
        _inc(7),
        T,
    ),
    Case(
        "Dec  2 10:01:02 edge-3 edge[2211]: thread 'tokio-runtime-worker' panicked at "
        "src/listener.rs:88:14:\r\n"
        "Dec  2 10:01:02 edge-3 edge[2211]: called `Result::unwrap()` on an `Err` value: "
        'Os { code: 24, kind: Uncategorized, message: "Too many open files" }\r\n',
        _inc(7),
        T,
        "syslog lines, the newer panic layout, CRLF",
    ),
    Case(
        "thread 'main' panicked at 'index out of bounds: the len is 3 but the index is 7', "
        "src/parse.rs:41:9",
        None,
        T,
        "another panic",
    ),
    # 8 Rails pool timeout (held out)
    Case(
        "ActiveRecord::ConnectionTimeoutError: could not obtain a connection from the pool "
        "within 5.000 seconds (waited 5.004 seconds); all pooled connections were in use",
        _inc(8),
        H,
    ),
    Case(
        "[2026-12-02T10:01:02.123Z] E, [2026-12-02T10:01:02.123456 #8812] ERROR -- : "
        "[a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d] ActiveRecord::ConnectionTimeoutError (could "
        "not obtain a connection from the pool within 10.000 seconds (waited 10.001 seconds); "
        "all pooled connections were in use):",
        _inc(8),
        H,
        "Rails logger layout with a request id",
    ),
    Case(
        "ActiveRecord::RecordNotFound (Couldn't find Product with 'id'=4411):",
        None,
        H,
        "same framework, another error",
    ),
    # 9 .NET DI (tuned)
    Case(
        "System.InvalidOperationException: Unable to resolve service for type "
        "'Billing.Storage.IInvoiceStore' while attempting to activate "
        "'Billing.Api.InvoiceController'.",
        _inc(9),
        T,
    ),
    Case(
        _json_line(
            Timestamp="2026-12-02T10:01:02.1234567+00:00",
            Level="Error",
            MessageTemplate="An unhandled exception has occurred while executing the request.",
            Exception="System.InvalidOperationException: Unable to resolve service for type "
            "'Billing.Storage.IInvoiceStore' while attempting to activate "
            "'Billing.Api.InvoiceController'.\r\n   at Microsoft.Extensions.DependencyInjection."
            "ActivatorUtilities.GetService(IServiceProvider sp, Type type, Type requiredBy, "
            "Boolean isDefaultParameterRequired)",
        ),
        _inc(9),
        T,
        "Serilog JSON",
    ),
    Case(
        "System.InvalidOperationException: Sequence contains no elements",
        None,
        T,
        "same exception type, another message",
    ),
    # 10 Postgres deadlock (held out)
    Case(
        "2026-12-02 10:01:02.123 UTC [77102] ERROR:  deadlock detected\n"
        "2026-12-02 10:01:02.123 UTC [77102] DETAIL:  Process 77102 waits for ShareLock on "
        "transaction 10022; blocked by process 77099.",
        _inc(10),
        H,
    ),
    Case(
        "psycopg2.errors.DeadlockDetected: deadlock detected\n"
        "DETAIL:  Process 1201 waits for ShareLock on transaction 5531; blocked by process 1188.",
        _inc(10),
        H,
        "the same through psycopg2",
    ),
    Case(
        'ERROR:  duplicate key value violates unique constraint "refunds_pkey"',
        None,
        H,
        "same database, another error",
    ),
    # 11 Postgres connection slots (tuned)
    Case(
        "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
        _inc(11),
        T,
    ),
    Case(
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "
        '"reporting-db.internal" (10.20.0.6), port 5432 failed: FATAL:  remaining connection '
        "slots are reserved for non-replication superuser connections",
        _inc(11),
        T,
        "through SQLAlchemy, another host",
    ),
    Case(
        'FATAL:  database "reporting" does not exist',
        None,
        T,
        "same server, another FATAL",
    ),
    # 12 MySQL lock wait (held out)
    Case(
        "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction",
        _inc(12),
        H,
    ),
    Case(
        "pymysql.err.OperationalError: (1205, 'Lock wait timeout exceeded; try restarting "
        "transaction')",
        _inc(12),
        H,
        "the same through a driver",
    ),
    Case(
        "ERROR 1045 (28000): Access denied for user 'inventory'@'10.0.5.12' (using password: YES)",
        None,
        H,
        "same server, another error",
    ),
    # 13 MySQL too many connections (tuned)
    Case("ERROR 1040 (HY000): Too many connections", _inc(13), T),
    Case(
        "[2026-12-02 10:01:02] production.ERROR: SQLSTATE[HY000] [1040] Too many connections "
        '{"exception":"[object] (PDOException(code: 1040): SQLSTATE[HY000] [1040] Too many '
        "connections at /var/www/catalog/vendor/laravel/framework/src/Illuminate/Database/"
        'Connectors/Connector.php:65)"}',
        _inc(13),
        T,
        "Laravel log line",
    ),
    Case(
        "SQLSTATE[HY000] [2002] Connection refused",
        None,
        T,
        "same driver, another failure",
    ),
    # 14 CrashLoopBackOff (held out)
    Case(
        "search-api-5b7c9d8f6-k9w2p   0/1     CrashLoopBackOff   12 (4m31s ago)   40m",
        _inc(14),
        H,
    ),
    Case(
        "Warning  BackOff  17s (x41 over 9m)  kubelet  Back-off restarting failed container "
        "search-api in pod search-api-5b7c9d8f6-k9w2p_prod(9f8e7d6c-5b4a-4321-9876-fedcba987654)",
        _inc(14),
        H,
    ),
    Case(
        "Warning  Unhealthy  3s (x5 over 43s)  kubelet  Readiness probe failed: HTTP probe "
        "failed with statuscode: 503",
        None,
        H,
        "same kubelet, another event",
        got=_inc(16),
        why="kubelet's event framing is shared; the probe's words are generic",
    ),
    # 15 OOMKilled (tuned)
    Case("OOMKilled", _inc(15), T),
    Case(
        "reports-6f5d4c3b2a-pl9mn   0/1     OOMKilled   3 (1m ago)   12m",
        _inc(15),
        T,
        "kubectl get pods",
    ),
    Case("Exit Code: 137", None, T, "the exit code alone is any kill"),
    # 16 ImagePullBackOff / 401 (held out)
    Case(
        'Warning  Failed  3s (x2 over 21s)  kubelet  Failed to pull image "ghcr.io/acme/worker:1.9.0": '
        "rpc error: code = Unknown desc = failed to pull and unpack image "
        '"ghcr.io/acme/worker:1.9.0": failed to resolve reference "ghcr.io/acme/worker:1.9.0": '
        "failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized",
        _inc(16),
        H,
    ),
    Case("worker-84c6f9d7b5-tt2vx   0/1     ImagePullBackOff   0   3m", _inc(16), H),
    Case(
        'Failed to pull image "ghcr.io/acme/worker:1.9.0": rpc error: code = NotFound desc = '
        'failed to pull and unpack image "ghcr.io/acme/worker:1.9.0": failed to resolve '
        'reference "ghcr.io/acme/worker:1.9.0": ghcr.io/acme/worker:1.9.0: not found',
        None,
        H,
        "same pull, another cause (the tag does not exist)",
        got=_inc(16),
        why="the whole pull message is shared; only the last words say the tag is missing",
    ),
    # 17 FailedScheduling, memory (tuned)
    Case(
        "Warning  FailedScheduling  12s  default-scheduler  0/9 nodes are available: 6 "
        "Insufficient memory, 3 node(s) had untolerated taint {node-role.kubernetes.io/"
        "control-plane: }. preemption: 0/9 nodes are available: 6 No preemption victims found "
        "for incoming pod, 3 Preemption is not helpful for scheduling.",
        _inc(17),
        T,
    ),
    Case(
        "0/4 nodes are available: 4 Insufficient memory.",
        _inc(17),
        T,
        "the scheduler's message alone, another cluster size",
    ),
    Case(
        "Warning  FailedScheduling  default-scheduler  0/6 nodes are available: 6 node(s) "
        "didn't match Pod's node affinity/selector.",
        None,
        T,
        "same event, another cause",
        got=_inc(17),
        why="the scheduler's framing and the event name are shared; the cause is in plain words",
    ),
    # 18 systemd start limit (held out)
    Case(
        "Dec  2 10:01:02 pay-02 systemd[1]: payments-worker.service: Start request repeated too "
        "quickly.\nDec  2 10:01:02 pay-02 systemd[1]: payments-worker.service: Failed with "
        "result 'exit-code'.",
        _inc(18),
        H,
    ),
    Case(
        _json_line(
            __REALTIME_TIMESTAMP="1764669662123456",
            _HOSTNAME="pay-03",
            SYSLOG_IDENTIFIER="systemd",
            MESSAGE="payments-worker.service: Start request repeated too quickly.",
        ),
        _inc(18),
        H,
        "journalctl -o json",
    ),
    Case(
        "Dec  2 10:01:02 web-01 systemd[1]: nginx.service: Failed with result 'timeout'.",
        None,
        H,
        "another unit, another result",
        got=_inc(18),
        why="systemd's `Failed with result` is shared; the unit's name is not a code",
    ),
    # 19 nginx upstream prematurely closed (tuned)
    Case(
        "2026/12/02 10:01:02 [error] 31#31: *1192 upstream prematurely closed connection while "
        "reading response header from upstream, client: 10.0.9.9, server: api.example.com, "
        'request: "POST /v1/orders HTTP/1.1", upstream: "http://10.0.1.22:8080/v1/orders", '
        'host: "api.example.com"',
        _inc(19),
        T,
    ),
    Case(
        "upstream prematurely closed connection while reading response header from upstream",
        _inc(19),
        T,
    ),
    Case(
        "2026/12/02 10:01:02 [error] 31#31: *1193 connect() failed (111: Connection refused) "
        "while connecting to upstream, client: 10.0.9.9, server: api.example.com, request: "
        '"GET /v1/orders HTTP/1.1", upstream: "http://10.0.1.22:8080/v1/orders"',
        None,
        T,
        "same proxy and route, another failure",
        got=_inc(19),
        why="the same route, client and upstream fields outweigh the message, which differs in generic words",
    ),
    # 20 nginx upstream timed out (held out)
    Case(
        "2026/12/02 10:01:02 [error] 7#7: *31337 upstream timed out (110: Connection timed out) "
        "while reading response header from upstream, client: 192.168.1.50, server: _, request: "
        '"POST /export?fmt=csv HTTP/1.1", upstream: "http://127.0.0.1:9000/export?fmt=csv"',
        _inc(20),
        H,
    ),
    Case(
        "*902 upstream timed out (110: Connection timed out) while reading response header from upstream",
        _inc(20),
        H,
    ),
    Case(
        "2026/12/02 10:01:02 [error] 7#7: *31338 client intended to send too large body: "
        '10485761 bytes, client: 192.168.1.50, server: _, request: "POST /export HTTP/1.1"',
        None,
        H,
        "same server, another error",
    ),
    # 21 HAProxy (tuned)
    Case(
        "Dec  2 10:01:02 lb-1 haproxy[998]: backend be_api has no server available!",
        _inc(21),
        T,
    ),
    Case(
        "[WARNING]  (998) : Server be_api/api-1 is DOWN, reason: Layer7 wrong status, code: 404, "
        'info: "Not Found", check duration: 3ms. 2 active and 0 backup servers left.',
        _inc(21),
        T,
        "HAProxy 2.x layout",
    ),
    Case(
        "Dec  2 10:01:02 lb-1 haproxy[998]: Server be_api/api-2 is DOWN, reason: Layer4 "
        'connection problem, info: "Connection refused", check duration: 0ms.',
        None,
        T,
        "a server down for another reason",
    ),
    # 22 NXDOMAIN / no such host (held out)
    Case(
        "dial tcp: lookup inventory.prod.svc.cluster.local on 10.96.0.10:53: no such host",
        _inc(22),
        H,
    ),
    Case(
        ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 10293",
        _inc(22),
        H,
    ),
    Case(
        ";; ->>HEADER<<- opcode: QUERY, status: REFUSED, id: 10294",
        None,
        H,
        "another DNS status",
        got=_inc(22),
        why="REFUSED is a generic word, not a name, so the slot check does not see it",
    ),
    # 23 SERVFAIL / CoreDNS upstream (tuned)
    Case(
        "[ERROR] plugin/errors: 2 hooks.slack.com. AAAA: read udp 10.244.3.17:51111->10.0.0.2:53: "
        "i/o timeout",
        _inc(23),
        T,
    ),
    Case(";; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 61001", _inc(23), T),
    Case(
        ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 61002",
        None,
        T,
        "a DNS answer that is no error",
    ),
    # 24 x509 expired (held out)
    Case(
        "x509: certificate has expired or is not yet valid: current time 2026-12-02T10:01:02Z "
        "is after 2026-11-30T23:59:59Z",
        _inc(24),
        H,
    ),
    Case(
        _crlf(
            'Post "https://hooks.partner.example/v2/events": tls: failed to verify certificate: '
            "x509: certificate has expired or is not yet valid\n"
        ),
        _inc(24),
        H,
        "CRLF",
    ),
    Case(
        "tls: failed to verify certificate: x509: certificate signed by unknown authority",
        None,
        H,
        "same check, another reason",
        got=_inc(24),
        why="`tls: failed to verify certificate: x509: certificate` is shared; the reason is in words",
    ),
    # 25 AWS throttling (tuned)
    Case(
        "Error: reading EC2 Instance (i-0f9e8d7c6b5a43210): operation error EC2: "
        "DescribeInstances, https response error StatusCode: 400, RequestID: "
        "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d, api error ThrottlingException: Rate exceeded",
        _inc(25),
        T,
    ),
    Case(
        "│ Error: reading EC2 Instance (i-0123456789abcdef0): operation error EC2: "
        "DescribeInstances, exceeded maximum number of attempts, 25, https response error "
        "StatusCode: 400, RequestID: 7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d, api error "
        "ThrottlingException: Rate exceeded",
        _inc(25),
        T,
        "Terraform's box-drawing margin",
    ),
    Case(
        "Error: creating EC2 Instance: operation error EC2: RunInstances, https response error "
        "StatusCode: 400, RequestID: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d, api error "
        "InsufficientInstanceCapacity: We currently do not have sufficient m5.large capacity",
        None,
        T,
        "same API, another error",
    ),
    # 26 S3 AccessDenied (held out)
    Case(
        "upload failed: ./backup-2026-12-02.tar.gz to s3://acme-backups/db/backup-2026-12-02."
        "tar.gz An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
        _inc(26),
        H,
    ),
    Case(
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
        "PutObject operation: Access Denied",
        _inc(26),
        H,
    ),
    Case(
        "An error occurred (NoSuchBucket) when calling the PutObject operation: The specified "
        "bucket does not exist",
        None,
        H,
        "same call, another error",
    ),
    # 27 ENOSPC (tuned)
    Case("npm ERR! nospc ENOSPC: no space left on device, write", _inc(27), T),
    Case(
        "Error: ENOSPC: no space left on device, open '/home/runner/.npm/_cacache/tmp/8c2f1a0b'",
        _inc(27),
        T,
    ),
    Case("npm ERR! code EACCES", None, T, "same tool, another errno"),
    # 28 BuildKit cache key (held out)
    Case(
        "ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of "
        'ref 9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b::z1x2c3v4b5n6: "/app/dist": not found',
        _inc(28),
        H,
    ),
    Case(
        '#12 ERROR: failed to calculate checksum of ref moby::p0o9i8u7y6t5: "/app/dist": not found',
        _inc(28),
        H,
        "BuildKit step output",
    ),
    Case(
        'ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete '
        "successfully: exit code: 1",
        None,
        H,
        "same builder, another failure",
    ),
    # 29 podman short names (tuned)
    Case(
        'Error: creating build container: short-name "python:3.12-slim" did not resolve to an '
        'alias and no unqualified-search registries are defined in "/etc/containers/'
        'registries.conf"',
        _inc(29),
        T,
        "another image",
    ),
    Case(
        'Error: short-name "node:20-alpine" did not resolve to an alias and no '
        'unqualified-search registries are defined in "/etc/containers/registries.conf"',
        _inc(29),
        T,
    ),
    Case(
        "Error: creating build container: initializing source docker://node:20-alpine: "
        "reading manifest 20-alpine in docker.io/library/node: toomanyrequests: You have "
        "reached your pull rate limit.",
        None,
        T,
        "same step, another failure",
    ),
    # 30 Metaspace (held out)
    Case(
        'Exception in thread "quartz-worker-9" java.lang.OutOfMemoryError: Metaspace',
        _inc(30),
        H,
    ),
    Case(
        "java.lang.OutOfMemoryError: Java heap space",
        None,
        H,
        "same error type, another pool",
    ),
    # Long logs: one real error among 10,000 noisy lines.
    Case(
        noisy_log(
            "2026-12-02T10:47:11.873Z ERROR ActiveRecord::ConnectionTimeoutError: could "
            "not obtain a connection from the pool within 5.000 seconds (waited 5.001 "
            "seconds); all pooled connections were in use"
        ),
        _inc(8),
        H,
        "10,000-line log",
    ),
    Case(
        noisy_log(
            "2026-12-02T10:47:11.873Z ERROR upstream prematurely closed connection while "
            "reading response header from upstream",
            seed=12,
        ),
        _inc(19),
        T,
        "10,000-line log",
    ),
    Case(noisy_log("2026-12-02T10:47:11.873Z INFO shutting down", seed=13), None, T, "no error"),
)
