"""Querysets every public page starts from: published speeches only, related rows prefetched.

Each list page runs a fixed number of queries whatever its length (tests count them), so the
relations a speech card shows (speakers, topics, room, session, comment count) are fetched here
in bulk, never one per speech. Comment counts are counted for the speeches a page shows, after
its limit (with_comment_counts): a COUNT joined into the list query made the database group
every published speech before taking the latest 12.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch

from rostra.archive.domain.publishing import published_speeches
from rostra.archive.models import Speech, SpeechSpeaker, Topic
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
        ids = related_speech_ids(speech, limit)
        cards = {card.pk: card for card in speech_cards().filter(pk__in=ids)}
        return with_comment_counts(cards[pk] for pk in ids if pk in cards)
    topics = Topic.objects.filter(speeches__speakers=speaker)
    return with_comment_counts(speech_cards().filter(topics__in=topics).exclude(speakers=speaker)
                .order_by("-published_at", "pk").distinct()[:limit])


def related_speech_ids(speech, limit: int) -> list[int]:
    """The ids of the published speeches nearest ``speech``: those sharing the most speakers
    with it, then the latest on its topics (ties: the latest published, then the lowest id).

    In small steps from the link tables, because the one query that did this (speeches joined
    to their speakers and topics, grouped, DISTINCT, sorted) read every speech of its topics
    at each page view: 1 ms at 514 speeches, 10 ms at 5,140 (bench/RESULTS.md). A speaker has
    a handful of speeches, so the first step is a few rows whatever the archive's size; the
    second walks the published speeches newest first and stops at the limit.
    """
    links = getattr(speech, "speaker_links", None)  # prefetched by speech_page()
    speaker_ids = ([link.speaker_id for link in links] if links is not None else
                   SpeechSpeaker.objects.filter(speech=speech).values("speaker_id"))
    # From the speakers' links, with the state read here: filtered on the state in SQL, the
    # planner walks every published speech's index entry instead.
    shared: dict[int, list] = {}
    for other, state, published_at in (
            SpeechSpeaker.objects.filter(speaker_id__in=speaker_ids).exclude(speech_id=speech.pk)
            .values_list("speech_id", "speech__state", "speech__published_at")):
        if state == Speech.State.PUBLISHED:
            # A published speech without a date (written past set_speech_state): the oldest.
            entry = shared.setdefault(other, [0, -published_at.timestamp() if published_at
                                              else float("inf"), other])
            entry[0] -= 1
    ids = [pk for _, _, pk in sorted(shared.values())[:limit]]
    if len(ids) < limit:
        on_topics = (Speech.topics.through.objects
                     .filter(topic_id__in=Speech.topics.through.objects.filter(speech=speech)
                             .values("topic_id")).values("speech_id"))
        ids += list(published_speeches().filter(pk__in=on_topics)
                    .exclude(pk__in=[speech.pk, *ids]).order_by("-published_at", "pk")
                    .values_list("pk", flat=True)[:limit - len(ids)])
    return ids


def similar_speeches(speech, *, exclude=(), limit: int = 4):
    """Published speeches nearest ``speech`` in meaning (rostra.search.related), as cards,
    nearest first; those already listed (``exclude``) are left out."""
    ids = nearest_speech_ids(speech, limit=limit, exclude=[other.pk for other in exclude])
    if not ids:
        return []
    cards = {card.pk: card for card in with_comment_counts(speech_cards().filter(pk__in=ids))}
    return [cards[pk] for pk in ids if pk in cards]
