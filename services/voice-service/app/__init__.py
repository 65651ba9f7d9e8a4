"""voice-service: the small FastAPI app whose image failed in the 2025-11-09 incident."""
