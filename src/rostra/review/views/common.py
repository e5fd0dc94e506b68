"""What every review page shares: the login requirement, role checks, error rendering."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse_lazy

from rostra.core.errors import UserError
from rostra.core.reader_locale import localize_digits
from rostra.public.reader_digits import current_numbering_system
from rostra.staff import roles

LOGIN_URL = reverse_lazy("review:login")


def staff_page(codename: str | None = None):
    """Login required (anonymous → login page); with ``codename``, the permission too (→ 403)."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if codename and not roles.has(request.user, codename):
                raise PermissionDenied(f"your role does not allow this ({codename})")
            return view(request, *args, **kwargs)

        return login_required(wrapper, login_url=LOGIN_URL)

    return decorate


def reader_number(value: int) -> str:
    """An integer in the active language's digits (۲, ٢ or 2)."""
    return localize_digits(str(value), current_numbering_system())


def error_text(error: UserError) -> str:
    """A refusal as the editor reads it: their language, counts in their digits."""
    return error.translated(number=reader_number)


def redirect_with_result(request, target: str, action, success: str):
    """Run ``action``; flash ``success`` or the user's mistake (one line); redirect."""
    try:
        action()
    except UserError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect(target)


def page_context(request, **extra) -> dict:
    return {"roles": roles.role_names(request.user),
            "can_manage_tokens": roles.can_manage_tokens(request.user),
            "can_view_queue": roles.has(request.user, "view_queue"),
            "can_moderate": roles.can_moderate(request.user),
            **extra}
