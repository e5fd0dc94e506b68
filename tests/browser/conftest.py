"""A real chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.speech_audio import spoken_recording
from tests.public.content import FA_LINES, build_archive

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--autoplay-policy=no-user-gesture-required", "--mute-audio",
]

@pytest.fixture(scope="module")
def browser():
    """One chromium per test module.

    Playwright's sync API keeps an event loop running in this thread while it is started, and
    Django's ORM refuses to run in a thread with a running loop unless told the access is
    deliberate (the test owns both). Both last only as long as this fixture, so tests in other
    folders run with Django's usual guard.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def recording(tmp_path_factory):
    """A Persian recording read by espeak-ng, and where each sentence starts and ends (ms)."""
    return spoken_recording(FA_LINES, voice="fa", folder=tmp_path_factory.mktemp("audio"))


@pytest.fixture
def site(live_server, data_dir, recording, settings):
    settings.ROSTRA_EMBEDDINGS = "none"
    settings.SITE_URL = live_server.url
    path, spans = recording
    archive = build_archive(path, spans=spans)
    archive.url = live_server.url
    archive.spans = spans
    return archive


def wait_until(page, expression: str, timeout_ms: int = 30_000) -> None:
    """Like page.wait_for_function, without its in-page polling: that loop compiles the
    expression with eval, which the site's Content-Security-Policy refuses. page.evaluate runs
    through DevTools, outside the page's policy, so the site is tested under its real CSP."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_ms} ms waiting for: {expression}")
        page.wait_for_timeout(50)
