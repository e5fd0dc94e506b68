from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rostra.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rostra.core import checks  # noqa: F401  (registers the ROSTRA_* system checks)
