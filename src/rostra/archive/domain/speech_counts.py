"""How many published speeches each speaker and topic has, kept on their rows.

The speakers page and the home page's topic list showed this count; computed per page view it
was a GROUP BY over every speaker's or topic's links to every published speech, which grows
with the archive (bench/RESULTS.md "Public pages at archive scale"). Kept on the row, a page
reads one column.

The count is recomputed from the links, never incremented, so a recount is always right
whatever happened before: ``recount_all()`` (``rostra program recount``) repairs any drift,
e.g. after a raw SQL edit. Signals keep it right through every ORM write that changes what it
counts: a speech saved (published, unpublished, withdrawn) or deleted, its speakers or topics
changed, a program import (speeches_written), a bundle restore, and a speaker or topic saved
from a copy read before the count changed.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

PUBLISHED = "published"


def _published_links(model, link_field: str):
    """One row per ``model`` id: how many distinct published speeches link to it."""
    return Coalesce(Subquery(
        model.objects.filter(**{link_field: OuterRef("pk")}, speech__state=PUBLISHED)
        .order_by().values(link_field).annotate(total=Count("speech", distinct=True))
        .values("total")[:1], output_field=IntegerField()), Value(0))


def recount_speakers(speakers) -> int:
    """Recount ``speakers`` (a Speaker queryset); returns how many rows were written."""
    from rostra.archive.models import SpeechSpeaker

    return speakers.update(published_speech_count=_published_links(SpeechSpeaker, "speaker"))


def recount_topics(topics) -> int:
    from rostra.archive.models import Speech

    return topics.update(published_speech_count=_published_links(Speech.topics.through, "topic"))


def recount_for_speeches(speech_ids) -> None:
    """Recount the speakers and topics linked to these speeches."""
    from rostra.archive.models import Speaker, Speech, SpeechSpeaker, Topic

    ids = list(speech_ids)
    if not ids:
        return
    speaker_ids = SpeechSpeaker.objects.filter(speech_id__in=ids).values("speaker_id")
    topic_ids = Speech.topics.through.objects.filter(speech_id__in=ids).values("topic_id")
    recount_speakers(Speaker.objects.filter(pk__in=speaker_ids))
    recount_topics(Topic.objects.filter(pk__in=topic_ids))


def recount_all() -> tuple[int, int]:
    """Every speaker's and topic's count from the links; (speakers, topics) rows written."""
    from rostra.archive.models import Speaker, Topic

    return recount_speakers(Speaker.objects.all()), recount_topics(Topic.objects.all())


# Signal receivers (connected in ArchiveConfig.ready).

def on_speech_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created and not raw:  # a new speech has no links yet; they count when added
        recount_for_speeches([instance.pk])


def on_speech_deleting(sender, instance, **kwargs) -> None:
    # The links go with the speech: remember who they counted for.
    instance._counted_topic_ids = list(instance.topics.values_list("pk", flat=True))


def on_speech_deleted(sender, instance, **kwargs) -> None:
    from rostra.archive.models import Topic

    # Speaker links are SpeechSpeaker rows, deleted first with their own post_delete.
    recount_topics(Topic.objects.filter(pk__in=getattr(instance, "_counted_topic_ids", [])))


def on_speaker_link_changed(sender, instance, raw=False, **kwargs) -> None:
    from rostra.archive.models import Speaker

    if not raw:
        recount_speakers(Speaker.objects.filter(pk=instance.speaker_id))


def on_topics_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Speech.topics changed, from either side (speech.topics.add, topic.speeches.add)."""
    from rostra.archive.models import Speech, Topic

    if action == "pre_clear":
        links = Speech.topics.through.objects.filter(
            **{"topic_id" if reverse else "speech_id": instance.pk})
        instance._counted_links = list(links.values_list(
            "speech_id" if reverse else "topic_id", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    others = getattr(instance, "_counted_links", []) if action == "post_clear" else pk_set
    if reverse:  # instance is a topic, the others speeches
        recount_topics(Topic.objects.filter(pk=instance.pk))
    else:
        recount_topics(Topic.objects.filter(pk__in=list(others or [])))


def on_speeches_written(sender, speech_ids, **kwargs) -> None:
    """A program import: its links were written in bulk, without signals."""
    recount_for_speeches(speech_ids)


def on_counted_row_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """A speaker or topic saved from a copy read earlier wrote its old count back."""
    if not created and not raw:
        if sender.__name__ == "Speaker":
            recount_speakers(sender.objects.filter(pk=instance.pk))
        else:
            recount_topics(sender.objects.filter(pk=instance.pk))
