from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "rostra.live"
    label = "live"
    verbose_name = "Live captions"
    default_auto_field = "django.db.models.BigAutoField"
