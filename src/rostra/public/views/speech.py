"""The speech page, its embeddable player, and the files behind them (media, subtitles)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language

from rostra.archive.domain.publishing import published_speeches
from rostra.comments.views import comment_section
from rostra.core.languages import text_direction
from rostra.core.siteurl import absolute_url
from rostra.core.storage import media_file
from rostra.public.media_delivery import media_response
from rostra.public.pagecache import public_page
from rostra.public.media_offer import media_offer
from rostra.public.queries import related_speeches, similar_speeches, speech_page
from rostra.public.reader_digits import current_numbering_system
from rostra.public.transcript_view import available_transcripts, provenance, transcript_html
from rostra.review.domain.machine_metadata import reviewed_machine_fields
from rostra.transcripts.models import Segment
from rostra.transcripts.exporters import EXPORT_FORMATS, export_media_type, export_transcript

FORMATS = EXPORT_FORMATS
PLAYBACK_RATES = (0.75, 1, 1.25, 1.5, 1.75, 2)


def start_second(request) -> float:
    """The ``?t=`` start offset in seconds (``90``, ``90.5``); 0 when absent or malformed."""
    raw = request.GET.get("t", "")
    try:
        value = float(raw.rstrip("s"))
    except ValueError:
        return 0.0
    return value if 0 <= value < 10 ** 7 else 0.0


def player_context(request, speech) -> dict:
    """Everything the player and transcript need: tracks, chosen languages, rendered segments."""
    transcripts = available_transcripts(speech)
    interface = get_language() or settings.LANGUAGE_CODE
    requested = request.GET.get("tl", "")
    if requested in transcripts:
        language = requested
    elif interface in transcripts:
        language = interface
    elif speech.original_language in transcripts:
        language = speech.original_language
    else:
        language = next(iter(transcripts), "")
    paired_language = request.GET.get("with", "")
    if paired_language not in transcripts or paired_language == language:
        paired_language = ""

    languages_by_id = {t.pk: t.language for t in speech.transcripts.all()}
    tracks = []
    for code, transcript in transcripts.items():
        tracks.append({
            "language": code,
            "transcript": transcript,
            "src": reverse("subtitles", args=[speech.slug, code, "vtt"]),
            "default": code == interface,
            "provenance": provenance(transcript, languages_by_id=languages_by_id),
            "downloads": [(fmt, reverse("subtitles", args=[speech.slug, code, fmt]))
                          for fmt in FORMATS],
        })
    segments_html, segment_count = "", 0
    if language:
        query = {"tl": language}
        if paired_language:
            query["with"] = paired_language
        segments_html, segment_count = transcript_html(
            transcripts[language], query=query, digits=current_numbering_system(),
            paired=transcripts[paired_language] if paired_language else None)
    chosen = next((t for t in tracks if t["language"] == language), None)
    paired_track = next((t for t in tracks if t["language"] == paired_language), None)
    media = speech.media
    media_url = reverse("speech-media", args=[speech.slug]) if media else ""
    return {
        "speech": speech,
        "media": media,
        "media_url": media_url,
        "offer": media_offer(speech, original_url=media_url),
        "is_video": bool(media and media.has_video),
        "tracks": tracks,
        "transcript_language": language,
        "transcript_dir": text_direction(language) if language else "auto",
        "chosen_track": chosen,
        "paired_track": paired_track,
        "paired_language": paired_language,
        "segments_html": segments_html,
        "segment_count": segment_count,
        "start": start_second(request),
        "playback_rates": PLAYBACK_RATES,
        "shared_sentence": shared_sentence(request, transcripts.get(language)),
    }


def shared_sentence(request, transcript) -> str:
    """The sentence a shared link points at (``?s=4``), for the link's preview; "" if none."""
    raw = request.GET.get("s", "")
    if transcript is None or not raw.isdigit() or len(raw) > 7:
        return ""
    # The link's s is the sentence's place in the list (as rendered), not the stored position.
    position = int(raw)
    found = (Segment.objects.filter(transcript=transcript).order_by("position")
             .values_list("text", flat=True)[position:position + 1])
    return next(iter(found), "")


def machine_metadata_shown(speech) -> bool:
    """Whether the title or abstract this reader sees is an approved machine translation."""
    return bool(reviewed_machine_fields(speech, (get_language() or "").split("-")[0]))


@public_page
def speech_detail(request, slug):
    speech = get_object_or_404(speech_page(), slug=slug)
    context = player_context(request, speech)
    context.update(comment_section(request, speech))
    context["canonical_url"] = absolute_url(request, request.path)
    context["related"] = related = list(related_speeches(speech=speech))
    context["similar"] = similar_speeches(speech, exclude=related)
    context["machine_metadata"] = machine_metadata_shown(speech)
    return render(request, "public/speech.html", context)


@public_page
def speech_embed(request, slug):
    """A bare player with its transcript, for an <iframe> on another site."""
    speech = get_object_or_404(speech_page(), slug=slug)
    response = render(request, "public/embed.html", player_context(request, speech))
    # The one page meant to be framed by other sites.
    response.xframe_options_exempt = True
    return response


def speech_media(request, slug):
    speech = get_object_or_404(published_speeches().select_related("media"), slug=slug)
    asset = speech.media
    if asset is None:
        raise Http404("this speech has no recording")
    path = media_file(asset.path)
    if not path.is_file():
        raise Http404("the recording file is missing")
    return media_response(request, path, content_type=asset.mime_type, etag=asset.sha256)


def subtitles(request, slug, language, fmt):
    """A published transcript as WebVTT, SRT, plain text or JSON."""
    if fmt not in FORMATS:
        raise Http404("unknown format")
    speech = get_object_or_404(published_speeches().prefetch_related("transcripts"), slug=slug)
    transcript = available_transcripts(speech).get(language)
    if transcript is None:
        raise Http404("no published transcript in this language")
    response = HttpResponse(export_transcript(transcript, fmt),
                            content_type=export_media_type(fmt))
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{speech.slug}.{language}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response
