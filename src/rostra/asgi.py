"""The ASGI entry point: the production server and long-lived streams (live captions) use it.

``application`` is Django's ASGI application with three layers in front, measured in
bench/RESULTS.md ("Production server and load", "edge"): rostra.public.media_front sends
recordings Django said a reader may have, with Range, without entering Django again (only with
ROSTRA_MEDIA_OFFLOAD=none: otherwise the front web server sends them);
rostra.public.front_cache answers repeated requests for cached public pages without entering
Django (ROSTRA_PAGE_CACHE=false turns it off with the page cache); and
rostra.core.request_threads runs Django's synchronous code on ROSTRA_WEB_THREADS long-lived
threads. ``django_application`` is Django's alone (the load
benchmark's baseline)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
django_application = get_asgi_application()

from django.conf import settings  # noqa: E402  (after Django is set up)

from rostra.core.request_threads import LongLivedRequestThreads  # noqa: E402
from rostra.public.front_cache import FrontPageCache, GenerationWatch  # noqa: E402
from rostra.public.media_front import MediaFront  # noqa: E402


def layered(app, *, media_front: bool = True):
    """``app`` with the layers above (``media_front=False``: without the media front, as the
    load benchmark's comparison serves it)."""
    if settings.ROSTRA_WEB_THREADS > 0:
        app = LongLivedRequestThreads(app, threads=settings.ROSTRA_WEB_THREADS)
    generation = GenerationWatch()  # one token read serves both fronts
    app = FrontPageCache(app, generation=generation)
    return MediaFront(app, generation=generation) if media_front else app


application = layered(django_application)
