"""The one function that moves a speech between states; every caller (processing, publishing,
withdrawing, the editors) goes through it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rostra.archive.domain.speech_counts import recount_for_speeches
from rostra.archive.domain.speech_languages import sync_speeches
from rostra.archive.models import Speech
from rostra.archive.signals import speech_changed

# A change in what readers may see also dates the speech (feeds and sitemaps read updated_at).
PUBLIC_STATES = (Speech.State.PUBLISHED, Speech.State.WITHDRAWN)


def set_speech_state(speech: Speech, state: str, *, reason: str = "",
                     published_languages: list[str] | None = None) -> bool:
    """Set ``speech.state``; do nothing if it already is exactly so.

    ``reason`` is kept only with ``failed``. Publishing also sets ``published_languages``
    (the languages readers see) and, the first time, ``published_at``.

    Side effects: one UPDATE (and the recount of its
    speakers' and topics' published_speech_count, and its language rows when publishing, in
    the same transaction); sends
    ``speech_changed`` after commit. Returns whether it changed.
    """
    changes = {"state": state, "failure_reason": reason if state == Speech.State.FAILED else ""}
    if state == Speech.State.PUBLISHED:
        changes["published_languages"] = list(dict.fromkeys(published_languages or []))
        changes["published_at"] = speech.published_at or timezone.now()
    if all(getattr(speech, name) == value for name, value in changes.items()):
        return False
    if state in PUBLIC_STATES:
        changes["updated_at"] = timezone.now()
    Speech.objects.filter(pk=speech.pk).update(**changes)
    # Always, not only when entering or leaving published: this copy's state may be stale.
    recount_for_speeches([speech.pk])
    if "published_languages" in changes:
        sync_speeches([speech.pk])
    for name, value in changes.items():
        setattr(speech, name, value)
    transaction.on_commit(lambda: speech_changed.send(sender=Speech, speech=speech))
    return True
