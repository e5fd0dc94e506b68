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


class MachineMetadata(models.Model):
    """A machine translation of one program text (a speech's title, a room's name…) into one
    language, waiting for an editor. Kept apart from the row it translates: readers see it
    only once an editor approves it, which copies it into that row (``approved_at`` set)."""

    object_type = models.CharField(max_length=50, help_text="app_label.model, e.g. archive.speech")
    object_id = models.PositiveBigIntegerField()
    attr = models.CharField(max_length=50, help_text="the multilingual field, e.g. title")
    language = models.CharField(max_length=8)
    source_language = models.CharField(max_length=8)
    text = models.TextField()
    engine = models.CharField(max_length=50)
    model = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["object_type", "object_id", "attr", "language"],
            name="machine_metadata_unique_text")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}.{self.attr}[{self.language}]"
