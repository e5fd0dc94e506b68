"""The speech page plays the web renditions, offers the audio languages, and lists downloads."""

from __future__ import annotations

import re

import pytest

from rostra.media.models import Rendition
from tests.media.interpreted import LICENCE, SOURCE, build_interpreted_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(data_dir, tmp_path, settings):
    settings.ROSTRA_RENDITION_HEIGHTS = [720, 360]
    return build_interpreted_archive(tmp_path, seconds=3.0)


def page(client, archive, language="en"):
    response = client.get(f"/{language}/speeches/{archive.speech.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_player_plays_the_mp4_with_poster_and_thumbnails(client, archive):
    html = page(client, archive)
    slug = archive.speech.slug
    assert re.search(rf'<video id="player"[^>]* src="/media/speeches/{slug}/mp4-120.mp4"', html)
    assert f'poster="/media/speeches/{slug}/poster.jpg"' in html
    assert f'kind="metadata" label="thumbnails" src="/media/speeches/{slug}/thumbnails.vtt"' \
        in html


def test_the_audio_language_menu_offers_the_floor_and_the_interpreter(client, archive):
    html = page(client, archive)
    slug = archive.speech.slug
    menu = re.search(r"<select data-audio-language>(.*?)</select>", html, re.S).group(1)
    assert re.findall(r'value="(\w+)"[^>]*data-src="([^"]+)"', menu) == [
        ("fa", f"/media/speeches/{slug}/mp4-120.mp4"),
        ("en", f"/media/speeches/{slug}/en/mp4-120.mp4")]
    assert "audio-language.js" in html


def test_the_download_panel_lists_every_version_with_sizes_transcripts_licence_source(
        client, archive):
    html = page(client, archive)
    slug = archive.speech.slug
    panel = re.search(r'<section class="download-panel".*?</section>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)"', panel)
    for name in ("mp4-120.mp4", "opus.opus", "mp3.mp3", "en/mp4-120.mp4", "en/opus.opus",
                 "en/mp3.mp3"):
        assert f"/media/speeches/{slug}/{name}" in links
    assert f"/media/speeches/{slug}" in links  # the original, as recorded
    for language in ("fa", "ar", "en"):
        for fmt in ("vtt", "srt", "txt"):
            assert f"/transcripts/{slug}/{language}.{fmt}?download=1" in links
    mp4 = Rendition.objects.get(asset=archive.speech.media, name="mp4-120")
    assert re.search(r"mp4-120.mp4\"[^>]*>[^<]*</a> <span class=\"size\" dir=\"ltr\">"
                     r"[\d.,]+\xa0(KB|bytes)</span>", panel), mp4.size
    assert f'<span dir="ltr">{LICENCE}</span>' in panel
    assert f'href="{SOURCE}"' in panel
    assert "spoken by a human interpreter, transcribed by machine" in panel


def test_renditions_are_served_with_ranges_and_the_track_finds_its_sprite(client, archive):
    slug = archive.speech.slug
    whole = client.get(f"/media/speeches/{slug}/mp4-120.mp4")
    assert whole.status_code == 200 and whole["Content-Type"] == "video/mp4"
    part = client.get(f"/media/speeches/{slug}/en/opus.opus", HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and part["Content-Range"].startswith("bytes 0-99/")
    track = client.get(f"/media/speeches/{slug}/thumbnails.vtt")
    assert track.status_code == 200
    sprite_name = re.search(r"\n(\S+)#xywh=", b"".join(track.streaming_content).decode()
                            if track.streaming else track.content.decode()).group(1)
    assert client.get(f"/media/speeches/{slug}/{sprite_name}").status_code == 200
    assert client.get(f"/media/speeches/{slug}/nothing.mp4").status_code == 404
    assert client.get(f"/media/speeches/{slug}/xx/opus.opus").status_code == 404


def test_renditions_are_handed_to_the_front_server_like_the_original(client, archive,
                                                                      settings):
    settings.ROSTRA_MEDIA_OFFLOAD = "x-accel-redirect"
    settings.ROSTRA_MEDIA_INTERNAL_URL = "/_protected_media/"
    slug = archive.speech.slug
    mp4 = Rendition.objects.get(asset=archive.speech.media, name="mp4-120")
    answer = client.get(f"/media/speeches/{slug}/mp4-120.mp4", HTTP_RANGE="bytes=0-99")
    assert answer.status_code == 200 and answer.content == b""
    assert answer["X-Accel-Redirect"] == "/_protected_media/" + mp4.path
    assert answer["ETag"] == f'"{mp4.sha256}"' and answer["Content-Type"] == "video/mp4"
    settings.ROSTRA_MEDIA_OFFLOAD = "x-sendfile"
    answer = client.get(f"/media/speeches/{slug}/en/opus.opus")
    assert answer["X-Sendfile"].endswith(".opus") and answer.content == b""


def test_the_api_says_which_transcript_is_an_interpretation(client, archive):
    response = client.get(f"/api/speeches/{archive.speech.slug}")
    assert response.status_code == 200
    found = {(t["language"], t["origin"], t["machine"]) for t in response.json()["transcripts"]}
    assert ("en", "interpretation", True) in found
    reader_gets = client.get(f"/api/speeches/{archive.speech.slug}/transcripts/en").json()
    assert reader_gets["origin"] == "interpretation"


def test_the_api_lists_audio_tracks_and_every_rendition_with_its_address(client, archive):
    body = client.get(f"/api/speeches/{archive.speech.slug}").json()
    assert body["audio_tracks"] == [{"language": "en", "interpretation": True}]
    by_name = {(r["language"], r["name"]): r for r in body["renditions"]}
    mp4 = by_name[("", "mp4-120")]
    assert mp4["kind"] == "video" and mp4["mime_type"] == "video/mp4" and mp4["size"] > 0
    assert ("en", "opus") in by_name and ("", "poster") in by_name
    for rendition in body["renditions"]:  # every address answers
        assert client.get(rendition["url"], HTTP_RANGE="bytes=0-9").status_code in (200, 206)


def test_status_counts_audio_tracks_and_renditions(archive):
    from rostra.cli.commands.status import archive_status, status_rows

    status = archive_status()
    made = Rendition.objects.count()
    assert status["audio_tracks"] == {"en": 1}
    assert status["renditions"]["count"] == made and status["renditions"]["bytes"] > 0
    assert status["renditions"]["by_name"]["opus"] == 2  # the floor's and the interpreter's
    rows = dict(status_rows(status))
    assert rows["interpreter audio tracks"] == "English (en) 1"
    assert rows["web renditions"].startswith(f"{made} (")
