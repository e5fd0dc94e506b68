from django.contrib import admin

from rostra.archive import models


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__", "starts_on", "ends_on", "timezone"]
    search_fields = ["slug", "name"]


@admin.register(models.Day)
class DayAdmin(admin.ModelAdmin):
    list_display = ["event", "index", "date"]
    list_filter = ["event"]


@admin.register(models.Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__", "event", "position"]
    list_filter = ["event"]


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__", "event", "room", "starts_at"]
    list_filter = ["event"]
    list_select_related = ["event", "room"]


@admin.register(models.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__", "event"]
    list_filter = ["event"]


@admin.register(models.Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__", "event", "country", "region"]
    list_filter = ["event", "country"]
    search_fields = ["slug", "names", "external_id"]


class SpeechSpeakerInline(admin.TabularInline):
    model = models.SpeechSpeaker
    extra = 0
    autocomplete_fields = ["speaker"]


@admin.register(models.Speech)
class SpeechAdmin(admin.ModelAdmin):
    list_display = ["slug", "__str__", "event", "original_language", "starts_at", "state"]
    list_filter = ["event", "state", "original_language"]
    search_fields = ["slug", "external_id", "guid", "title"]
    list_select_related = ["event"]
    inlines = [SpeechSpeakerInline]
    raw_id_fields = ["media"]
    filter_horizontal = ["topics"]


@admin.register(models.MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ["original_name", "sha256", "size", "duration_ms", "container", "has_video"]
    search_fields = ["sha256", "original_name"]
    readonly_fields = ["sha256", "size", "path", "streams"]
