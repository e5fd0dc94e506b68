"""Bearer tokens: required for writes; optional for reads (a token holder sees every
speech, not only published ones)."""

from __future__ import annotations

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from rostra.api.tokens import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def reader(request):
    """The token's user for a read, None when no token was sent; a wrong token is a 401
    (better than silently showing the public view)."""
    if hasattr(request, "_rostra_reader"):  # asked several times per request
        return request._rostra_reader
    header = request.headers.get("Authorization", "")
    if not header:
        request._rostra_reader = None
        return None
    scheme, _, token = header.partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise AuthenticationError()
    request._rostra_reader = user
    return user
