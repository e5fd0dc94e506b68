"""The search index's backlog in the archive's database: speeches whose index entries are
behind.

A row is written in the same transaction as the change that makes the index stale (a program
import), so a process killed after the commit, or an indexer killed half-way, leaves the work
recorded; the indexer (rostra.search.backlog) removes a row only after the speech is indexed.
The index itself lives elsewhere (its own SQLite file, or tables of its own on PostgreSQL).
"""

from __future__ import annotations

from django.db import models

from rostra.archive.models import Speech


class PendingIndex(models.Model):
    speech = models.OneToOneField(Speech, on_delete=models.CASCADE, primary_key=True,
                                  related_name="+")
    # A new token each time the speech is marked: the indexer removes the row only if the
    # token is still the one it saw, so a change made while it indexed is not lost.
    token = models.CharField(max_length=32)
    marked_at = models.DateTimeField()

    class Meta:
        ordering = ["marked_at", "speech_id"]

    def __str__(self) -> str:
        return f"speech {self.speech_id} waiting for the index since {self.marked_at}"
