from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rostra.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rostra.core import deploy_checks  # noqa: F401  (registers the checks)
