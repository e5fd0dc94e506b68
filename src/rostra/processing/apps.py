from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "rostra.processing"
    label = "processing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Bind shared tasks to rostra's configured Celery app (eager without a broker).
        import rostra.celery_app  # noqa: F401
