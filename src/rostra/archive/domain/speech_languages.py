"""The languages each speech is found in by ``?language=``, kept as rows (SpeechLanguage).

``/api/speeches?language=fa`` asks for the speeches published in Persian or spoken in it. Tested
on every published speech's JSON list, that filter grew with the archive (bench/RESULTS.md
"Public pages at archive scale"); as rows with an index it is a lookup.

The rows are recomputed from the speech's two fields, never edited by hand, so a rebuild is
always right whatever happened before: ``rebuild_all()`` (``rostra status --recount``) repairs
any drift, e.g. after bulk writes or raw SQL. Kept through every write that changes them: a
speech saved (post_save, which covers the program import, the editors and a bundle restore),
a state move (``set_speech_state`` publishes with new languages in one UPDATE) and the UPDATEs
that fill in the spoken language after recognition or from an audio track. Deleted with the
speech (cascade).
"""

from __future__ import annotations

WATCHED_FIELDS = frozenset({"published_languages", "original_language"})
BATCH = 500


def languages_of(published_languages, original_language: str) -> set[str]:
    """What ``in_language`` matches on: every published language and the spoken one."""
    found = {code for code in (published_languages or []) if isinstance(code, str) and code}
    if original_language:
        found.add(original_language)
    return found


def sync_speeches(speech_ids) -> None:
    """Make the rows of these speeches match their fields (read now from the database)."""
    from rostra.archive.models import Speech

    ids = list(speech_ids)
    for start in range(0, len(ids), BATCH):
        rows = Speech.objects.filter(pk__in=ids[start:start + BATCH]).values_list(
            "pk", "published_languages", "original_language")
        _write({pk: languages_of(published, spoken) for pk, published, spoken in rows})


def _write(wanted: dict[int, set[str]]) -> None:
    from django.db import transaction

    from rostra.archive.models import SpeechLanguage

    if not wanted:
        return
    with transaction.atomic():
        existing: dict[int, set[str]] = {pk: set() for pk in wanted}
        for speech_id, language in SpeechLanguage.objects.filter(
                speech_id__in=list(wanted)).values_list("speech_id", "language"):
            existing[speech_id].add(language)
        stale = [(pk, code) for pk, codes in existing.items() for code in codes - wanted[pk]]
        for pk, code in stale:
            SpeechLanguage.objects.filter(speech_id=pk, language=code).delete()
        SpeechLanguage.objects.bulk_create(
            SpeechLanguage(speech_id=pk, language=code)
            for pk, codes in wanted.items() for code in sorted(codes - existing[pk]))


def rebuild_all() -> int:
    """Every speech's rows from its fields; returns how many speeches were looked at."""
    from rostra.archive.models import Speech, SpeechLanguage

    ids = list(Speech.objects.order_by("pk").values_list("pk", flat=True))
    SpeechLanguage.objects.exclude(speech_id__in=Speech.objects.values("pk")).delete()
    sync_speeches(ids)
    return len(ids)


# Signal receiver (connected in ArchiveConfig.ready).

def on_speech_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if update_fields is not None:
        if WATCHED_FIELDS & set(update_fields):
            sync_speeches([instance.pk])  # the other field may differ from this copy's
        return
    # From the instance: it has just written both fields.
    _write({instance.pk: languages_of(instance.published_languages,
                                      instance.original_language)})
