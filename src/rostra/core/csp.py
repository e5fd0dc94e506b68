"""A Content-Security-Policy on every answer.

The site's own scripts are files under /static/ (no inline script anywhere), so scripts come
from 'self' only. Inline ``style=""`` attributes remain in a few staff templates and Swagger UI
sets styles itself, hence 'unsafe-inline' for styles only. Media and subtitles are same-origin;
``blob:`` is for the player's own buffers, ``data:`` for Swagger UI's icons. The embed page is the
one page other sites may frame (its view sets ``xframe_options_exempt``); no other page may
be framed at all, as X-Frame-Options: DENY already says.
"""

from __future__ import annotations

BASE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def policy(*, frameable: bool) -> str:
    return "; ".join((*BASE_POLICY, "frame-ancestors *" if frameable else "frame-ancestors 'none'"))


POLICY = policy(frameable=False)
EMBED_POLICY = policy(frameable=True)


def content_security_policy(get_response):
    """Middleware: adds the policy unless the view set its own."""

    def middleware(request):
        response = get_response(request)
        if "Content-Security-Policy" not in response:
            frameable = getattr(response, "xframe_options_exempt", False)
            response["Content-Security-Policy"] = EMBED_POLICY if frameable else POLICY
        return response

    return middleware
