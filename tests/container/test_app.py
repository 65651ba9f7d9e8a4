"""voice-service app: the /health contract, feature gates, secrecy, and a real uvicorn run."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from .procs import free_port, serve, wait_for_json

ROOT = Path(__file__).resolve().parents[2]
SERVICE_DIR = ROOT / "services" / "voice-service"

# The response recorded in the 2025-11-09 write-up, with no keys configured.
SEED_HEALTH = {
    "status": "healthy",
    "service": "voice-service",
    "version": "1.0.0",
    "features": {"stt": False, "tts": False, "intent": False},
}
BANNER = "🎙️ Starting voice-service v1.0.0"
KEYS = {"stt": "VOICE_STT_API_KEY", "tts": "VOICE_TTS_API_KEY", "intent": "VOICE_INTENT_API_KEY"}
# Distinctive values, so that finding one anywhere in output is unambiguous.
SECRETS = {feature: f"sk-test-{feature}-3f9a1c7e5b" for feature in KEYS}


def load_app_module() -> ModuleType:
    # Loaded under its own name: a top-level `app` package would clash easily.
    spec = importlib.util.spec_from_file_location(
        "voice_service_main", SERVICE_DIR / "app" / "main.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in KEYS.values():
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.fixture
def client(clean_env: pytest.MonkeyPatch) -> Iterator[TestClient]:
    with TestClient(load_app_module().app) as test_client:
        yield test_client


def test_health_matches_the_recorded_contract_field_for_field(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert list(body) == list(SEED_HEALTH)
    assert body == SEED_HEALTH
    assert all(type(value) is bool for value in body["features"].values())


@pytest.mark.parametrize("feature", sorted(KEYS))
def test_each_feature_turns_on_with_its_key_alone(
    client: TestClient, clean_env: pytest.MonkeyPatch, feature: str
) -> None:
    clean_env.setenv(KEYS[feature], SECRETS[feature])
    features = client.get("/health").json()["features"]
    assert features == {name: name == feature for name in KEYS}


def test_blank_key_does_not_count_as_configured(
    client: TestClient, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("VOICE_STT_API_KEY", "   ")
    assert client.get("/health").json()["features"]["stt"] is False


@pytest.mark.parametrize("feature", sorted(KEYS))
def test_endpoints_refuse_honestly(
    client: TestClient, clean_env: pytest.MonkeyPatch, feature: str
) -> None:
    # Off: 503 and which variable to set. On: 501, since no provider exists yet.
    off = client.post(f"/v1/{feature}")
    assert off.status_code == 503
    expected = {"detail": f"feature not configured: {feature}", "configure": KEYS[feature]}
    assert off.json() == expected
    clean_env.setenv(KEYS[feature], SECRETS[feature])
    on = client.post(f"/v1/{feature}")
    assert on.status_code == 501
    assert on.json() == {"detail": f"feature not implemented: {feature}"}


def test_docs_and_openapi_are_served(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text.lower()
    spec = client.get("/openapi.json").json()
    assert spec["info"] == {"title": "voice-service", "version": "1.0.0"}
    assert {"/health", "/v1/stt", "/v1/tts", "/v1/intent"} <= set(spec["paths"])


def test_no_secret_in_any_response_or_log(
    clean_env: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for feature, var in KEYS.items():
        clean_env.setenv(var, SECRETS[feature])
    bodies = []
    with TestClient(load_app_module().app) as test_client:
        assert test_client.get("/health").json()["features"] == dict.fromkeys(KEYS, True)
        for path in ("/health", "/docs", "/openapi.json"):
            bodies.append(test_client.get(path).text)
        for feature in KEYS:
            bodies.append(test_client.post(f"/v1/{feature}").text)
    captured = capsys.readouterr()
    seen = "\n".join([*bodies, captured.out, captured.err, caplog.text])
    assert BANNER in captured.out
    assert "features: stt=on, tts=on, intent=on" in captured.out
    for secret in SECRETS.values():
        assert secret not in seen


def test_real_uvicorn_serves_health_over_http(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in KEYS.values()}
    env["VOICE_TTS_API_KEY"] = SECRETS["tts"]
    argv = [sys.executable, "-m", "uvicorn", "app.main:app", "--app-dir", str(SERVICE_DIR)]
    argv += ["--host", "127.0.0.1", "--port", str(port)]
    with serve(argv, tmp_path / "uvicorn.log", env=env, cwd=tmp_path) as server:
        status, body = wait_for_json(f"http://127.0.0.1:{port}/health", 30, server.alive)
        output = server.output()
    assert status == 200
    assert body == {**SEED_HEALTH, "features": {"stt": False, "tts": True, "intent": False}}
    assert BANNER in output
    assert f"Uvicorn running on http://127.0.0.1:{port}" in output
    assert SECRETS["tts"] not in output
