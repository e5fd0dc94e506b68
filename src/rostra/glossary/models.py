"""A term an editor added to an event's glossary (the program's own names need no row)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class GlossaryEntry(models.Model):
    event = models.ForeignKey("archive.Event", on_delete=models.CASCADE,
                              related_name="glossary_entries")
    key = models.CharField(max_length=200, help_text="folded first spelling; one entry per name")
    spellings = models.JSONField(default=dict, help_text="language → spelling")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["event", "key"],
                                               name="glossary_entry_unique_per_event")]

    def __str__(self) -> str:
        return f"{self.event.slug}: {self.key}"
