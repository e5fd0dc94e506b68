from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "rostra.feeds"
    label = "feeds"
    default_auto_field = "django.db.models.BigAutoField"
