"""The ASGI entry point: the production server and long-lived streams (live captions) use it."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
application = get_asgi_application()
