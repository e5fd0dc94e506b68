"""Who may edit which language, and the audit log whose model also carries the roles' rights."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EditorProfile(models.Model):
    """Limits an editor to some languages; an editor without a profile (or with none listed)
    may edit every language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="editor_profile")
    languages = models.JSONField(default=list, blank=True,
                                 help_text="ISO 639 codes this editor may edit; empty: all")

    class Meta:
        db_table = "review_editorprofile"  # the table kept its name when the model moved here

    def __str__(self) -> str:
        return f"{self.user} ({', '.join(self.languages) or 'all languages'})"


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
        db_table = "review_auditentry"  # the table kept its name when the model moved here
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"],
                                name="review_audi_object__4ce712_idx")]
        # The rights of the roles (see rostra.staff.roles); attached to groups by migrations.
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
