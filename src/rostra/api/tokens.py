"""Creating, checking and revoking API tokens (the review pages, the admin and the API use
these)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rostra.api.models import ApiToken
from rostra.core.errors import UserError
from rostra.staff import audit, roles

TOKEN_PREFIX = "rst_"
# Writing last_used_at on every request would make every read a write; once a minute is
# precise enough to see which tokens are in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(*, user, owner, name: str) -> tuple[ApiToken, str]:
    """Create a token acting as ``owner``; returns (row, the token in clear — shown once).

    ``user`` is who creates it (must have staff.manage_tokens). Side effects: one row; an
    audit entry.
    """
    if not roles.can_manage_tokens(user):
        raise PermissionDenied("you may not create API tokens")
    name = (name or "").strip()
    if not name:
        raise UserError("give the token a name that says what it is for")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=owner, name=name[:100], prefix=token[:12],
                                  token_hash=hash_token(token))
    audit.record(user=user, action="token.create", obj=row,
                 after={"name": row.name, "owner": owner.get_username(), "prefix": row.prefix})
    return row, token


def revoke_token(token_row: ApiToken, *, user) -> bool:
    """Revoke a token; does nothing if it already is. Side effects: revoked_at; audit entry."""
    if not roles.can_manage_tokens(user):
        raise PermissionDenied("you may not revoke API tokens")
    if token_row.revoked_at:
        return False
    token_row.revoked_at = timezone.now()
    token_row.save(update_fields=["revoked_at"])
    audit.record(user=user, action="token.revoke", obj=token_row,
                 before={"active": True}, after={"active": False})
    return True


def user_for_token(token: str):
    """The active user a token acts as, or None. Updates last_used_at (at most once a minute)."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    row = (ApiToken.objects.select_related("user")
           .filter(token_hash=hash_token(token), revoked_at__isnull=True).first())
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
