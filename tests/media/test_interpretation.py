"""Interpreters' audio: every track kept, each transcribed in its language as an interpretation.

The recording is built from espeak-ng clips: the floor in Arabic (as the program says), an
interpreter's English on track 2. Only the interpreter's track goes through the bundled Whisper
model here (English is what the base model hears exactly); the floor's recognition is the
``asr`` stage, tested elsewhere.
"""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import mediafactory
from rostra.archive.domain.media import add_media_file
from rostra.archive.models import Event, Speech
from rostra.core.errors import UserError
from rostra.media.domain.tracks import (add_interpretation_file, add_recording_tracks,
                                        parse_track_languages)
from rostra.media.models import AudioTrack
from rostra.processing.domain import planned_stages
from rostra.processing.in_process import process_speech
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.reading import preferred_transcript
from rostra.transcripts.models import Transcript

pytestmark = pytest.mark.django_db

INTERPRETER = "Clean water is one of the great achievements of modern cities."
FLOOR = "المياه النظيفة من أعظم إنجازات المدن"


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is needed to synthesize the test tracks (apt install espeak-ng)")
    folder = tmp_path_factory.mktemp("voices")
    floor = mediafactory.spoken(FLOOR, voice="ar", folder=folder)
    interpreter = mediafactory.spoken(INTERPRETER, voice="en", folder=folder)
    length = max(len(floor), len(interpreter))
    return tuple(np.pad(samples, (0, length - len(samples))) for samples in (floor, interpreter))


@pytest.fixture
def speech(data_dir):
    event = Event.objects.create(slug="okd", name={"en": "OKD"})
    return Speech.objects.create(event=event, slug="clean-water", title={"en": "Clean water"},
                                 original_language="ar")


def two_track_file(path, voices, *, second_tag="eng"):
    floor, interpreter = voices
    return mediafactory.write_recording(path, audio_tracks=[(floor, "ara"),
                                                            (interpreter, second_tag)])


def test_a_two_track_recording_yields_an_interpretation_transcript(speech, voices, tmp_path,
                                                                   settings):
    settings.ROSTRA_ASR_BEAM_SIZE = 1  # the clip is clear; keeps the test quick
    add_media_file(two_track_file(tmp_path / "panel.mkv", voices), speech=speech)
    speech.refresh_from_db()
    result = add_recording_tracks(speech)
    assert [(t.language, t.source_track) for t in result.tracks] == [("en", 2)]
    track = AudioTrack.objects.get(speech=speech)
    assert track.asset.has_video is False and track.asset.pk != speech.media_id
    assert "interpret:en" in planned_stages(speech)
    outcomes = {o.stage: o for o in process_speech(speech, stages=["interpret"])}
    assert outcomes["interpret:en"].status == "done", outcomes["interpret:en"].message
    transcript = Transcript.objects.get(speech=speech, language="en")
    assert transcript.origin == Transcript.Origin.INTERPRETATION
    assert (transcript.engine, transcript.model) == ("faster-whisper", "bundled-base")
    assert transcript.options["audio_track"] == 2
    heard = words(" ".join(transcript.segments.values_list("text", flat=True)))
    expected = words(INTERPRETER)
    assert len(set(heard) & set(expected)) >= len(expected) - 2
    # A rerun with nothing changed does nothing.
    assert {o.stage: o.status for o in process_speech(speech, stages=["interpret"])} == \
        {"interpret:en": "up-to-date"}


def test_readers_get_the_interpretation_before_machine_translation(speech):
    for origin in (Transcript.Origin.MT, Transcript.Origin.INTERPRETATION):
        save_transcript(speech=speech, language="en", origin=origin,
                        segments=[SegmentData(0, 1000, f"from {origin}")])
    assert preferred_transcript(speech, "en").origin == Transcript.Origin.INTERPRETATION
    save_transcript(speech=speech, language="en", origin=Transcript.Origin.HUMAN,
                    segments=[SegmentData(0, 1000, "by a person")])
    assert preferred_transcript(speech, "en").origin == Transcript.Origin.HUMAN


