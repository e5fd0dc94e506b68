"""The rules for reader comments; the website and the API both call these functions."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rostra.archive.models import Speech
from rostra.comments.models import BODY_MAX, EMAIL_MAX, NAME_MAX, Comment
from rostra.core.errors import UserError
from rostra.staff import audit, roles

RATE_WINDOW = timedelta(minutes=10)


class CommentRejected(UserError):
    """A comment that cannot be accepted; the message says why, for the visitor."""


class RateLimited(CommentRejected):
    """Too many comments from one address in the rate window."""


@dataclass(frozen=True)
class CommentPolicy:
    moderation: bool
    rate_limit: int


def current_policy() -> CommentPolicy:
    return CommentPolicy(
        moderation=settings.ROSTRA_COMMENTS_MODERATION,
        rate_limit=settings.ROSTRA_COMMENTS_RATE_LIMIT,
    )


def hash_address(ip_address: str) -> str:
    """A keyed hash: enough to count one address's comments, useless to recover it."""
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, (ip_address or "").encode("utf-8"), hashlib.sha256).hexdigest()


def _clean(value: str) -> str:
    # NFC so the same name typed on two keyboards is one string; controls other than newlines
    # dropped (they hide text), bidi controls kept: dir="auto" isolation contains them.
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").strip()
    return "".join(ch for ch in value
                   if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def post_comment(*, speech: Speech, name: str, body: str, email: str = "", ip_address: str = "",
                 parent: Comment | None = None, language: str = "",
                 honeypot: str = "") -> Comment:
    """Accept a reader's comment (or reply) on a published speech.

    Side effects: one Comment row, ``held`` when moderation is on (ROSTRA_COMMENTS_MODERATION),
    else ``approved``. A filled honeypot stores the comment as ``spam`` (the bot sees the same
    answer as a person). Raises CommentRejected for empty or too long fields, a reply to a
    comment that is not shown, an unpublished speech, and RateLimited past
    ROSTRA_COMMENTS_RATE_LIMIT comments per address in ten minutes.
    """
    if speech.state != Speech.State.PUBLISHED:
        raise CommentRejected(_("Comments are open on published speeches only."))
    name, body, email = _clean(name), _clean(body), (email or "").strip()
    if not name:
        raise CommentRejected(_("Please write your name."))
    if not body:
        raise CommentRejected(_("Please write a comment."))
    if len(name) > NAME_MAX:
        raise CommentRejected(_("Your name is too long (at most %(limit)d characters).")
                              % {"limit": NAME_MAX})
    if len(body) > BODY_MAX:
        raise CommentRejected(_("Your comment is too long (at most %(limit)d characters).")
                              % {"limit": BODY_MAX})
    if email:
        try:
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            raise CommentRejected(_("That e-mail address does not look right; "
                                    "correct it or leave it empty.")) from None
    if parent is not None and (parent.speech_id != speech.pk
                               or parent.status != Comment.Status.APPROVED):
        raise CommentRejected(_("You can only reply to a comment shown on this page."))

    policy = current_policy()
    ip_hash = hash_address(ip_address)
    with transaction.atomic():
        recent = Comment.objects.filter(ip_hash=ip_hash,
                                        created_at__gte=timezone.now() - RATE_WINDOW).count()
        if recent >= policy.rate_limit:
            raise RateLimited(_("You have posted several comments in a short time; "
                                "please wait a few minutes and try again."))
        if honeypot:
            status = Comment.Status.SPAM
        elif policy.moderation:
            status = Comment.Status.HELD
        else:
            status = Comment.Status.APPROVED
        return Comment.objects.create(speech=speech, parent=parent, name=name, email=email,
                                      body=body, language=language[:8], status=status,
                                      ip_hash=ip_hash)


def moderate_comment(*, comment: Comment, status: str, moderator=None) -> bool:
    """Set a comment's status (approved, rejected, spam or held); nothing if it already is.

    Side effects: status, moderated_at and moderated_by saved. Returns whether it changed.
    Raises CommentRejected for an unknown status.
    """
    if status not in Comment.Status.values:
        raise CommentRejected(_("Unknown moderation decision: %(status)s") % {"status": status})
    if comment.status == status:
        return False
    comment.status = status
    comment.moderated_at = timezone.now()
    comment.moderated_by = moderator if moderator is not None and moderator.is_authenticated \
        else None
    comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    return True


def approved_comments(speech: Speech) -> list[Comment]:
    """The speech's shown comments in reading order: each thread's replies under their parent.

    One query; each returned comment carries ``depth`` (0 for a top-level comment) and
    ``reply_to`` (the parent comment, or None).
    """
    rows = list(Comment.objects.filter(speech=speech, status=Comment.Status.APPROVED)
                .order_by("created_at", "pk"))
    by_id = {row.pk: row for row in rows}
    children: dict[int | None, list[Comment]] = {}
    for row in rows:
        parent_id = row.parent_id if row.parent_id in by_id else None
        if row.parent_id and row.parent_id not in by_id:
            continue  # a reply whose parent is not shown is not shown either
        children.setdefault(parent_id, []).append(row)
    ordered: list[Comment] = []

    def walk(parent_id, depth):
        for row in children.get(parent_id, []):
            row.depth = depth
            row.reply_to = by_id.get(row.parent_id)
            ordered.append(row)
            walk(row.pk, depth + 1)

    walk(None, 0)
    return ordered


def moderate_as(comment: Comment, *, user, status: str, via: str = "api") -> bool:
    """Approve, reject, mark as spam or hold a comment as ``user`` (:func:`moderate_comment`).
    Needs the moderate_comment right. Side effects: the comment's status; an audit entry."""
    if not roles.can_moderate(user):
        raise PermissionDenied("you may not moderate comments")
    before = comment.status
    changed = moderate_comment(comment=comment, status=status, moderator=user)
    if changed:
        audit.record(user=user, action="comment.moderate", obj=comment, via=via,
                     before={"status": before}, after={"status": status})
    return changed
