"""Reader comments on speeches: threaded, held for moderation, never showing an e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rostra.archive.models import Speech

NAME_MAX = 80
BODY_MAX = 4000
EMAIL_MAX = 254


class Comment(models.Model):
    class Status(models.TextChoices):
        HELD = "held", "held for moderation"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"
        SPAM = "spam", "spam"

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies")
    name = models.CharField(max_length=NAME_MAX)
    email = models.EmailField(max_length=EMAIL_MAX, blank=True,
                              help_text="for the moderators only; never shown")
    body = models.TextField(max_length=BODY_MAX)
    language = models.CharField(max_length=8, blank=True,
                                help_text="interface language the comment was written in")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD,
                              db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True,
                               help_text="keyed hash of the address, for rate limits")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["speech", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"
