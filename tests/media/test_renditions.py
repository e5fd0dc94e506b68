"""Web renditions: stream recordings browsers cannot play come out as ones they can."""

from __future__ import annotations

import os
import time
from pathlib import Path

import av
import pytest

import mediafactory
from rostra.archive.domain.media import add_media_file
from rostra.archive.models import Event, Speech
from rostra.core.digests import sha256_of
from rostra.core.storage import media_dir
from rostra.media.domain import renditions as domain
from rostra.media.models import Rendition
from rostra.pipeline.renditions import encode
from rostra.pipeline.renditions.plan import (RenditionOptions, SourceShape, plan_renditions,
                                             video_heights)
from rostra.processing.in_process import process_speech
from rostra.processing.models import StageRun
from rostra.processing.tasks import queue_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def renditions_on(settings):
    settings.ROSTRA_RENDITIONS = True
    settings.ROSTRA_RENDITION_HEIGHTS = [720, 360]


@pytest.fixture
def speech_with(data_dir, tmp_path):
    def make(name: str, *, fmt: str | None = None, video: bool = True, seconds: float = 2.0,
             size=(64, 48)) -> Speech:
        event, _ = Event.objects.get_or_create(slug="okd", defaults={"name": {"en": "OKD"}})
        speech = Speech.objects.create(event=event, slug=Path(name).stem,
                                       title={"en": "Rivers"}, original_language="en")
        recording = mediafactory.write_recording(
            tmp_path / name, audio_tracks=[(mediafactory.tone(seconds), "eng")], video=video,
            fmt=fmt, size=size)
        add_media_file(recording, speech=speech)
        speech.refresh_from_db()
        return speech

    return make


def top_level_boxes(path: Path) -> list[bytes]:
    """The MP4's top-level box types in file order (moov before mdat means faststart)."""
    data, boxes, offset = path.read_bytes(), [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset:offset + 4], "big")
        boxes.append(data[offset + 4:offset + 8])
        if size < 8:
            break
        offset += size
    return boxes


@pytest.mark.parametrize("name,fmt", [("stream.ts", "mpegts"), ("stream.flv", "flv"),
                                      ("stream.mkv", "matroska")])
def test_a_stream_recording_is_published_as_web_video_audio_poster_and_thumbnails(
        speech_with, name, fmt):
    speech = speech_with(name, fmt=fmt)
    outcomes = {o.stage: o for o in process_speech(speech, stages=["renditions"])}
    assert outcomes["renditions"].status == "done", outcomes["renditions"].message
    made = {r.name: r for r in Rendition.objects.filter(asset=speech.media)}
    # The recording is 48 pixels high: no rendition is taller than that (never upscaled).
    assert set(made) == {"opus", "mp3", "mp4-48", "poster", "thumbnails", "thumbnails-vtt"}
    mp4 = made["mp4-48"]
    path = media_dir() / mp4.path
    assert mp4.path == f"renditions/{mp4.sha256[:2]}/{mp4.sha256}.mp4"
    assert sha256_of(path) == mp4.sha256 and path.stat().st_size == mp4.size
    boxes = top_level_boxes(path)
    assert boxes.index(b"moov") < boxes.index(b"mdat")
    with av.open(str(path)) as container:
        assert [s.codec_context.name for s in container.streams] == ["h264", "aac"]
        assert container.streams.video[0].codec_context.height == 48
    assert 1500 < mp4.duration_ms < 2600
    for audio, codec in (("opus", "opus"), ("mp3", "mp3")):
        with av.open(str(media_dir() / made[audio].path)) as container:
            assert [s.codec_context.name for s in container.streams] in ([codec], ["mp3float"])
    assert (media_dir() / made["poster"].path).read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    track = (media_dir() / made["thumbnails-vtt"].path).read_text()
    assert track.startswith("WEBVTT")
    assert "thumbnails.jpg#xywh=0,0,160,120" in track  # one tile: 160 wide, 4:3
    assert track.count("#xywh=") == 5  # a short clip: one every half second
    sprite = made["thumbnails"]
    assert (sprite.width, sprite.height) == (5 * 160, 120)
    assert (media_dir() / speech.media.path).exists()  # the original is kept


def test_an_audio_recording_gets_audio_only_versions(speech_with):
    speech = speech_with("talk.mka", video=False)
    process_speech(speech, stages=["renditions"])
    assert set(Rendition.objects.values_list("name", flat=True)) == {"opus", "mp3"}


