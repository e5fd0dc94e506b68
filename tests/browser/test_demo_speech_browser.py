"""A speech of the demo archive (real video, human subtitles in three languages) in chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

import rostra
from rostra.archive.domain.media import add_media_file
from rostra.archive.domain.publishing import publish_speech
from rostra.archive.models import Event, Speech
from rostra.transcripts.subtitle_import import import_subtitles
from tests.browser.conftest import screenshot, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(rostra.__file__).parent / "demo"


def first_cue_text(vtt: Path) -> str:
    blocks = vtt.read_text(encoding="utf-8").split("\n\n")
    cue = next(block for block in blocks if "-->" in block)
    lines = cue.splitlines()
    return "\n".join(lines[[i for i, line in enumerate(lines) if "-->" in line][0] + 1:])


@pytest.fixture
def demo_speech(live_server, data_dir, settings):
    if not (DEMO / "media" / "night-sky.webm").exists():
        pytest.fail("the demo media are missing from src/rostra/demo/media")
    settings.ROSTRA_EMBEDDINGS = "none"
    event = Event.objects.create(slug="okd-2025", name={"en": "Open Knowledge Days 2025"})
    speech = Speech.objects.create(event=event, slug="night-sky", original_language="ar",
                                   title={"ar": "السماء في الليل", "en": "The Night Sky",
                                          "fa": "آسمان شب"})
    add_media_file(DEMO / "media" / "night-sky.webm", speech=speech)
    for language in ("fa", "ar", "en"):
        import_subtitles(speech=speech, language=language,
                         path=DEMO / "subtitles" / f"night-sky.{language}.vtt")
    speech.refresh_from_db()
    publish_speech(speech, languages=["fa", "ar", "en"])
    return live_server.url + "/{lang}/speeches/night-sky/"


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_demo_video_shows_the_interface_language_track(page, demo_speech, lang):
    page.goto(demo_speech.format(lang=lang))
    assert page.locator("video#player").count() == 1
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "fa" else "ltr")
    # The default track is the interface language's; the browser loads it by itself.
    wait_until(page, f"""() => {{
        const track = [...document.getElementById('player').textTracks]
            .find(t => t.language === '{lang}');
        return track && track.mode === 'showing' && track.cues && track.cues.length > 0;
    }}""")
    first = page.evaluate(f"""() => [...document.getElementById('player').textTracks]
        .find(t => t.language === '{lang}').cues[0].text""")
    expected = first_cue_text(DEMO / "subtitles" / f"night-sky.{lang}.vtt")
    assert first.replace("\u200f", "") == expected.replace("\u200f", "")
    if lang == "fa":
        assert "به همه‌ی شما در این نشست خوش آمد می‌گویم" in first
    page.evaluate("document.getElementById('player').currentTime = 6")
    current = "document.querySelector('.segment.is-current')"
    wait_until(page, f"{current}?.dataset.start == '5008'" if lang == "fa"
                           else f"{current} !== null")
    page.wait_for_timeout(300)  # let the frame and the cue paint before the picture is taken
    screenshot(page, f"demo-video-{lang}")
    assert page.js_errors == []
