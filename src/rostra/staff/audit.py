"""The audit log: every write by a person or a token is recorded here, by the domain function
that makes it (so the web, the API and the CLI are all covered)."""

from __future__ import annotations

from typing import Any

from rostra.staff.models import AuditEntry


def record(*, user, action: str, obj, before: Any = None, after: Any = None,
           via: str = "web") -> AuditEntry:
    """Append one entry. ``obj`` is the model instance written (its type and id are kept,
    not a foreign key, so the entry outlives the object)."""
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        via=via,
    )


def speech_summary(speech) -> dict:
    """The fields of a speech an audit entry compares."""
    return {
        "state": speech.state,
        "published_languages": list(speech.published_languages or []),
        "title": dict(speech.title or {}),
    }
