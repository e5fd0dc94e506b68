"""Approving languages, publishing, unpublishing and withdrawing speeches.

Wraps rostra.archive.domain.publishing (the one writer of publication state) with the
editorial rules: who may, which languages must be approved, and the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from rostra.archive.domain.publishing import publish_speech, withdraw_speech
from rostra.archive.domain.states import set_speech_state
from rostra.archive.models import Speech
from rostra.core.errors import UserError
from rostra.staff import audit, roles
from rostra.transcripts.models import Transcript
from rostra.transcripts.reading import preferred_transcript

# Written on a transcript published without a person's approval, so every surface can say
# "machine output, not reviewed".
PUBLISHED_AS_MACHINE = "published-as-machine-output"


def _transcript_for(speech: Speech, language: str) -> Transcript:
    transcript = preferred_transcript(speech, language)
    if transcript is None:
        raise UserError(gettext_noop("%(speech)s has no finished %(language)s transcript; "
                                     "process or import one first"),
                        params={"speech": speech.slug, "language": language})
    return transcript


def approve_language(speech: Speech, language: str, *, user, via: str = "web") -> Transcript:
    """Approve the transcript readers would get in ``language``.

    Refuses (UserError) while segments are stale. Side effects: transcript.approved and
    approved_at set; the speech moves to ``approved`` once every archive language is approved
    (unless it is published); an audit entry. Approving an approved language changes nothing.
    """
    if not roles.can_approve_language(user, language):
        raise PermissionDenied(f"you may not approve {language}")
    with transaction.atomic():
        transcript = _transcript_for(speech, language)
        if transcript.approved:
            return transcript
        stale = transcript.segments.filter(stale=True).count()
        if stale:
            raise UserError(gettext_noop("%(count)s %(language)s segment(s) of %(speech)s "
                                         "are stale (their source changed); re-translate or "
                                         "edit them before approving"),
                            params={"count": stale, "language": language,
                                    "speech": speech.slug})
        Transcript.objects.filter(pk=transcript.pk).update(approved=True,
                                                           approved_at=timezone.now())
        transcript.refresh_from_db()
        if speech.state in (Speech.State.NEEDS_REVIEW, Speech.State.RECORDED,
                            Speech.State.PROCESSING) and _all_approved(speech):
            set_speech_state(speech, Speech.State.APPROVED)
        audit.record(user=user, action="language.approve", obj=transcript, via=via,
                     before={"approved": False}, after={"approved": True,
                                                        "revision": transcript.revision})
    return transcript


def unapprove_language(speech: Speech, language: str, *, user, via: str = "web") -> Transcript:
    """Withdraw an approval (the transcript needs another look). Side effects: approved
    cleared; an approved speech returns to needs_review; an audit entry."""
    if not roles.can_approve_language(user, language):
        raise PermissionDenied(f"you may not approve {language}")
    with transaction.atomic():
        transcript = _transcript_for(speech, language)
        if not transcript.approved:
            return transcript
        Transcript.objects.filter(pk=transcript.pk).update(approved=False, approved_at=None)
        transcript.refresh_from_db()
        if speech.state == Speech.State.APPROVED:
            set_speech_state(speech, Speech.State.NEEDS_REVIEW)
        audit.record(user=user, action="language.unapprove", obj=transcript, via=via,
                     before={"approved": True}, after={"approved": False})
    return transcript


def _all_approved(speech: Speech) -> bool:
    return all(getattr(preferred_transcript(speech, code), "approved", False)
               for code in settings.ROSTRA_LANGUAGES)


def publish(speech: Speech, *, user, languages: list[str], allow_machine: bool = False,
            via: str = "web") -> bool:
    """Publish ``speech`` in ``languages``.

    Every chosen language must be approved, unless ``allow_machine`` is given: then the
    unapproved ones are published flagged ``published-as-machine-output`` so readers are told.
    Side effects: archive.domain.publishing.publish_speech (state, languages, signal for
    search and feeds); transcript flags; an audit entry. Returns whether anything changed.
    """
    languages = list(dict.fromkeys(code for code in languages if code))
    if not languages:
        raise UserError(gettext_noop("choose at least one language to publish"), params={})
    unknown = [code for code in languages if code not in settings.ROSTRA_LANGUAGES]
    if unknown:
        raise UserError(gettext_noop("%(codes)s is not an archive language (%(languages)s)"),
                        params={"codes": ", ".join(unknown),
                                "languages": ", ".join(settings.ROSTRA_LANGUAGES)})
    if not roles.can_publish(user, languages):
        raise PermissionDenied("you may not publish " + ", ".join(languages))
    if speech.state == Speech.State.WITHDRAWN and not roles.can_withdraw(user):
        raise PermissionDenied("only an admin may publish a withdrawn speech again")
    with transaction.atomic():
        transcripts = {code: _transcript_for(speech, code) for code in languages}
        unapproved = [code for code, t in transcripts.items() if not t.approved]
        if unapproved and not allow_machine:
            raise UserError(gettext_noop("%(languages)s not approved; approve them, or "
                                         "publish them explicitly as machine output"),
                            params={"languages": ", ".join(unapproved)})
        for code, transcript in transcripts.items():
            flags = [f for f in transcript.flags if f != PUBLISHED_AS_MACHINE]
            if code in unapproved:
                flags.append(PUBLISHED_AS_MACHINE)
            if flags != transcript.flags:
                Transcript.objects.filter(pk=transcript.pk).update(flags=flags)
        before = audit.speech_summary(speech)
        changed = publish_speech(speech, languages=languages)
        if changed:
            audit.record(user=user, action="speech.publish", obj=speech, via=via,
                         before=before, after={**audit.speech_summary(speech),
                                               "machine_output": unapproved})
    return changed


def unpublish(speech: Speech, *, user, via: str = "web") -> bool:
    """Take a published speech off the site to work on it again (approved or needs_review).

    Side effects: archive.domain.states.set_speech_state (signal: search and feeds drop it);
    an audit entry. Returns whether anything changed.
    """
    if not roles.can_unpublish(user):
        raise PermissionDenied("only an editor of every language may unpublish")
    if speech.state != Speech.State.PUBLISHED:
        return False
    with transaction.atomic():
        before = audit.speech_summary(speech)
        state = Speech.State.APPROVED if _all_approved(speech) else Speech.State.NEEDS_REVIEW
        set_speech_state(speech, state)
        audit.record(user=user, action="speech.unpublish", obj=speech, via=via, before=before,
                     after=audit.speech_summary(speech))
    return True


def withdraw(speech: Speech, *, user, via: str = "web") -> bool:
    """Withdraw a speech: it disappears from the site, the search and the feeds (admin only).

    Side effects: archive.domain.publishing.withdraw_speech; an audit entry."""
    if not roles.can_withdraw(user):
        raise PermissionDenied("only an admin may withdraw a speech")
    with transaction.atomic():
        before = audit.speech_summary(speech)
        changed = withdraw_speech(speech)
        if changed:
            audit.record(user=user, action="speech.withdraw", obj=speech, via=via,
                         before=before, after=audit.speech_summary(speech))
    return changed
