"""voice-service tests: the app, the `pip --user` failure without containers, and both images."""
