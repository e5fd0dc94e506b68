from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "rostra.media"
    label = "rostra_media"  # "media" alone would read like Django's MEDIA_* settings
    default_auto_field = "django.db.models.BigAutoField"
