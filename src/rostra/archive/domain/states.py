"""The one function that moves a speech between states."""

from __future__ import annotations

from django.db import transaction

from rostra.archive.models import Speech
from rostra.transcripts.signals import speech_changed


def set_speech_state(speech: Speech, state: str, *, reason: str = "") -> bool:
    """Set ``speech.state`` (and the failure reason when it failed); do nothing if already so.

    Side effects: one UPDATE; sends ``speech_changed`` after commit. Returns whether it changed.
    """
    reason = reason if state == Speech.State.FAILED else ""
    if speech.state == state and speech.failure_reason == reason:
        return False
    Speech.objects.filter(pk=speech.pk).update(state=state, failure_reason=reason)
    speech.state, speech.failure_reason = state, reason
    transaction.on_commit(lambda: speech_changed.send(sender=Speech, speech=speech))
    return True
