"""Querysets every public page starts from: published speeches only, related rows prefetched.

Each list page runs a fixed number of queries whatever its length (tests count them), so the
relations a speech card shows (speakers, topics, room, session, comment count) are fetched here
in bulk, never one per speech.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from rostra.archive.domain.publishing import published_speeches
from rostra.archive.models import SpeechSpeaker, Topic

APPROVED_COMMENTS = Q(comments__status="approved")


def _speaker_links():
    return Prefetch("speechspeaker_set",
                    queryset=SpeechSpeaker.objects.select_related("speaker").order_by("position"),
                    to_attr="speaker_links")


def _topics():
    return Prefetch("topics", queryset=Topic.objects.order_by("slug"))


def speech_page():
    """One published speech with what its page shows (the comment count comes with the
    comments themselves, so no GROUP BY here: it made the query several times dearer to build)."""
    return (published_speeches().select_related("event", "room", "session", "media")
            .prefetch_related(_speaker_links(), _topics(), "transcripts"))


def speech_cards():
    """Published speeches with what a card in a list shows, in a constant number of queries."""
    return (
        published_speeches()
        .select_related("event", "room", "session", "day", "media")
        .prefetch_related(_speaker_links(), _topics())
        .annotate(comment_count=Count("comments", filter=APPROVED_COMMENTS, distinct=True))
    )


def latest_speeches(limit: int = 12):
    return speech_cards().order_by("-published_at", "-pk")[:limit]


def related_speeches(*, speech=None, speaker=None, limit: int = 4):
    """Published speeches near a speech (same speaker, then same topic) or a speaker (others'
    speeches on the topics this speaker spoke on), as cards, nearest first, at most ``limit``."""
    if speech is not None:
        same_speaker = Q(speakers__in=speech.speakers.all())
        same_topic = Q(topics__in=speech.topics.all())
        found = (speech_cards().filter(same_speaker | same_topic).exclude(pk=speech.pk)
                 .annotate(shared_speakers=Count("speakers", filter=same_speaker,
                                                 distinct=True)))
        return list(found.order_by("-shared_speakers", "-published_at", "pk").distinct()[:limit])
    topics = Topic.objects.filter(speeches__speakers=speaker)
    return list(speech_cards().filter(topics__in=topics).exclude(speakers=speaker)
                .order_by("-published_at", "pk").distinct()[:limit])