def test_a_rerun_skips_what_is_made_and_remakes_what_is_missing(speech_with):
    speech = speech_with("talk.mkv")
    first = domain.make_speech_renditions(speech)
    assert {o.status for o in first} == {"made"}
    again = domain.make_speech_renditions(speech)
    assert {o.status for o in again} == {"kept"}
    poster = Rendition.objects.get(name="poster")
    (media_dir() / poster.path).unlink()
    third = {o.name: o.status for o in domain.make_speech_renditions(speech)}
    assert third.pop("poster") == "made"
    assert set(third.values()) == {"kept"}
    # The stage as a whole is up to date until the recording or the options change.
    assert {o.stage: o.status for o in process_speech(speech, stages=["renditions"])} == \
        {"renditions": "done"}
    assert {o.stage: o.status for o in process_speech(speech, stages=["renditions"])} == \
        {"renditions": "up-to-date"}


def test_two_heights_below_the_source_and_none_above():
    options = RenditionOptions(heights=(720, 360))
    assert video_heights(SourceShape(True, 1920, 1080), options) == [720, 360]
    assert video_heights(SourceShape(True, 854, 480), options) == [480, 360]
    assert video_heights(SourceShape(True, 320, 240), options) == [240]
    assert video_heights(SourceShape(False), options) == []
    names = [s.name for s in plan_renditions(SourceShape(True, 1920, 1080, 7_200_000),
                                             RenditionOptions(hls_from_ms=3_600_000))]
    assert names == ["opus", "mp3", "mp4-720", "mp4-360", "poster", "thumbnails",
                     "thumbnails-vtt", "hls-360"]
    widths = {s.name: s.width for s in plan_renditions(SourceShape(True, 1920, 1080),
                                                        options)}
    assert (widths["mp4-720"], widths["mp4-360"]) == (1280, 640)


def test_a_failing_encoder_leaves_no_file_behind(speech_with, monkeypatch):
    speech = speech_with("talk.mkv")
    calls = []

    def break_after_a_while(*args):
        calls.append(1)
        if len(calls) > 20:
            raise RuntimeError("the disk went away")
        return real(*args)

    real = encode._encode_audio_frame
    monkeypatch.setattr(encode, "_encode_audio_frame", break_after_a_while)
    with pytest.raises(RuntimeError):
        domain.make_speech_renditions(speech)
    leftovers = [p for p in (media_dir() / "renditions").rglob("*") if p.is_file()]
    assert leftovers == []
    assert not Rendition.objects.exists()


def test_what_a_killed_encoder_left_is_swept_later(data_dir):
    folder = domain.staging_dir()
    folder.mkdir(parents=True)
    leftover = folder / ".abc123.part"
    leftover.write_bytes(b"half an mp4")
    fresh = folder / ".def456.part"  # an encoder running now: left alone
    fresh.write_bytes(b"being written")
    old = time.time() - domain.ORPHAN_AGE_SECONDS - 60
    os.utime(leftover, (old, old))
    assert domain.sweep_orphans() == 1
    assert not leftover.exists() and fresh.exists()


def test_hls_for_long_recordings_copies_the_small_mp4_into_segments(speech_with, monkeypatch):
    speech = speech_with("talk.ts", fmt="mpegts", seconds=3.0)
    # "Long" is an hour by default; a second here, so a short clip shows the mechanics.
    monkeypatch.setattr(domain, "rendition_options", lambda: RenditionOptions(
        hls_from_ms=1000, hls_segment_seconds=1))
    domain.make_speech_renditions(speech)
    hls = Rendition.objects.get(name="hls-48")
    playlist_path = media_dir() / hls.path
    assert hls.path.endswith("/index.m3u8") and hls.mime_type == "application/vnd.apple.mpegurl"
    playlist = playlist_path.read_text()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and "#EXT-X-ENDLIST" in playlist
    segments = sorted(p.name for p in playlist_path.parent.glob("segment-*.ts"))
    assert len(segments) >= 2 and all(name in playlist for name in segments)
    with av.open(str(playlist_path)) as container:
        assert {s.codec_context.name for s in container.streams} == {"h264", "aac"}


def test_renditions_go_to_the_media_queue():
    assert queue_for("renditions") == "media"
    assert queue_for("interpret:fa") == "asr"


def test_the_stage_is_recorded_with_what_it_made(speech_with):
    speech = speech_with("talk.flv", fmt="flv")
    process_speech(speech, stages=["renditions"])
    run = StageRun.objects.get(speech=speech, stage="renditions")
    assert run.status == "done" and run.fingerprint
    names = {row["name"] for row in run.detail["renditions"]}
    assert "mp4-48" in names and "poster" in names


def test_renditions_are_queued_beside_recognition_not_after_it(
        speech_with, settings, monkeypatch, django_capture_on_commit_callbacks):
    from rostra.processing import tasks

    sent = []
    monkeypatch.setattr(tasks.run_stage_task, "apply_async",
                        lambda args, kwargs, queue: sent.append(queue))
    speech = speech_with("talk.flv", fmt="flv")
    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.enqueue_speech(speech)
    assert [run.stage for run in queued] == ["asr", "renditions"]
    assert sent == ["asr", "media"]
