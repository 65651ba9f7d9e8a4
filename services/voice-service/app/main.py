"""voice-service HTTP API: a health contract and honest feature gates."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

SERVICE = "voice-service"
VERSION = "1.0.0"

#: Each feature is switched on by the presence of its provider credential.
#: Only the *presence* of a value is ever read out; the value itself is never
#: returned, logged or stored on the app.
FEATURE_ENV = {
    "stt": "VOICE_STT_API_KEY",
    "tts": "VOICE_TTS_API_KEY",
    "intent": "VOICE_INTENT_API_KEY",
}


def features() -> dict[str, bool]:
    """Which features are configured, read from the environment on each call."""
    return {name: bool(os.environ.get(var, "").strip()) for name, var in FEATURE_ENV.items()}


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # print, not only logging: uvicorn's default log config does not show this
    # logger's INFO lines, and the startup banner is what operators grep for.
    print(f"🎙️ Starting {SERVICE} v{VERSION}", flush=True)
    enabled = ", ".join(f"{name}={'on' if on else 'off'}" for name, on in features().items())
    print(f"features: {enabled}", flush=True)
    yield
    print(f"Stopping {SERVICE} v{VERSION}", flush=True)


app = FastAPI(title=SERVICE, version=VERSION, lifespan=lifespan)


@app.get("/health")
def health() -> dict[str, object]:
    """Liveness and configuration summary; the container HEALTHCHECK calls this."""
    return {"status": "healthy", "service": SERVICE, "version": VERSION, "features": features()}


def _gate(feature: str) -> JSONResponse:
    # No provider integration exists yet. Rather than fake a transcript or an
    # audio clip, say plainly why there is no result.
    if not features()[feature]:
        return JSONResponse(
            status_code=503,
            content={
                "detail": f"feature not configured: {feature}",
                "configure": FEATURE_ENV[feature],
            },
        )
    return JSONResponse(status_code=501, content={"detail": f"feature not implemented: {feature}"})


@app.post("/v1/stt", status_code=501, responses={503: {"description": "not configured"}})
def speech_to_text() -> JSONResponse:
    """Speech to text: 503 until VOICE_STT_API_KEY is set, then 501 (no provider yet)."""
    return _gate("stt")


@app.post("/v1/tts", status_code=501, responses={503: {"description": "not configured"}})
def text_to_speech() -> JSONResponse:
    """Text to speech: 503 until VOICE_TTS_API_KEY is set, then 501 (no provider yet)."""
    return _gate("tts")


@app.post("/v1/intent", status_code=501, responses={503: {"description": "not configured"}})
def intent() -> JSONResponse:
    """Intent detection: 503 until VOICE_INTENT_API_KEY is set, then 501 (no provider yet)."""
    return _gate("intent")
