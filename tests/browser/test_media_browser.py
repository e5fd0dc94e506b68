"""Audio languages and the download panel in a real browser (Debian's chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media.interpreted import LICENCE, build_interpreted_archive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "document.getElementById('player')"
# Looked at by hand after a run; outside the repository.
SCREENSHOTS = Path("/tmp/rostra-screenshots")


@pytest.fixture
def site(live_server, data_dir, tmp_path, settings):
    settings.ROSTRA_EMBEDDINGS = "none"
    settings.SITE_URL = live_server.url
    settings.ROSTRA_RENDITION_HEIGHTS = [720, 360]
    archive = build_interpreted_archive(tmp_path, seconds=6.0)
    archive.url = live_server.url
    return archive


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_choosing_the_interpreter_keeps_the_position_and_turns_the_transcript(page, site):
    page.goto(f"{site.url}/fa/speeches/{site.speech.slug}/")
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    assert page.get_attribute("[data-segments]", "lang") == "fa"
    assert page.evaluate(f"{PLAYER}.currentSrc").endswith("/mp4-120.mp4")
    page.evaluate(f"{PLAYER}.currentTime = 3.0")
    page.evaluate(f"{PLAYER}.play()")
    page.wait_for_function(f"() => {PLAYER}.currentTime > 3.2")
    page.select_option("[data-audio-language]", "en")
    page.wait_for_function(f"() => {PLAYER}.currentSrc.endsWith('/en/mp4-120.mp4')")
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1 && {PLAYER}.currentTime >= 3.0")
    position = page.evaluate(f"{PLAYER}.currentTime")
    assert 3.0 <= position < 5.0  # where the reader was, not the start
    page.wait_for_function(f"() => {PLAYER}.currentTime > {position + 0.2}")  # and still playing
    # The transcript now shows what is heard: the interpreter's English.
    page.wait_for_function("() => document.querySelector('[data-segments]').lang === 'en'")
    provenance = page.text_content("[data-provenance]")
    assert "ترجمه همزمان: گفته مترجم انسانی" in provenance  # the Persian interface says so
    page.evaluate(f"{PLAYER}.pause()")
    shoot(page, "audio-language-en")
    page.select_option("[data-audio-language]", "fa")
    page.wait_for_function(f"() => {PLAYER}.currentSrc.endsWith('/media/speeches/"
                           f"{site.speech.slug}/mp4-120.mp4')")
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    assert page.evaluate(f"{PLAYER}.currentTime") >= position
    assert page.js_errors == []


def test_the_download_panel_links_work_and_show_sizes(page, site):
    page.goto(f"{site.url}/en/speeches/{site.speech.slug}/")
    panel = page.locator("[data-downloads]")
    panel.scroll_into_view_if_needed()
    assert panel.is_visible()
    shoot(page, "download-panel-en")
    links = panel.locator("a[download]")
    hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert len(hrefs) == 7 + 9  # 2 videos, 4 audio files, the original; 3 languages × 3
    for href in hrefs:
        response = page.request.get(site.url + href)
        assert response.status == 200, href
        assert int(response.headers["content-length"]) > 0
    sizes = panel.locator(".size").all_text_contents()
    assert len(sizes) == 7 and all(size.strip()[0].isdigit() for size in sizes)
    assert panel.locator("[data-licence]").text_content().strip() == LICENCE
    assert page.js_errors == []
    page.goto(f"{site.url}/fa/speeches/{site.speech.slug}/")
    page.locator("[data-downloads]").scroll_into_view_if_needed()
    shoot(page, "download-panel-fa")
