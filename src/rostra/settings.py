"""Django settings, built from the ROSTRA_* environment variables parsed in rostra.config.

Every ROSTRA_* setting is a Django setting of the same name: code reads
``django.conf.settings.ROSTRA_X`` and tests override it with pytest-django's ``settings``
fixture. Nothing else reads the environment for them.
"""

from __future__ import annotations

import secrets

import dj_database_url

from rostra.config import load_config
from rostra.core.logs import logging_config
from rostra.core.private_files import make_private_dir, write_private_text
from rostra.core.transport import site_host, transport_settings

# Lower case, so Django does not expose the dict itself: the one way in is settings.ROSTRA_X.
_config = load_config()
globals().update(_config)

DATA_DIR = _config["ROSTRA_DATA_DIR"]
MEDIA_DIR = _config["ROSTRA_MEDIA_DIR"]


def _secret_key() -> str:
    if _config["ROSTRA_SECRET_KEY"]:
        return _config["ROSTRA_SECRET_KEY"]
    # Kept in the data dir so sessions and signed links survive restarts.
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    try:
        make_private_dir(DATA_DIR)
        write_private_text(key_file, key)
    except FileExistsError:  # another process wrote it first: use theirs
        return key_file.read_text(encoding="utf-8").strip()
    except OSError:
        pass  # a read-only data dir still serves; sessions then last one process
    return key


SECRET_KEY = _secret_key()
DEBUG = _config["ROSTRA_DEBUG"]
SITE_URL = _config["ROSTRA_SITE_URL"].rstrip("/")
ALLOWED_HOSTS = list(dict.fromkeys([*_config["ROSTRA_ALLOWED_HOSTS"], site_host(SITE_URL),
                                    "testserver"]))
# HTTPS behind a proxy when the public address is https (CSRF origin, Secure cookies, HSTS,
# X-Forwarded-Proto); see rostra.core.transport and docs/security.md.
_TRANSPORT = transport_settings(SITE_URL)
CSRF_TRUSTED_ORIGINS = _TRANSPORT["CSRF_TRUSTED_ORIGINS"]
SESSION_COOKIE_SECURE = _TRANSPORT["SESSION_COOKIE_SECURE"]
CSRF_COOKIE_SECURE = _TRANSPORT["CSRF_COOKIE_SECURE"]
SECURE_HSTS_SECONDS = _TRANSPORT["SECURE_HSTS_SECONDS"]
SECURE_PROXY_SSL_HEADER = _TRANSPORT["SECURE_PROXY_SSL_HEADER"]
SESSION_COOKIE_HTTPONLY = _TRANSPORT["SESSION_COOKIE_HTTPONLY"]
SECURE_CONTENT_TYPE_NOSNIFF = _TRANSPORT["SECURE_CONTENT_TYPE_NOSNIFF"]
SECURE_REFERRER_POLICY = _TRANSPORT["SECURE_REFERRER_POLICY"]

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
    "rostra.staff",
    "rostra.comments",
    "rostra.review",
    "rostra.glossary",
    "rostra.public",
    "rostra.api",
    "rostra.feeds",
    "rostra.live",
]

MIDDLEWARE = [
    "rostra.core.logs.request_logging",
    "django.middleware.security.SecurityMiddleware",
    "rostra.core.middleware.refuse_control_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rostra.core.csp.content_security_policy",
    "rostra.public.pagecache.PublicPageCacheMiddleware",
]

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered public pages, per process; rostra.public.pagecache keys them by content generation.
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
              "LOCATION": "rostra-pages", "OPTIONS": {"MAX_ENTRIES": 2000}},
}

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
                "rostra.core.siteurl.site_url_context",
            ],
        },
    },
]

if _config["ROSTRA_DATABASE_URL"]:
    DATABASES = {"default": dj_database_url.parse(_config["ROSTRA_DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "rostra.sqlite3",
            # Kept open between requests, as PostgreSQL's is: opening one and running the
            # PRAGMAs below cost more than a cached page's one query (ASGI runs every sync
            # view in one thread per process, so the connection is not shared).
            "CONN_MAX_AGE": 60,
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

LANGUAGE_CODE = _config["ROSTRA_LANGUAGES"][0]
LANGUAGES = [(code, code) for code in _config["ROSTRA_LANGUAGES"]]
LOCALE_PATHS = [__import__("pathlib").Path(__file__).parent / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "rostra.core.static_storage.HashedStaticFiles"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

LOGIN_URL = "review:login"  # the staff login page (rostra.review)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Celery: with no broker, tasks run in this process (one machine, no external service).
CELERY_BROKER_URL = _config["ROSTRA_BROKER_URL"] or "memory://"
CELERY_TASK_ALWAYS_EAGER = not _config["ROSTRA_BROKER_URL"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_DEFAULT_QUEUE = "default"

LOGGING = logging_config(data_dir=DATA_DIR, debug=DEBUG)
