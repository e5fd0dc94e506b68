from django.contrib import admin

from rostra.review.models import AuditEntry, EditorProfile, TranscriptRevision


@admin.register(EditorProfile)
class EditorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "languages")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "username", "action", "object_type", "object_repr", "via")
    list_filter = ("action", "via")
    search_fields = ("username", "object_repr")

    def has_change_permission(self, request, obj=None):
        return False  # the log is append-only

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TranscriptRevision)
class TranscriptRevisionAdmin(admin.ModelAdmin):
    list_display = ("transcript", "number", "author_name", "note", "created_at")
    readonly_fields = ("transcript", "number", "segments", "author", "author_name", "note",
                       "created_at")
