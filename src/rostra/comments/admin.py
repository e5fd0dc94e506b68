from django.contrib import admin

from rostra.comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("name", "speech", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "body")
    raw_id_fields = ("speech", "parent")
    readonly_fields = ("ip_hash", "created_at", "moderated_at", "moderated_by")
