"""The site's public address, for every absolute link rostra hands out.

Canonical links, hreflang, og:url, the embed code, feeds, podcast enclosures, the sitemap and
robots.txt all come through here. ROSTRA_SITE_URL wins when set (the address behind a proxy or a
CDN); otherwise the request's own scheme and host, which Django has already checked against
ALLOWED_HOSTS, so `rostra serve --port 8765` hands out links on port 8765.
"""

from __future__ import annotations

from django.conf import settings

# Only for links made with no request at all (a command line run); never for a page.
NO_REQUEST_ROOT = "http://127.0.0.1:8000"


def site_root(request=None) -> str:
    """``scheme://host[:port]`` with no trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is None:
        return NO_REQUEST_ROOT
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path: str) -> str:
    """``path`` (starting with ``/``) on the site's public address."""
    return site_root(request) + path


def site_url_context(request) -> dict:
    """Template context processor: ``site_url`` on every page."""
    return {"site_url": site_root(request)}
