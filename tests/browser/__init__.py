"""Browser tests: the built site in headless Chromium, driven by Playwright."""
