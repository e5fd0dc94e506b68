"""API fixtures: the review suite's users and speech, plus a token per role."""

from __future__ import annotations

import pytest

from rostra.api.tokens import create_token
from tests.review.conftest import (admin_ada, editor_all, editor_ar, editor_fa,  # noqa: F401
                                   event, fast_password_hashing, make_user, moderator_mona,
                                   private_data_dir,
                                   role_users, speech, transcript_of)


@pytest.fixture(autouse=True)
def fresh_rate_limit(settings):
    from django.core.cache import cache

    cache.clear()
    settings.ROSTRA_API_RATE_LIMIT = 10_000


@pytest.fixture
def tokens(role_users):
    """role → bearer token (created by the admin, acting as that role's user)."""
    return {role: create_token(user=role_users["admin"], owner=user, name=f"{role} token")[1]
            for role, user in role_users.items()}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
