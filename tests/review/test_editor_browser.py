"""In a real chromium: an editor takes a speech from "needs review" to published in Persian,
Arabic and English, using the editor's keyboard shortcuts and fixing stale translations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rostra.archive.models import Speech
from tests.review.conftest import PASSWORD, make_user, transcript_of

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + the ORM

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu",
                                                   "--mute-audio"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        yield page
        browser.close()


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"review-{name}.png"), full_page=True)


NAMES = {"fa": "Persian", "ar": "Arabic", "en": "English"}  # as the English pages name them


def language_row(page, language):
    # The first row naming the language is its own (the others may say "from Persian").
    return page.get_by_role("row").filter(has_text=NAMES[language]).first


def open_editor(page, language):
    language_row(page, language).get_by_role("link").first.click()
    page.wait_for_selector("form#editor")


def test_needs_review_to_published_in_three_languages(live_server, page, speech):
    make_user("editor_all", "editor")
    page.goto(f"{live_server.url}/en/review/login/")
    page.fill("#id_username", "editor_all")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/review/queue/")
    assert "Needs review · 1" in page.content()
    shot(page, "queue")
    page.get_by_role("link", name="Smart cities").click()
    page.wait_for_url("**/review/speech/smart-cities/")

    # correct the Persian source: type, then Ctrl+S
    open_editor(page, "fa")
    text = page.locator("#seg-0-text")
    text.fill("شهرهای هوشمند انرژیِ کمتری مصرف می‌کنند")
    text.press("Control+s")
    page.wait_for_selector(".messages li.success")
    assert "saved as revision" in page.inner_text(".messages")
    # Alt+↓ to the next segment, Alt+R marks it reviewed, Ctrl+S saves
    page.locator("#seg-0-text").focus()
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+r")
    page.keyboard.press("Control+s")
    page.wait_for_selector(".messages li.success")
    assert page.locator("#seg-1 .reviewed").is_checked()
    shot(page, "editor-fa")
    page.get_by_role("link", name="← smart-cities").click()

    # the edit made the overlapping translated segments stale: review them by hand
    for language in ("ar", "en"):
        assert "1 stale" in language_row(page, language).inner_text()
        open_editor(page, language)
        assert page.locator(".segment.stale").count() == 1
        page.locator(".segment.stale textarea").focus()
        page.keyboard.press("Alt+r")
        page.keyboard.press("Control+s")
        page.wait_for_selector(".messages li.success")
        assert page.locator(".segment.stale").count() == 0
        page.get_by_role("link", name="← smart-cities").click()

    for language in ("fa", "ar", "en"):
        page.get_by_role("button", name=f"Approve {NAMES[language]}").click()
        page.wait_for_selector(".messages li.success")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_selector(".messages li.success")
    assert "Published in Persian, Arabic, English" in page.inner_text(".messages")
    shot(page, "speech-published")
    speech.refresh_from_db()
    assert speech.state == Speech.State.PUBLISHED
    assert speech.published_languages == ["fa", "ar", "en"]
    assert all(transcript_of(speech, code).approved for code in ("fa", "ar", "en"))
    assert page.js_errors == []
