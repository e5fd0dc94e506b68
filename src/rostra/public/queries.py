"""Querysets every public page starts from: published speeches only, related rows prefetched.

Each list page runs a fixed number of queries whatever its length (tests count them), so the
relations a speech card shows (speakers, topics, room, session, comment count) are fetched here
in bulk, never one per speech. Comment counts are counted for the speeches a page shows, after
its limit (with_comment_counts): a COUNT joined into the list query made the database group
every published speech before taking the latest 12.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from rostra.archive.domain.publishing import published_speeches
from rostra.archive.models import SpeechSpeaker, Topic
from rostra.search.related import nearest_speech_ids

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
    )


def with_comment_counts(speeches) -> list:
    """``speeches`` as a list, each with ``comment_count`` (approved comments): one query."""
    from rostra.comments.models import Comment

    speeches = list(speeches)
    counts = dict(Comment.objects.filter(speech__in=[s.pk for s in speeches], status="approved")
                  .values_list("speech").annotate(total=Count("pk")).order_by())
    for speech in speeches:
        speech.comment_count = counts.get(speech.pk, 0)
    return speeches


def latest_speeches(limit: int = 12) -> list:
    return with_comment_counts(speech_cards().order_by("-published_at", "-pk")[:limit])


def page_of(request, items, per_page: int, *, count: int | None = None):
    """The ``?page=`` page of ``items`` (a bad or too high number gives the nearest page) and
    the query string to keep in the page links. ``count``: how many ``items`` there are, when
    a count kept on a row says so (a COUNT over a join grows with the archive)."""
    from django.core.paginator import Paginator

    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never computed
    page = paginator.get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return page, (kept.urlencode() + "&" if kept else "")


def related_speeches(*, speech=None, speaker=None, limit: int = 4):
    """Published speeches near a speech (same speaker, then same topic) or a speaker (others'
    speeches on the topics this speaker spoke on), as cards, nearest first, at most ``limit``."""
    if speech is not None:
        same_speaker = Q(speakers__in=speech.speakers.all())
        same_topic = Q(topics__in=speech.topics.all())
        found = (speech_cards().filter(same_speaker | same_topic).exclude(pk=speech.pk)
                 .annotate(shared_speakers=Count("speakers", filter=same_speaker,
                                                 distinct=True)))
        return with_comment_counts(found.order_by("-shared_speakers", "-published_at", "pk").distinct()[:limit])
    topics = Topic.objects.filter(speeches__speakers=speaker)
    return with_comment_counts(speech_cards().filter(topics__in=topics).exclude(speakers=speaker)
                .order_by("-published_at", "pk").distinct()[:limit])


def similar_speeches(speech, *, exclude=(), limit: int = 4):
    """Published speeches nearest ``speech`` in meaning (rostra.search.related), as cards,
    nearest first; those already listed (``exclude``) are left out."""
    ids = nearest_speech_ids(speech, limit=limit, exclude=[other.pk for other in exclude])
    if not ids:
        return []
    cards = {card.pk: card for card in with_comment_counts(speech_cards().filter(pk__in=ids))}
    return [cards[pk] for pk in ids if pk in cards]
