# voice-service image (the fixed form from the 2025-11-09 incident).
# Build from the repository root:  docker build -t nexus/voice-service .
#
# Packages are installed system-wide in the builder and copied from /usr/local,
# so the non-root runtime user can read them. Do not reintroduce `pip --user`
# as root: /root is mode 0700 and the `nexus` user cannot see /root/.local
# (see incidents/evidence/voice-service/Dockerfile.broken).

# Stage 1: Builder
FROM python:3.11-slim AS builder
WORKDIR /build
COPY services/voice-service/requirements.txt requirements.txt
RUN pip install --no-cache-dir -r requirements.txt

# Stage 2: Runtime
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
COPY --from=builder /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages
COPY --from=builder /usr/local/bin /usr/local/bin
# A fixed uid keeps file ownership predictable on mounted volumes.
RUN useradd --uid 1000 --create-home --shell /usr/sbin/nologin nexus
WORKDIR /app
COPY services/voice-service/app ./app
USER nexus
EXPOSE 8003
# slim images ship no curl, so the check uses the interpreter already there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8003/health', timeout=4).status == 200 else 1)"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8003"]
