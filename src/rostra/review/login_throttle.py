"""Failed sign-ins are counted per address in Django's cache; past the limit, the login form
refuses every attempt from that address (right password too) until the window passes.

Used by the staff login page and the Django admin's (both use ThrottledAuthenticationForm).
Per process with the default local-memory cache, per deployment with a shared cache, like the
API's rate limit.
"""

from __future__ import annotations

import time

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

FAILURES_ALLOWED = 10
WINDOW_SECONDS = 15 * 60
THROTTLED = "throttled"


def _key(request) -> str:
    address = (request.META.get("REMOTE_ADDR") if request is not None else "") or "unknown"
    return f"rostra-login-failures:{address}:{int(time.time() // WINDOW_SECONDS)}"


def is_throttled(request) -> bool:
    return (cache.get(_key(request)) or 0) >= FAILURES_ALLOWED


def record_failure(request) -> None:
    key = _key(request)
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        if is_throttled(self.request):
            raise forms.ValidationError(
                _("Too many failed sign-ins from this address; wait 15 minutes and try again."),
                code=THROTTLED)
        try:
            return super().clean()
        except forms.ValidationError:
            record_failure(self.request)
            raise

    def is_throttled(self) -> bool:
        return any(error.code == THROTTLED for error in self.non_field_errors().as_data())
