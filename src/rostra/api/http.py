"""Around every API view: rate limit per address, then ETag/Last-Modified for GETs
(conditional GET answers 304), and a JSON 404 for unknown API paths."""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from rostra.api.errors import error_response

WINDOW_SECONDS = 60


def rate_limit() -> int:
    """Requests one address may make per minute (ROSTRA_API_RATE_LIMIT)."""
    return settings.ROSTRA_API_RATE_LIMIT


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def over_rate_limit(request) -> int | None:
    """Count this request; return the seconds to wait when the address is over its limit.

    A fixed one-minute window in Django's cache (per process with the default local-memory
    cache; a shared cache makes it per deployment).
    """
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"rostra-api-rate:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > rate_limit():
        return max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
    return None


def api_view(view):
    """Wrap one of ninja's URL views with the rate limit and conditional GET."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        wait = over_rate_limit(request)
        if wait is not None:
            return error_response(429, f"too many requests from this address; wait {wait} s "
                                  f"(limit {rate_limit()} a minute)",
                                  headers={"Retry-After": str(wait)})
        response = view(request, *args, **kwargs)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
                "application/json"):
            # e.g. ninja's bare 405: every error gets the one body shape
            response = error_response(response.status_code,
                                      f"{request.method} is not allowed here"
                                      if response.status_code == 405 else "request failed",
                                      headers={"Allow": response["Allow"]}
                                      if response.has_header("Allow") else None)
        if request.method in ("GET", "HEAD") and response.status_code == 200 \
                and not response.streaming:
            if not response.has_header("ETag"):
                response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response.setdefault("Cache-Control", "no-cache")  # revalidate with the ETag
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            response = get_conditional_response(request, etag=response["ETag"],
                                                last_modified=last_modified, response=response)
        return response

    return wrapper


def not_found(request, rest: str = ""):
    wait = over_rate_limit(request)
    if wait is not None:
        return error_response(429, "too many requests from this address",
                              headers={"Retry-After": str(wait)})
    return error_response(404, f"no API endpoint at /api/{rest}; see /api/docs")
