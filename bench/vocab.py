"""Word pools for the synthetic incidents: services, tags, errors, causes, Dockerfiles."""

from __future__ import annotations

SERVICES = [
    "api-gateway", "auth-service", "user-service", "billing", "checkout", "search-api",
    "voice-service", "scraping-service", "analytics", "notification-service", "payments",
    "inventory", "recommendations", "media-transcoder", "ingest-worker", "scheduler",
    "report-builder", "graphql-edge", "profile-store", "feature-flags", "webhooks",
    "email-sender", "geo-lookup", "pricing", "catalog", "ledger", "audit-log", "cdn-origin",
    "image-resizer", "chat-service", "sms-gateway", "export-worker", "identity-sync",
    "metrics-relay",
]  # fmt: skip
TAGS = [
    "docker", "python", "kubernetes", "permissions", "pip", "dns", "tls", "certificates",
    "memory", "oom", "cpu", "disk-full", "postgres", "redis", "kafka", "zookeeper", "nginx",
    "timeouts", "retries", "rate-limiting", "deploy", "rollback", "config", "secrets",
    "feature-flag", "migration", "schema", "db-index", "cache", "cache-stampede", "queue",
    "backpressure", "healthcheck", "readiness-probe", "liveness-probe", "cron", "time-zone",
    "clock-skew", "dependency", "version-pin", "supply-chain", "multi-stage-build", "ipv6",
    "load-balancer", "connection-pool", "thread-pool", "deadlock", "race-condition", "logging",
    "monitoring", "alerting", "on-call", "runbook", "network", "firewall", "s3", "backup",
    "restore", "data-loss", "encoding", "unicode", "json", "grpc", "http2", "websocket",
    "terraform", "helm", "ci", "flaky-test", "canary", "capacity", "quota", "cost", "auth",
    "oauth", "jwt", "cors", "third-party", "vendor-outage", "human-error",
]  # fmt: skip
TEAMS = ["platform team", "payments team", "core team", "data team", "growth team", "sre on-call"]
SEVERITIES = (["SEV1"] * 1) + (["SEV2"] * 4) + (["SEV3"] * 9) + (["SEV4"] * 6)
STATUSES = ["resolved"] * 6 + ["closed"] * 3 + ["investigating", "draft"]
ERRORS = [
    ("python", "Traceback (most recent call last):\n"
     "  File \"/app/{svc}/main.py\", line {n}, in <module>\n    from {mod} import create_app\n"
     "ModuleNotFoundError: No module named '{mod}'"),
    ("text", "{svc}  | OOMKilled: container exceeded memory limit ({n}Mi)\n{svc}  | exit code 137"),
    ("text", "upstream timed out (110: Connection timed out) while reading response header from "
     "upstream, client: 10.0.{n}.7, server: {svc}, request: \"GET /api/v1/items HTTP/1.1\""),
    ("text", "psycopg.OperationalError: connection failed: FATAL: remaining connection slots are "
     "reserved for non-replication superuser connections ({svc}, pool size {n})"),
    ("text", "x509: certificate has expired or is not yet valid: "
     "current time {date}T03:{n:02d}:00Z is after {date}T00:00:00Z\n{svc}: TLS handshake failed"),
    ("json", "{{\"level\": \"error\", \"service\": \"{svc}\", \"msg\": \"kafka: client has run out "
     "of available brokers to talk to\", \"retries\": {n}}}"),
    ("text", "Error: ENOSPC: no space left on device, write '/var/lib/{svc}/spool/{n}.tmp'"),
    ("text", "redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection "
     "refused.\n{svc} readiness probe failed: HTTP probe failed with statuscode: 503"),
]  # fmt: skip
MODULES = ["uvicorn", "gunicorn", "fastapi", "celery", "orjson", "httpx", "pydantic_settings"]
CAUSES = [
    "a configuration value changed in one environment only and was never reviewed",
    "a dependency was upgraded without a pinned version and changed its defaults",
    "the connection pool was sized for last year's traffic",
    "a certificate renewal job had been failing silently for weeks",
    "the container ran as a non-root user that could not read the installed packages",
    "a retry loop without backoff amplified a short upstream blip into an outage",
    "a schema migration locked a hot table during peak traffic",
    "log files filled the data volume because rotation was disabled in the new image",
]  # fmt: skip
CHECKLIST = [
    "Pin every dependency to an exact version", "Test the image as the non-root user",
    "Alert 14 days before any certificate expires", "Size connection pools from load tests",
    "Add exponential backoff with jitter to every retry", "Run migrations outside peak hours",
    "Enable log rotation in every image", "Verify the health endpoint after each deploy",
    "Check disk usage alerts cover every volume", "Keep staging config in sync with production",
    "Document the rollback command in the runbook", "Load-test before raising traffic limits",
    "Review feature flags older than 90 days", "Set memory limits from measured peak usage",
    "Check logs for start-up errors after deploy",
]  # fmt: skip
# Container incidents fix a Dockerfile, and their checklist links the `nexus-pm check` rules
# that flag the broken snippet and pass the fixed one, as the loader insists.
_BUILDER = "FROM python:3.11-slim AS builder\nCOPY requirements.txt .\n"
_RUNTIME = "\nFROM python:3.11-slim\n"
_HEALTH = 'HEALTHCHECK CMD ["curl", "-fsS", "http://127.0.0.1:{port}/health"]\n'
_START = 'CMD ["uvicorn", "app.main:app", "--port", "{port}"]\n'
DOCKERFILES = {
    "user-install": (
        _BUILDER + "RUN pip install --user --no-cache-dir -r requirements.txt\n" + _RUNTIME
        + "COPY --from=builder /root/.local /root/.local\nCOPY app /app\nUSER nexus\n"
        "ENV PATH=/root/.local/bin:$PATH\n" + 'CMD ["python", "-m", "uvicorn", "app.main:app"]\n',
        _BUILDER + "RUN pip install --no-cache-dir -r requirements.txt\n" + _RUNTIME
        + "COPY --from=builder /usr/local/lib/python3.11/site-packages "
        "/usr/local/lib/python3.11/site-packages\nCOPY --from=builder /usr/local/bin /usr/local/bin\n"
        "COPY app /app\nUSER nexus\n" + _HEALTH + _START,
        {
            "Install packages system-wide (no --user)": "dockerfile/pip-user-install",
            "Copy packages from /usr/local, never from /root": "dockerfile/copy-from-root",
            "Keep /root out of PATH in images": "dockerfile/env-path-root",
            "Give every image a HEALTHCHECK": "dockerfile/missing-healthcheck",
        },
    ),
    "runs-as-root": (
        "FROM python:3.11-slim\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app /app\n" + _START,
        "FROM python:3.11-slim\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY app /app\n"
        "RUN useradd --create-home nexus\nUSER nexus\n" + _HEALTH + _START,
        {
            "Run the service as a non-root user": "dockerfile/root-user",
            "Give every image a HEALTHCHECK": "dockerfile/missing-healthcheck",
        },
    ),
}  # fmt: skip
ACTIONS = [
    "Add an alert for {x}", "Write a runbook entry for {x}", "Automate the check for {x}",
    "Load-test {x}", "Review other services for {x}", "Add a regression test for {x}",
]  # fmt: skip
