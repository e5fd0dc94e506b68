"""A published Persian speech with a video recording, an English interpreter's track, its web
renditions, and the interpretation transcript (shared by the page and browser tests)."""

from __future__ import annotations

from pathlib import Path

from rostra.archive.models import Speech
from rostra.media.domain.renditions import make_speech_renditions
from rostra.media.domain.tracks import add_recording_tracks
from rostra.transcripts.domain import save_transcript
from tests import mediafactory
from tests.public.content import EN_LINES, build_archive, segments

LICENCE = "CC BY 4.0"
SOURCE = "https://program.example.org/cities-2026/talk/smart-cities"


def build_interpreted_archive(tmp_path: Path, *, seconds: float = 10.0):
    """The archive of tests.public.content, its speech recorded with two audio tracks.

    Track 1 (the floor, Persian) is a low tone, track 2 (the English interpreter) a high one,
    so a test can tell by ear, or by file, which one plays.
    """
    recording = mediafactory.write_recording(
        tmp_path / "smart-cities.ts", fmt="mpegts", size=(160, 120),
        audio_tracks=[(mediafactory.tone(seconds, hz=220), "per"),
                      (mediafactory.tone(seconds, hz=880), "eng")])
    archive = build_archive(recording)
    speech = archive.speech
    Speech.objects.filter(pk=speech.pk).update(license=LICENCE, url=SOURCE)
    speech.refresh_from_db()
    add_recording_tracks(speech)
    make_speech_renditions(speech)
    save_transcript(speech=speech, language="en", origin="interpretation",
                    segments=segments(EN_LINES), engine="faster-whisper", model="bundled-base")
    return archive
