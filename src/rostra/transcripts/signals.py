"""Signals other apps listen to, so the transcript store does not import search or processing."""

from django.dispatch import Signal

# Sent after a transcript's segments were written (created, replaced or edited) and the
# transaction committed. kwargs: transcript (Transcript).
transcript_changed = Signal()

# Sent after a transcript was deleted. kwargs: transcript_id (int), speech_id (int).
transcript_deleted = Signal()

# Sent after a speech's metadata or publication state changed. kwargs: speech (Speech).
speech_changed = Signal()
