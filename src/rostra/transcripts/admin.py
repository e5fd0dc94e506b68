from django.contrib import admin

from rostra.transcripts.models import Segment, Transcript


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0
    fields = ["position", "start_ms", "end_ms", "text", "reviewed", "stale"]


@admin.register(Transcript)
class TranscriptAdmin(admin.ModelAdmin):
    list_display = ["speech", "language", "origin", "engine", "model", "status", "approved"]
    list_filter = ["language", "origin", "status", "approved"]
    search_fields = ["speech__slug"]
    list_select_related = ["speech"]
    raw_id_fields = ["speech", "source"]
    inlines = [SegmentInline]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["transcript", "position", "start_ms", "end_ms", "text"]
    search_fields = ["text"]
    list_select_related = ["transcript__speech"]
    raw_id_fields = ["transcript"]