def test_track_languages_come_from_the_command_line_when_untagged(speech, voices, tmp_path):
    add_media_file(two_track_file(tmp_path / "untagged.ts", voices, second_tag=""),
                   speech=speech)
    speech.refresh_from_db()
    untagged = add_recording_tracks(speech)
    assert untagged.tracks == []
    assert untagged.notices == ["audio track 2 has no language tag; give --track 2=LANGUAGE "
                                "to keep it as an interpretation"]
    named = add_recording_tracks(speech, languages={2: "en"})
    assert [t.language for t in named.tracks] == ["en"]


@pytest.mark.parametrize("value,problem", [("2", "NUMBER=LANGUAGE"), ("0=fa", "NUMBER"),
                                           ("x=fa", "NUMBER"), ("2=farsi!", "language code")])
def test_a_malformed_track_option_is_one_clear_error(value, problem):
    with pytest.raises(UserError, match=problem):
        parse_track_languages([value])


def test_a_separate_interpreter_file_is_kept_beside_the_recording(speech, voices, tmp_path):
    floor, interpreter = voices
    add_media_file(mediafactory.write_recording(tmp_path / "floor.mkv",
                                                audio_tracks=[(floor, "ara")]), speech=speech)
    speech.refresh_from_db()
    english = mediafactory.write_recording(tmp_path / "english.mka", video=False,
                                           audio_tracks=[(interpreter, "")])
    track = add_interpretation_file(english, speech=speech, language="en")
    assert (track.language, track.source_track, track.interpretation) == ("en", None, True)
    with pytest.raises(UserError, match="spoken in ar"):
        add_interpretation_file(english, speech=speech, language="ar")


def run_cli(capsys, *args):
    from rostra.cli.main import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_media_add_with_track_and_interpretation_options(speech, voices, tmp_path, capsys):
    floor, interpreter = voices
    recording = two_track_file(tmp_path / "panel.ts", voices, second_tag="")
    code, out, err = run_cli(capsys, "media", "add", str(recording), "--speech", speech.slug,
                             "--track", "2=en")
    assert code == 0, err
    assert "audio track 2: interpretation in en" in out
    assert AudioTrack.objects.get(speech=speech).source_track == 2
    code, out, err = run_cli(capsys, "media", "add", str(recording), "--speech", speech.slug,
                             "--track", "5=fa")
    assert code == 1
    assert "has 2 audio track(s)" in err and "Traceback" not in err
    extra = mediafactory.write_recording(tmp_path / "fa.mka", video=False,
                                         audio_tracks=[(interpreter, "")])
    code, out, err = run_cli(capsys, "media", "add", str(extra), "--speech", speech.slug,
                             "--language", "fa", "--interpretation")
    assert code == 0, err
    assert sorted(AudioTrack.objects.values_list("language", flat=True)) == ["en", "fa"]
    code, out, err = run_cli(capsys, "media", "add", str(extra), "--speech", speech.slug,
                             "--interpretation")
    assert code != 0 and "--language LANG" in err


def test_a_track_matroska_cannot_hold_as_it_is_is_kept_as_flac(voices, tmp_path, monkeypatch):
    import av

    from rostra.pipeline.renditions import tracks
    from rostra.pipeline.probe import probe_media

    def refuse(*args):
        raise av.error.ArgumentError(22, "Invalid argument")

    recording = two_track_file(tmp_path / "panel.ts", voices)
    monkeypatch.setattr(tracks, "_copy_track", refuse)
    written = tracks.extract_audio_track(recording, 2, tmp_path / "out" / "track-2.mka")
    assert written.suffix == ".flac"
    info = probe_media(written)
    assert info.container == "flac" and not info.has_video
    assert abs(info.duration_ms - probe_media(recording).duration_ms) < 200
    assert not (tmp_path / "out" / "track-2.mka").exists()
