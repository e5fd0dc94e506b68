"""Approving languages and publishing: the rules, provenance labels and the audit log."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied

from rostra.archive.models import Speech
from rostra.core.errors import UserError
from rostra.review.domain import editing, publishing
from rostra.staff.models import AuditEntry
from tests.review.conftest import transcript_of

pytestmark = pytest.mark.django_db


def test_needs_review_to_published_in_three_languages(speech, editor_all):
    for language in ("fa", "ar", "en"):
        publishing.approve_language(speech, language, user=editor_all)
    speech.refresh_from_db()
    assert speech.state == Speech.State.APPROVED
    assert publishing.publish(speech, user=editor_all, languages=["fa", "ar", "en"])
    speech.refresh_from_db()
    assert speech.state == Speech.State.PUBLISHED
    assert speech.published_languages == ["fa", "ar", "en"]
    assert not publishing.publish(speech, user=editor_all, languages=["fa", "ar", "en"])
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "language.approve", "language.approve", "language.approve", "speech.publish"]


def test_unapproved_language_needs_explicit_machine_label(speech, editor_all):
    publishing.approve_language(speech, "fa", user=editor_all)
    with pytest.raises(UserError, match="en not approved"):
        publishing.publish(speech, user=editor_all, languages=["fa", "en"])
    publishing.publish(speech, user=editor_all, languages=["fa", "en"], allow_machine=True)
    assert "published-as-machine-output" in transcript_of(speech, "en").flags
    assert "published-as-machine-output" not in transcript_of(speech, "fa").flags
    entry = AuditEntry.objects.get(action="speech.publish")
    assert entry.after["machine_output"] == ["en"]


def test_stale_segments_block_approval(speech, editor_all):
    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[0] = replace(changes[0], text="متن دیگر")
    editing.edit_segments(fa, user=editor_all, base_revision=fa.revision, changes=changes)
    with pytest.raises(UserError, match="stale"):
        publishing.approve_language(speech, "en", user=editor_all)


def test_language_limits_on_approval_and_publishing(speech, editor_fa, moderator_mona):
    publishing.approve_language(speech, "fa", user=editor_fa)
    with pytest.raises(PermissionDenied):
        publishing.approve_language(speech, "ar", user=editor_fa)
    with pytest.raises(PermissionDenied):
        publishing.publish(speech, user=editor_fa, languages=["fa", "ar"], allow_machine=True)
    with pytest.raises(PermissionDenied):
        publishing.approve_language(speech, "fa", user=moderator_mona)
    assert publishing.publish(speech, user=editor_fa, languages=["fa"])
    with pytest.raises(PermissionDenied):
        publishing.unpublish(speech, user=editor_fa)


def test_unpublish_and_withdraw(speech, editor_all, admin_ada):
    publishing.publish(speech, user=editor_all, languages=["fa"], allow_machine=True)
    assert publishing.unpublish(speech, user=editor_all)
    speech.refresh_from_db()
    assert speech.state == Speech.State.NEEDS_REVIEW
    with pytest.raises(PermissionDenied):
        publishing.withdraw(speech, user=editor_all)
    assert publishing.withdraw(speech, user=admin_ada)
    speech.refresh_from_db()
    assert speech.state == Speech.State.WITHDRAWN
    assert not publishing.withdraw(speech, user=admin_ada)


def test_edit_after_approval_clears_it(speech, editor_all):
    publishing.approve_language(speech, "fa", user=editor_all)
    fa = transcript_of(speech, "fa")
    assert fa.approved
    changes = editing.current_segments(fa)
    changes[0] = replace(changes[0], text="متن دیگر")
    fa = editing.edit_segments(fa, user=editor_all, base_revision=fa.revision, changes=changes)
    assert not fa.approved
