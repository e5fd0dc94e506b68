"""Editors' records: every revision of a transcript (roles and the audit log: rostra.staff)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rostra.transcripts.models import Transcript


class TranscriptRevision(models.Model):
    """A snapshot of a transcript's segments as one save left them."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="Transcript.revision after this save")
    segments = models.JSONField(default=list,
                                help_text="[{start_ms, end_ms, text, words, reviewed, stale}]")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    # Kept beside the foreign key so history survives a deleted account and an export.
    author_name = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["transcript", "-number"]
        constraints = [models.UniqueConstraint(fields=["transcript", "number"],
                                               name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.transcript} r{self.number}"
