from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "rostra.glossary"
    label = "glossary"
    default_auto_field = "django.db.models.BigAutoField"
