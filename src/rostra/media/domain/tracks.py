"""Interpreters' audio: the extra tracks of a recording, or separate files, as AudioTracks."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from rostra.archive.domain import speech_languages
from rostra.archive.domain.media import add_media_file
from rostra.archive.models import MediaAsset, Speech
from rostra.core.errors import UserError
from rostra.core.languages import is_valid_language_code
from rostra.core.storage import media_dir
from rostra.media.models import AudioTrack
from rostra.pipeline.renditions.tracks import extract_audio_track, list_audio_tracks


@dataclass(frozen=True)
class TrackResult:
    tracks: list[AudioTrack] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # tracks left out, and why


def parse_track_languages(values: list[str] | None) -> dict[int, str]:
    """``["2=fa", "3=ar"]`` → ``{2: "fa", 3: "ar"}``; UserError naming a malformed one."""
    languages: dict[int, str] = {}
    for value in values or []:
        number, separator, language = value.partition("=")
        language = language.strip().lower()
        if not separator or not number.strip().isdigit() or int(number) < 1:
            raise UserError(f"--track {value!r}: write it as NUMBER=LANGUAGE, such as 2=fa "
                            "(tracks count from 1, audio tracks only)")
        if not is_valid_language_code(language):
            raise UserError(f"--track {value!r}: {language!r} is not a language code such as "
                            "fa, ar or en")
        languages[int(number)] = language
    return languages


def set_audio_track(speech: Speech, *, language: str, asset: MediaAsset,
                    source_track: int | None = None, interpretation: bool = True) -> AudioTrack:
    """Make ``asset`` the speech's audio in ``language``; replaces that language's track.

    Side effects: creates or updates one AudioTrack row; nothing when it is already so.
    """
    track, _ = AudioTrack.objects.update_or_create(
        speech=speech, language=language,
        defaults={"asset": asset, "source_track": source_track,
                  "interpretation": interpretation})
    return track


def add_interpretation_file(path: Path, *, speech: Speech, language: str) -> AudioTrack:
    """Store an interpreter's recording of ``speech`` in ``language`` (a file of its own).

    Side effects: the file is stored by content like any recording (not attached as the
    speech's own recording); an AudioTrack row for the language.
    """
    if not is_valid_language_code(language):
        raise UserError(f"--language {language!r} is not a language code such as fa, ar or en")
    if language == speech.original_language:
        raise UserError(f"{speech.slug} is spoken in {language}; an interpretation is in "
                        "another language")
    result = add_media_file(Path(path), speech=None)
    return set_audio_track(speech, language=language, asset=result.asset)


def add_recording_tracks(speech: Speech, *, languages: dict[int, str] | None = None
                         ) -> TrackResult:
    """Keep every tagged (or ``languages``-named) audio track of the speech's recording.

    Track 1 is the floor. Every other track with a language (from ``languages``, else the
    container's tag) different from the floor's becomes an interpreter's AudioTrack, copied
    out into an audio file of its own. Tracks with no language are reported, not guessed.
    Side effects: files stored by content; AudioTrack rows; the speech's spoken language set
    from track 1 when the program did not give it.
    """
    if speech.media_id is None:
        return TrackResult()
    languages = dict(languages or {})
    recording = media_dir() / speech.media.path
    found = list_audio_tracks(recording)
    unknown = [number for number in languages if number > len(found)]
    if unknown:
        raise UserError(f"--track {unknown[0]}: {speech.media.original_name or 'the recording'} "
                        f"has {len(found)} audio track(s)")
    floor_language = languages.get(1) or speech.original_language or found[0].language
    if floor_language and not speech.original_language:
        Speech.objects.filter(pk=speech.pk).update(original_language=floor_language)
        speech_languages.sync_speeches([speech.pk])
        speech.original_language = floor_language
    elif languages.get(1) and languages[1] != speech.original_language:
        raise UserError(f"--track 1={languages[1]}: {speech.slug} is spoken in "
                        f"{speech.original_language} (the program says so); track 1 is the floor")
    tracks, notices = [], []
    for track in found[1:]:
        language = languages.get(track.number) or track.language
        if not language:
            notices.append(f"audio track {track.number} has no language tag; give "
                           f"--track {track.number}=LANGUAGE to keep it as an interpretation")
            continue
        if language == floor_language:
            notices.append(f"audio track {track.number} is in the floor's language "
                           f"({language}); kept in the original recording only")
            continue
        tracks.append(_copy_out(speech, recording, track.number, language))
    return TrackResult(tracks=tracks, notices=notices)


def _copy_out(speech: Speech, recording: Path, number: int, language: str) -> AudioTrack:
    incoming = media_dir() / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=incoming) as folder:
        copy = extract_audio_track(recording, number, Path(folder) / f"track-{number}.mka")
        name = f"{Path(speech.media.original_name or recording.name).stem}.track{number}." \
               f"{language}{copy.suffix}"
        result = add_media_file(copy, speech=None, original_name=name)
    with transaction.atomic():
        return set_audio_track(speech, language=language, asset=result.asset,
                               source_track=number)
