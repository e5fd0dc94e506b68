"""A recording played as a live source, captioned by the bundled model, read in chromium.

The whole path runs for real: the file is played at real-time pace, the bundled Whisper base
model recognizes it while it plays, committed sentences go to a tiny CTranslate2 model (its
output is gibberish: it proves the mechanics, not translation quality), uvicorn serves the
page and its Server-Sent Events, and chromium shows the captions in two languages.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
from playwright.sync_api import expect

from tests.live.conftest import speak
from tests.live.server import asgi_server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SPOKEN = "Rain gardens help cities stay cool in summer. Museums share their collections online."


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("live-model-cache")


@pytest.fixture
def captioned(settings, data_dir, tmp_path, model_cache):
    from rostra.archive.models import Event, Speech
    from rostra.pipeline.mt.tiny_model import build_tiny_model
    from rostra.processing.translation import forget_engines

    (data_dir / "models").symlink_to(model_cache, target_is_directory=True)
    tiny = build_tiny_model(tmp_path / "tiny-nllb", family="nllb")
    settings.ROSTRA_MT_ENGINE = "ctranslate2"
    settings.ROSTRA_MT_MODEL = str(tiny)
    settings.ROSTRA_EMBEDDINGS = "none"
    settings.ROSTRA_ASR_ENGINE = "faster-whisper"
    forget_engines()
    event = Event.objects.create(slug="live-expo", name={"en": "Expo"})
    speech = Speech.objects.create(event=event, slug="rain-gardens", original_language="en",
                                   title={"en": "Rain gardens"})
    clip = speak(tmp_path / "talk.wav", SPOKEN)
    yield speech, clip
    forget_engines()


def start_live_job(speech, clip):
    """Run `rostra live`'s job in a thread of this process (it shares the test database)."""
    from django.db import connection

    from rostra.live.runner import LiveRunOptions, run_live

    outcome = {}

    def run():
        try:
            outcome["job"] = run_live(speech, LiveRunOptions(source=str(clip)), report=print)
        except Exception as exc:  # surfaced by the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_file_played_live_shows_committed_captions_in_two_languages(page, captioned):
    from rostra.live.models import LiveJob
    from rostra.transcripts.models import Transcript

    speech, clip = captioned
    thread, outcome = start_live_job(speech, clip)
    deadline = time.monotonic() + 120
    while not LiveJob.objects.filter(speech=speech).exists():
        assert time.monotonic() < deadline and thread.is_alive(), outcome
        time.sleep(0.1)
    with asgi_server() as url:
        page.goto(f"{url}/en/live/rain-gardens/?captions=en")
        assert page.locator("html").get_attribute("dir") == "ltr"
        # Committed words appear while the file is still playing (or right after).
        expect(page.locator("#live-caption .committed")).to_have_text(re.compile(r"\w"),
                                                                     timeout=180_000)
        page.wait_for_selector("#live-lines li.live-line", timeout=180_000)
        first = page.locator("#live-lines li.live-line").first.text_content().lower()
        assert "garden" in first or "summer" in first or "cities" in first, first

        page.select_option("#caption-language", "fa")
        persian = page.locator("#live-lines li.live-line").first
        assert persian.get_attribute("lang") == "fa"
        assert persian.text_content().strip() and persian.text_content() != first
        assert "captions=fa" in page.url

        thread.join(240)
        assert "error" not in outcome, outcome.get("error")
        expect(page.locator("article.live")).to_have_attribute("data-state", "ended",
                                                               timeout=30_000)
        assert page.locator("#live-status").text_content().strip()
        assert page.js_errors == []

        # The Persian page is right to left, its captions too.
        page.goto(f"{url}/fa/live/rain-gardens/")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("#live-lines li.live-line").first.get_attribute("lang") == "fa"

    speech.refresh_from_db()
    assert speech.media is not None and speech.media.duration_ms > 4000
    draft = Transcript.objects.get(speech=speech, origin=Transcript.Origin.ASR)
    assert draft.flags == ["live"] and draft.options["live"] is True
    assert "garden" in " ".join(draft.segments.values_list("text", flat=True)).lower()
