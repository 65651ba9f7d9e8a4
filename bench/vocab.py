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
# Format 1 tracked the incident; format 2 tracks the write-up's review.
FORMAT1_STATUSES = ["resolved"] * 6 + ["closed"] * 3 + ["investigating", "draft"]
STATUSES = ["published"] * 15 + ["in-review"] * 4 + ["draft"]
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
# Format 2: people, zones, and the words of timelines, impact, analyses, lessons and sections.
PEOPLE = [
    "@amara", "@bjorn", "@chen.li", "@dmitri", "@esther", "@farouk", "@grace", "@hiro",
    "@ines", "@jonas", "@kavya", "@lucia", "@mateo", "@nadia", "@oskar", "@priya",
    "@quentin", "@rosa", "@sanjay", "@tomasz", "@uma", "@viktor", "@wen", "@yusuf",
]  # fmt: skip
IANA_ZONES = [
    "Europe/Copenhagen", "America/Los_Angeles", "America/New_York", "Europe/Berlin",
    "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "Europe/London",
]  # fmt: skip
# Offsets as written, with their minutes east of UTC.
OFFSETS = [("-07:00", -420), ("+01:00", 60), ("UTC+05:30", 330), ("-03:00", -180),
           ("+09:00", 540), ("UTC-05:00", -300)]  # fmt: skip
LEAD_UP = [
    "Version 2.{n}.0 of {svc} is deployed with the change that later fails",
    "A configuration change to {svc} is merged and rolled out to one region",
    "The nightly certificate renewal job for {svc} fails without alerting",
    "Traffic to {svc} starts to climb ahead of the {tag} campaign",
]  # fmt: skip
MILESTONES = {
    "started": ["Error rate on {svc} climbs above {n} % (**impact starts**)",
                "The first requests to {svc} time out", "{svc} pods start to crash-loop",
                "Deploy of {svc} reaches production; requests begin to fail"],
    "detected": ["The {alert} alert pages on-call", "Support reports customers seeing errors",
                 "{who} notices failed requests on the {svc} dashboard",
                 "Synthetic checks for {svc} go red"],
    "declared": ["Incident declared in the incident channel", "{who} declares an incident and "
                 "takes command", "Incident opened with the {tag} runbook"],
    "escalated": ["Escalated to the {team}", "Paged the database on-call",
                  "Escalated to the vendor's support", "Raised the severity after more reports"],
    "mitigated": ["Rolled back {svc}; error rate drops", "Traffic shifted away from the failing "
                  "region", "Feature flag for {tag} turned off; requests succeed again",
                  "Scaled {svc} up; latency back under target"],
    "resolved": ["Fix deployed to every region (**impact ends**)", "{svc} healthy again; "
                 "incident closed", "Backlog drained and alerts cleared",
                 "Monitoring confirms {svc} has recovered"],
}  # fmt: skip
EVENTS = [
    "{who} joins the incident channel", "Status page updated: investigating {svc} errors",
    "Found `{err}` in the {svc} logs", "Restarted the {svc} pods; they fail again",
    "Checked recent deploys: {svc} changed {n} minutes before the start",
    "Compared staging and production settings for {tag}", "Rollback attempted but blocked by CI",
    "Customer support posts a macro for affected users", "Dashboards show {n} % of requests failing",
    "Opened a ticket with the {tag} vendor", "Paused the deploy pipeline for {svc}",
    "{who} reproduces the failure locally", "Status page updated: a fix is being deployed",
    "Cleared the {svc} cache; no change", "{who} suspects {tag} and checks its metrics",
    "Disk usage on the {svc} nodes checked: normal", "Recent {tag} changes listed in the channel",
    "A second region starts failing", "Retries from clients double the load on {svc}",
    "Fix for {svc} reviewed and merged", "Fix deployed to the canary", "Canary healthy for 10 minutes",
    "Load on the database falls back to normal", "Customer support told the fix is rolling out",
]  # fmt: skip
# Events after the incident is resolved.
AFTERMATH = [
    "Error rate back under 1 % for an hour", "Postmortem scheduled for the next day",
    "Status page entry closed", "Backfill of the missed {svc} jobs finished",
]  # fmt: skip
ALERTS = ["error-rate", "latency", "health-check", "saturation", "queue-depth", "synthetic-check"]
FIGURES = [
    ("Failed requests", "{n} %"), ("Customers affected", "{big}"), ("Orders not taken", "{big}"),
    ("Duration", "{minutes} minutes"), ("Error budget used", "{n} %"), ("Support tickets", "{n}"),
    ("Regions affected", "{few}"), ("Jobs failed", "{big}"),
]  # fmt: skip
WHYS = [
    ("Why did {svc} return errors?", "Because its dependency on {tag} refused connections."),
    ("Why were connections refused?", "Because {cause}."),
    ("Why did nothing catch it before production?", "Because staging does not exercise {tag}."),
    ("Why does staging not exercise it?", "Because the test data was never updated for {tag}."),
    ("Why was the test data not updated?", "Because no one owns the staging fixtures."),
]  # fmt: skip
LESSONS = {
    "went_well": ["The alert fired within minutes", "Rollback was one command and it worked",
                  "The runbook for {svc} was up to date", "Status page updates went out on time"],
    "went_wrong": ["Nobody noticed the failing job for weeks", "The rollback needed a manual "
                   "approval that took {n} minutes", "Staging did not match production for {tag}",
                   "Two people restarted the same pods without telling each other"],
    "lucky": ["It happened during office hours", "Traffic was low because of a holiday",
              "The one engineer who knew {tag} was on call", "No data was lost"],
    "learned": ["Read the exact error message first", "Test the fix before documenting it",
                "Retries need backoff and a budget", "Config belongs in review like code"],
}  # fmt: skip
PRACTICES = [
    "Review {tag} settings of {svc} quarterly", "Roll out config changes one region at a time",
    "Keep a tested rollback command in every runbook", "Load-test {svc} before each season",
]  # fmt: skip
STEP_COMMANDS = [
    ("Rebuilt the image", "docker compose build {svc}", "~{n} minutes", "SUCCESS"),
    ("Rolled back", "kubectl rollout undo deployment/{svc}", "1 minute", "ROLLED BACK"),
    ("Restarted the service", "docker compose up -d {svc}", None, "HEALTHY"),
    ("Scaled out", "kubectl scale deployment/{svc} --replicas={few}", "2 minutes", None),
    ("Checked health", "curl -fsS http://{svc}.internal/health", None, '{"status": "ok"}'),
]  # fmt: skip
IMAGES = ["error-rate", "latency", "saturation", "traffic"]
TICKETS = [
    "https://tracker.example.com/browse/OPS-{n}",
    "https://github.com/example/{svc}/issues/{n}",
]
OUTCOMES = ["down", "degraded", "slow", "returning 502s", "dropping requests", "stuck"]
TRIGGERS = ["a deploy", "a config change", "a certificate expiry", "a traffic spike",
            "a dependency upgrade", "a schema migration", "a node upgrade"]  # fmt: skip
FOLLOW_UPS = [
    *ACTIONS, "Document the rollback of {x}", "Page on the cause, not the symptom, for {x}",
    "Add {x} to the staging smoke tests", "Move the limits of {x} into runtime configuration",
]  # fmt: skip
