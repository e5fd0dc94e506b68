from django.contrib import admin

from rostra.review.models import TranscriptRevision


@admin.register(TranscriptRevision)
class TranscriptRevisionAdmin(admin.ModelAdmin):
    list_display = ("transcript", "number", "author_name", "note", "created_at")
    readonly_fields = ("transcript", "number", "segments", "author", "author_name", "note",
                       "created_at")
