"""What ROSTRA_SITE_URL says about the transport, as Django security settings.

A site whose public address is ``https://…`` sits behind a TLS proxy (``rostra serve`` speaks
plain HTTP): browsers then send an https Origin, so CSRF must trust that origin; cookies must be
Secure; browsers are told to keep to HTTPS (HSTS); and the proxy's ``X-Forwarded-Proto: https``
is what tells Django a request came in over TLS. A plain ``http://`` address (loopback, the
default) turns all of that off, so a laptop demo keeps working.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from rostra.core.errors import ConfigurationError

HSTS_SECONDS = 31_536_000  # one year; no includeSubDomains: other hosts of the domain are not ours


def site_origin(site_url: str) -> tuple[str, str]:
    """(scheme, origin) of the site's public address; refuses what is not an http(s) URL."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"ROSTRA_SITE_URL={site_url!r} is not valid: expected an "
                                 "address such as https://talks.example.org; see "
                                 "docs/configuration.md")
    return parts.scheme, f"{parts.scheme}://{parts.netloc}"


def transport_settings(site_url: str) -> dict:
    """The Django settings that follow from the site's public address (see the module doc)."""
    scheme, origin = site_origin(site_url)
    secure = scheme == "https"
    return {
        "CSRF_TRUSTED_ORIGINS": [origin] if secure else [],
        "SESSION_COOKIE_SECURE": secure,
        "CSRF_COOKIE_SECURE": secure,
        "SECURE_HSTS_SECONDS": HSTS_SECONDS if secure else 0,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if secure else None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
    }


def site_host(site_url: str) -> str:
    return urlsplit(site_url).hostname or ""
