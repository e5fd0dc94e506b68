"""Editors' records: who may edit which language, every revision of a transcript, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rostra.transcripts.models import Transcript


class EditorProfile(models.Model):
    """Limits an editor to some languages; an editor without a profile (or with none listed)
    may edit every language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="editor_profile")
    languages = models.JSONField(default=list, blank=True,
                                 help_text="ISO 639 codes this editor may edit; empty: all")

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.languages) or 'all languages'})"


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


class AuditEntry(models.Model):
    """One write by a person or a token: who, when, what, before and after."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, help_text="app_label.model")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    via = models.CharField(max_length=10, default="web", help_text="web, api or cli")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        # The rights of the roles (see rostra.review.roles); attached to groups by a migration.
        permissions = [
            ("view_queue", "See the review queue and editor pages"),
            ("edit_transcript", "Edit transcripts (in the editor's languages)"),
            ("approve_language", "Approve a transcript language"),
            ("publish_speech", "Publish and unpublish speeches"),
            ("withdraw_speech", "Withdraw speeches from the site"),
            ("manage_archive", "Create and change speeches, media and processing"),
            ("moderate_comment", "Moderate reader comments"),
            ("manage_tokens", "Create and revoke API tokens"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"
