"""Publishing and withdrawing speeches: what readers, search and feeds may see."""

from __future__ import annotations

from rostra.archive.domain.states import set_speech_state
from rostra.archive.models import Speech


def publish_speech(speech: Speech, *, languages: list[str]) -> bool:
    """Make ``speech`` public in ``languages``; do nothing if it already is exactly so.

    Side effects (through set_speech_state): state → published, published_languages and
    published_at set; sends ``speech_changed`` after commit. Returns whether anything changed.
    """
    return set_speech_state(speech, Speech.State.PUBLISHED, published_languages=languages)


def withdraw_speech(speech: Speech) -> bool:
    """Take ``speech`` off the site, search and feeds; do nothing if it is already withdrawn."""
    return set_speech_state(speech, Speech.State.WITHDRAWN)


def published_speeches():
    """The queryset every public surface (site, search, feeds, API) starts from."""
    return Speech.objects.filter(state=Speech.State.PUBLISHED)
