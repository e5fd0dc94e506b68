"""rostra's own deployment checks, run by ``rostra check --deploy`` beside Django's.

Each names the setting to change. Registered with ``deploy=True``: they judge a public
instance, so a laptop's ``rostra serve`` on 127.0.0.1 is not nagged.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


@register(Tags.security, deploy=True)
def check_site_address(app_configs=None, **kwargs):
    site_url = settings.SITE_URL
    problems = []
    allowed = set(settings.ALLOWED_HOSTS)
    if "*" in allowed:
        problems.append(Error("ROSTRA_ALLOWED_HOSTS contains *", id="rostra.D003",
                              hint="list the site's host names; * lets any Host header in"))
    if not site_url:
        problems.append(Error(
            "ROSTRA_SITE_URL is not set", id="rostra.D001",
            hint="set it to the public https:// address, e.g. https://talks.example.org; "
                 "feeds, sitemaps and embed codes are read by other machines"))
        return problems
    parts = urlsplit(site_url)
    if parts.scheme != "https":
        problems.append(Error(f"ROSTRA_SITE_URL={site_url} is not https", id="rostra.D002",
                              hint="serve the site over TLS (docs/deployment.md) and give its "
                                   "https:// address"))
    host = parts.hostname or ""
    if host and "*" not in allowed and host not in allowed:
        problems.append(Error(f"ROSTRA_ALLOWED_HOSTS does not include {host}", id="rostra.D004",
                              hint=f"add {host} to ROSTRA_ALLOWED_HOSTS"))
    if host in LOOPBACK_HOSTS:
        problems.append(Error(f"ROSTRA_SITE_URL points at this machine only ({host})",
                              id="rostra.D005", hint="give the public host name"))
    return problems


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    if settings.ROSTRA_SECRET_KEY:
        return []
    key_file = Path(settings.DATA_DIR) / "secret_key"
    problems = []
    if settings.ROSTRA_DATABASE_URL:
        problems.append(Warning(
            "ROSTRA_SECRET_KEY is not set while the database is shared", id="rostra.D010",
            hint="every web machine must sign with the same key: set ROSTRA_SECRET_KEY_FILE "
                 "to one secret file on each"))
    try:
        mode = key_file.stat().st_mode
    except OSError:
        return problems
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        problems.append(Error(f"{key_file} can be read by other users", id="rostra.D006",
                              hint=f"chmod 600 {key_file}"))
    return problems


def _writable(path: Path) -> bool:
    probe = path
    while not probe.exists():
        probe = probe.parent
    return os.access(probe, os.W_OK | os.X_OK)


@register(Tags.security, deploy=True)
def check_writable_dirs(app_configs=None, **kwargs):
    folders = {"ROSTRA_DATA_DIR": Path(settings.DATA_DIR),
               "ROSTRA_MEDIA_DIR": Path(settings.MEDIA_DIR),
               "static files (DATA_DIR/static)": Path(settings.STATIC_ROOT)}
    return [Error(f"{name} {path} is not writable by this user", id="rostra.D007",
                  hint="run rostra as the user that owns it, or chown it to that user")
            for name, path in folders.items() if not _writable(path)]


@register(Tags.security, deploy=True)
def check_models_present(app_configs=None, **kwargs):
    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.weights import _bundled_source_dirs, describe_asr_model
    from rostra.pipeline.types import ModelUnavailable

    problems = []
    spec = describe_asr_model(settings.ROSTRA_ASR_MODEL, model_cache=model_cache_dir())
    if spec.kind == "bundled":
        try:
            _bundled_source_dirs()
        except ModelUnavailable as error:
            problems.append(Error(f"speech model: {error}", id="rostra.D008"))
    elif not spec.present:
        problems.append(Error(f"speech model {spec.name!r} is not at {spec.path}", id="rostra.D008",
                              hint="rostra models fetch NAME on a connected machine, or set "
                                   "ROSTRA_ASR_MODEL to a CTranslate2 Whisper folder"))
    if settings.ROSTRA_MT_ENGINE == "ctranslate2":
        folder = Path(settings.ROSTRA_MT_MODEL or ".").expanduser()
        if not settings.ROSTRA_MT_MODEL or not (folder / "model.bin").is_file():
            problems.append(Error("ROSTRA_MT_ENGINE=ctranslate2 but ROSTRA_MT_MODEL is not a "
                                  "model folder", id="rostra.D009",
                                  hint="point ROSTRA_MT_MODEL at a CTranslate2 translation "
                                       "model folder, or set ROSTRA_MT_ENGINE=none"))
    return problems
