"""What the speech page offers of its media: what the player plays, the audio languages a
reader can choose, and the download panel (renditions, audio, subtitles, licence, source).

One function builds it all from the speech's renditions (two queries), so the player, the
audio-language menu and the download panel never disagree about what exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rostra.media.domain.renditions import speech_renditions
from rostra.media.models import Rendition
from rostra.public.language_names import language_in
from rostra.pipeline.renditions.plan import (KIND_AUDIO, KIND_HLS, KIND_POSTER,
                                             KIND_THUMBNAIL_TRACK, KIND_VIDEO)

# Originals a browser plays as they are (when no rendition has been made yet).
PLAYABLE_ORIGINALS = {"video/mp4", "video/webm", "audio/mp4", "audio/webm", "audio/ogg",
                      "audio/mpeg", "audio/wav"}


@dataclass(frozen=True)
class DownloadItem:
    label: str
    url: str
    size: int
    mime_type: str


@dataclass(frozen=True)
class AudioChoice:
    language: str
    src: str
    interpretation: bool
    selected: bool = False


@dataclass
class MediaOffer:
    play_url: str = ""
    poster_url: str = ""
    thumbnails_url: str = ""
    hls_url: str = ""
    audio_choices: list[AudioChoice] = field(default_factory=list)
    video_downloads: list[DownloadItem] = field(default_factory=list)
    audio_downloads: list[DownloadItem] = field(default_factory=list)


def public_file_name(rendition: Rendition) -> str:
    """The name a rendition is served under, beside the others of its speech.

    The thumbnails track names its sprite ``thumbnails.jpg`` relative to itself, so the pair
    must be served side by side under these names.
    """
    extension = rendition.path.rsplit(".", 1)[-1]
    return f"{rendition.name.removesuffix('-vtt')}.{extension}"


def rendition_url(slug: str, rendition: Rendition, language: str = "") -> str:
    if rendition.kind == KIND_HLS:
        return reverse("speech-hls", args=[slug, "index.m3u8"])
    if language:
        return reverse("speech-language-rendition", args=[slug, language,
                                                          public_file_name(rendition)])
    return reverse("speech-rendition", args=[slug, public_file_name(rendition)])


def _playable(renditions: dict[str, Rendition], *, video: bool) -> Rendition | None:
    if video:
        videos = [r for r in renditions.values() if r.kind == KIND_VIDEO]
        return max(videos, key=lambda r: r.height) if videos else None
    return renditions.get("mp3") or renditions.get("opus")


def media_offer(speech, *, original_url: str) -> MediaOffer:
    """Everything the page shows of the speech's media (see the module docstring)."""
    offer = MediaOffer()
    media = speech.media
    if media is None:
        return offer
    found = speech_renditions(speech)
    slug, video = speech.slug, media.has_video
    best = _playable(found.floor, video=video)
    if best is not None:
        offer.play_url = rendition_url(slug, best)
    elif media.mime_type in PLAYABLE_ORIGINALS:
        offer.play_url = original_url
    for rendition in found.floor.values():
        url = rendition_url(slug, rendition)
        if rendition.kind == KIND_POSTER:
            offer.poster_url = url
        elif rendition.kind == KIND_THUMBNAIL_TRACK:
            offer.thumbnails_url = url
        elif rendition.kind == KIND_HLS:
            offer.hls_url = url
    offer.video_downloads = [
        DownloadItem(_("Video, %(height)sp (MP4)") % {"height": r.height},
                     rendition_url(slug, r), r.size, r.mime_type)
        for r in sorted(found.floor.values(), key=lambda r: -r.height) if r.kind == KIND_VIDEO]
    offer.audio_downloads = _audio_downloads(slug, found.floor, "")
    if offer.play_url:
        offer.audio_choices.append(AudioChoice(speech.original_language, offer.play_url,
                                               interpretation=False, selected=True))
    for track in found.tracks:
        renditions = found.by_language.get(track.language, {})
        playable = _playable(renditions, video=video)
        if playable is not None and offer.play_url:
            offer.audio_choices.append(AudioChoice(
                track.language, rendition_url(slug, playable, track.language),
                interpretation=track.interpretation))
        offer.video_downloads += [
            DownloadItem(_("Video with the %(language)s interpretation, %(height)sp (MP4)")
                         % {"language": _language(track.language), "height": r.height},
                         rendition_url(slug, r, track.language), r.size, r.mime_type)
            for r in renditions.values() if r.kind == KIND_VIDEO]
        offer.audio_downloads += _audio_downloads(slug, renditions, track.language)
    if len(offer.audio_choices) < 2:
        offer.audio_choices = []  # one language: no menu
    return offer


def _audio_downloads(slug: str, renditions: dict[str, Rendition], language: str
                     ) -> list[DownloadItem]:
    labels = {"opus": _("Audio only (Opus)"), "mp3": _("Audio only (MP3)")}
    items = []
    for name in ("opus", "mp3"):
        rendition = renditions.get(name)
        if rendition is None or rendition.kind != KIND_AUDIO:
            continue
        label = labels[name]
        if language:
            label = _("%(what)s, %(language)s interpretation") % {
                "what": label, "language": _language(language)}
        items.append(DownloadItem(label, rendition_url(slug, rendition, language),
                                  rendition.size, rendition.mime_type))
    return items


def _language(code: str) -> str:
    return language_in(code, get_language() or "en")


def find_rendition(speech, file_name: str, language: str = "") -> Rendition | None:
    """The rendition of ``speech`` served as ``file_name`` (for ``language``'s track)."""
    found = speech_renditions(speech)
    renditions = found.by_language.get(language, {}) if language else found.floor
    for rendition in renditions.values():
        if rendition.kind != KIND_HLS and public_file_name(rendition) == file_name:
            return rendition
    return None

