from django.apps import AppConfig


class TranscriptsConfig(AppConfig):
    name = "rostra.transcripts"
    label = "transcripts"
    default_auto_field = "django.db.models.BigAutoField"
