"""The ASGI entry point: the production server and long-lived streams (live captions) use it.

Django's application sits behind rostra.public.front_cache, which answers repeated requests
for cached public pages without entering Django (ROSTRA_PAGE_CACHE=false turns both off)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
django_application = get_asgi_application()

from rostra.public.front_cache import FrontPageCache  # noqa: E402  (needs Django set up)

application = FrontPageCache(django_application)
