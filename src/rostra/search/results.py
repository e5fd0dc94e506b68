"""What results are made of besides the index: original texts for snippets, and facet counts.

The index stores normalized terms only; the text a reader sees comes from the archive (the
segment rows and the speech's metadata), so a snippet is always the current original spelling.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from django.db.models import Count

from rostra.archive.models import Event, Speaker, Speech, SpeechSpeaker, Topic
from rostra.core.languages import native_name
from rostra.core.multilingual import pick
from rostra.search.backends.base import DocumentHit
from rostra.transcripts.models import Segment

FACET_LIMIT = 20


def _metadata_text(speech: Speech, field: str, language: str) -> str:
    if field == "title":
        title = (speech.title or {}).get(language, "")
        subtitle = (speech.subtitle or {}).get(language, "")
        return f"{title}. {subtitle}" if subtitle else title
    if field == "abstract":
        return (speech.abstract or {}).get(language, "")
    if field == "speakers":
        return ", ".join((s.names or {}).get(language, "") for s in speech.speakers.all()
                         if (s.names or {}).get(language))
    if field == "topics":
        return ", ".join((t.name or {}).get(language, "") for t in speech.topics.all()
                         if (t.name or {}).get(language))
    return ""


def load_match_texts(hits: Sequence[DocumentHit], speeches: dict[int, Speech]) -> dict:
    """Original text of each hit, by ``hit.key``: the segment(s) it covers, or the field."""
    texts: dict = {}
    segment_hits = [hit for hit in hits if hit.kind == "segment" and hit.transcript_id]
    if segment_hits:
        transcript_ids = {hit.transcript_id for hit in segment_hits}
        segments: dict[int, list[Segment]] = {}
        for segment in Segment.objects.filter(transcript_id__in=transcript_ids).only(
                "transcript_id", "start_ms", "end_ms", "text", "position"):
            segments.setdefault(segment.transcript_id, []).append(segment)
        for hit in segment_hits:
            covered = [s.text for s in segments.get(hit.transcript_id, [])
                       if hit.start_ms <= s.start_ms and s.end_ms <= hit.end_ms]
            texts[hit.key] = " ".join(covered)
    for hit in hits:
        if hit.kind == "metadata" and hit.speech_id in speeches:
            texts[hit.key] = _metadata_text(speeches[hit.speech_id], hit.field, hit.language)
    return texts


def _top(counter: Counter, labels: dict) -> list:
    from rostra.search.service import FacetCount

    return [FacetCount(value=str(value), label=labels.get(value, str(value)), count=count)
            for value, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))
            [:FACET_LIMIT]]


def speech_facets(speech_ids: Iterable[int], languages: dict[int, set[str]]) -> dict:
    """Counts of matched speeches per language, topic, speaker, country and event."""
    speech_ids = list(speech_ids)
    if not speech_ids:
        return {name: [] for name in ("language", "topic", "speaker", "country", "event")}
    language_counts = Counter(code for speech_id in speech_ids
                              for code in languages.get(speech_id, ()))
    topic_counts = Counter(dict(
        Speech.topics.through.objects.filter(speech_id__in=speech_ids)
        .values_list("topic__slug").annotate(n=Count("speech_id", distinct=True))))
    speaker_counts = Counter(dict(
        SpeechSpeaker.objects.filter(speech_id__in=speech_ids)
        .values_list("speaker__slug").annotate(n=Count("speech_id", distinct=True))))
    country_counts = Counter(dict(
        SpeechSpeaker.objects.filter(speech_id__in=speech_ids).exclude(speaker__country="")
        .values_list("speaker__country").annotate(n=Count("speech_id", distinct=True))))
    event_counts = Counter(dict(
        Speech.objects.filter(pk__in=speech_ids).values_list("event__slug")
        .annotate(n=Count("pk"))))
    topic_labels = {t.slug: pick(t.name) or t.slug
                    for t in Topic.objects.filter(slug__in=list(topic_counts))}
    speaker_labels = {s.slug: s.display_name()
                      for s in Speaker.objects.filter(slug__in=list(speaker_counts))}
    event_labels = {e.slug: e.display_name() for e in Event.objects.filter(slug__in=list(event_counts))}
    language_labels = {code: native_name(code) for code in language_counts}
    return {
        "language": _top(language_counts, language_labels),
        "topic": _top(topic_counts, topic_labels),
        "speaker": _top(speaker_counts, speaker_labels),
        "country": _top(country_counts, {}),
        "event": _top(event_counts, event_labels),
    }
