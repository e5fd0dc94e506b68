"""The REST API (django-ninja; see docs/decisions.md): /api/, schema at /api/openapi.json,
docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from rostra import __version__
from rostra.api import errors, glossary, links, public, writes  # noqa: F401 (glossary: routes)

class LinkedNinjaAPI(NinjaAPI):
    """django-ninja's schema, with the links between operations (rostra.api.links)."""

    def get_openapi_schema(self, *args, **kwargs):
        return links.add_links(super().get_openapi_schema(*args, **kwargs))


api = LinkedNinjaAPI(
    title="rostra API",
    version=__version__,
    description=(
        "Read the archive (events, sessions, topics, speakers, published speeches with their "
        "transcripts, subtitles and search) and, with a token, write to it. Errors always "
        'have the body {"error": {"code", "message", "field"?}}. Rate limit per address: '
        "ROSTRA_API_RATE_LIMIT requests a minute (429 with Retry-After beyond it)."),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install_handlers(api)
# writes adds its operations to the same router (see rostra.api.writes)
assert writes.router is public.router
api.add_router("", public.router)
