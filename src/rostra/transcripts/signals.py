"""Signals the transcript store sends, so it does not import search or processing.

(A speech's own change is rostra.archive.signals.speech_changed.)"""

from django.dispatch import Signal

# Sent after a transcript's segments were written (created, replaced or edited) and the
# transaction committed. kwargs: transcript (Transcript).
transcript_changed = Signal()

# Sent after a transcript was deleted. kwargs: transcript_id (int), speech_id (int).
transcript_deleted = Signal()
