"""``/healthz``: answers without touching the database, for load balancers and process managers.

It is also the load benchmark's ceiling: the cheapest Django view the same server can serve,
through the same middleware.
"""

from __future__ import annotations

from django.http import HttpResponse


def healthz(request):
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
