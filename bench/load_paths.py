"""ASGI applications the load benchmark compares with ``rostra.asgi:application``, served by
the same uvicorn flags (bench/load_benchmark.py --media-only)."""

from rostra.asgi import django_application, layered

# Every layer but the media front: recordings through Django's view and ranged answer for
# every request, as before the media front (rostra.public.media_front).
without_media_front = layered(django_application, media_front=False)
