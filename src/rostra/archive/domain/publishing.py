"""Publishing and withdrawing speeches: what readers, search and feeds may see."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rostra.archive.models import Speech
from rostra.transcripts.signals import speech_changed


def publish_speech(speech: Speech, *, languages: list[str]) -> bool:
    """Make ``speech`` public in ``languages``; do nothing if it already is exactly so.

    Side effects: state → published, published_languages and published_at set; sends
    ``speech_changed`` after commit. Returns whether anything changed.
    """
    languages = list(dict.fromkeys(languages))
    if speech.state == Speech.State.PUBLISHED and speech.published_languages == languages:
        return False
    speech.state = Speech.State.PUBLISHED
    speech.published_languages = languages
    speech.published_at = speech.published_at or timezone.now()
    speech.failure_reason = ""
    speech.save(update_fields=["state", "published_languages", "published_at",
                               "failure_reason", "updated_at"])
    transaction.on_commit(lambda: speech_changed.send(sender=Speech, speech=speech))
    return True


def withdraw_speech(speech: Speech) -> bool:
    """Take ``speech`` off the site, search and feeds; do nothing if it is already withdrawn."""
    if speech.state == Speech.State.WITHDRAWN:
        return False
    speech.state = Speech.State.WITHDRAWN
    speech.save(update_fields=["state", "updated_at"])
    transaction.on_commit(lambda: speech_changed.send(sender=Speech, speech=speech))
    return True


def published_speeches():
    """The queryset every public surface (site, search, feeds, API) starts from."""
    return Speech.objects.filter(state=Speech.State.PUBLISHED)
