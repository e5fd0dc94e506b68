from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rostra.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from rostra.core import checks  # noqa: F401  (registers the ROSTRA_* system checks)
        from rostra.core.private_files import keep_sqlite_private

        connection_created.connect(keep_sqlite_private, dispatch_uid="rostra-sqlite-private")
