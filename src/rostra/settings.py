"""Django settings, built from the ROSTRA_* environment variables parsed in rostra.config."""

from __future__ import annotations

import secrets

import dj_database_url

from rostra.config import load_config

CONFIG = load_config()

DATA_DIR = CONFIG["ROSTRA_DATA_DIR"]
MEDIA_DIR = CONFIG["ROSTRA_MEDIA_DIR"]
ROSTRA_LANGUAGES = CONFIG["ROSTRA_LANGUAGES"]


def _secret_key() -> str:
    if CONFIG["ROSTRA_SECRET_KEY"]:
        return CONFIG["ROSTRA_SECRET_KEY"]
    # Kept in the data dir so sessions and signed links survive restarts.
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key, encoding="utf-8")
        key_file.chmod(0o600)
    except OSError:
        pass  # a read-only data dir still serves; sessions then last one process
    return key


SECRET_KEY = _secret_key()
DEBUG = CONFIG["ROSTRA_DEBUG"]
ALLOWED_HOSTS = CONFIG["ROSTRA_ALLOWED_HOSTS"] + ["testserver"]
SITE_URL = CONFIG["ROSTRA_SITE_URL"].rstrip("/")
ROSTRA_COMMENTS_MODERATION = CONFIG["ROSTRA_COMMENTS_MODERATION"]
ROSTRA_COMMENTS_RATE_LIMIT = CONFIG["ROSTRA_COMMENTS_RATE_LIMIT"]
ROSTRA_RENDITIONS = CONFIG["ROSTRA_RENDITIONS"]
ROSTRA_RENDITION_HEIGHTS = CONFIG["ROSTRA_RENDITION_HEIGHTS"]
ROSTRA_HLS_FROM_MINUTES = CONFIG["ROSTRA_HLS_FROM_MINUTES"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI for /api/docs from its own static files, not a CDN
    "rostra.core",
    "rostra.archive",
    "rostra.transcripts",
    "rostra.processing",
    "rostra.media",
    "rostra.search",
    "rostra.comments",
    "rostra.review",
    "rostra.public",
    "rostra.api",
    "rostra.feeds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "rostra.urls"
WSGI_APPLICATION = "rostra.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if CONFIG["ROSTRA_DATABASE_URL"]:
    DATABASES = {"default": dj_database_url.parse(CONFIG["ROSTRA_DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "rostra.sqlite3",
            "OPTIONS": {
                # WAL lets the website read while a worker writes; IMMEDIATE avoids the
                # "database is locked" upgrade deadlock between two writers.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = ROSTRA_LANGUAGES[0]
LANGUAGES = [(code, code) for code in ROSTRA_LANGUAGES]
LOCALE_PATHS = [__import__("pathlib").Path(__file__).parent / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

LOGIN_URL = "review:login"  # the staff login page (rostra.review)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Celery: with no broker, tasks run in this process (one machine, no external service).
CELERY_BROKER_URL = CONFIG["ROSTRA_BROKER_URL"] or "memory://"
CELERY_TASK_ALWAYS_EAGER = not CONFIG["ROSTRA_BROKER_URL"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_DEFAULT_QUEUE = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"rostra": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"}},
}
