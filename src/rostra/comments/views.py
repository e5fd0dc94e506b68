"""Posting comments from the speech page, and the moderators' page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rostra.archive.domain.publishing import published_speeches
from rostra.comments.domain import (CommentRejected, RateLimited, approved_comments,
                                    current_policy, moderate_as, post_comment)
from rostra.comments.models import Comment
from rostra.core.params import number_or_default
from rostra.staff.roles import can_moderate

HONEYPOT_FIELD = "website"
MODERATION_PAGE_SIZE = 100
# Messages about a comment just posted are shown in the comment section, where the reader is
# looking, not at the top of the page.
POSTED_TAG = "comment-posted"


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a proxy we trust
    # rewrites it, and a rate limit keyed on it would be trivial to dodge.
    return request.META.get("REMOTE_ADDR", "")


def comment_section(request, speech) -> dict:
    """Template context for the comments under a speech (one query for the comments)."""
    comments = approved_comments(speech)
    reply_to = None
    reply_id = number_or_default(request.GET.get("reply"))
    if reply_id is not None:
        reply_to = next((c for c in comments if c.pk == reply_id), None)
    return {
        "comments": comments,
        "comment_count": len(comments),
        "reply_to": reply_to,
        "moderated": current_policy().moderation,
        "honeypot_field": HONEYPOT_FIELD,
        "form_values": {},
        # The speech page is kept whole by the page caches: no per-reader token in it (see
        # comments/form.html and ``token``).
        "token_in_form": False,
        "posted_notices": [str(message) for message in messages.get_messages(request)
                           if POSTED_TAG in message.tags],
    }


@never_cache
@require_GET
def token(request):
    """The reader's CSRF token for the comment form, which the cached speech page leaves out;
    the CSRF middleware sets the matching cookie on this answer. Another site cannot read it
    (same-origin policy, no CORS), so this is as strong as the token in the page was."""
    return JsonResponse({"token": get_token(request)})


def _values(request) -> dict:
    return {"name": request.POST.get("name", ""), "email": request.POST.get("email", ""),
            "body": request.POST.get("body", "")}


def _parent(request, speech):
    parent_id = number_or_default(request.POST.get("parent"))
    if parent_id is None:
        return None
    return Comment.objects.filter(pk=parent_id, speech=speech).first()


@csrf_exempt  # it writes nothing: it only hands back the form, now with the reader's token
@require_POST
def confirm(request, slug):
    """The comment form posted without a token (a reader without JavaScript, see
    comments/form.html): the same comment in a form that carries one, to post from here."""
    speech = get_object_or_404(published_speeches(), slug=slug)
    context = comment_section(request, speech)
    context.update(speech=speech, reply_to=_parent(request, speech), token_in_form=True,
                   form_values=_values(request))
    return render(request, "comments/confirm.html", context)


@require_POST
def post(request, slug):
    speech = get_object_or_404(published_speeches(), slug=slug)
    parent = _parent(request, speech)
    try:
        comment = post_comment(
            speech=speech, name=request.POST.get("name", ""), body=request.POST.get("body", ""),
            email=request.POST.get("email", ""), ip_address=client_address(request),
            parent=parent, language=get_language() or "",
            honeypot=request.POST.get(HONEYPOT_FIELD, ""),
        )
    except CommentRejected as error:
        context = comment_section(request, speech)
        context.update(speech=speech, error=str(error), reply_to=parent, token_in_form=True,
                       form_values=_values(request))
        status = 429 if isinstance(error, RateLimited) else 400
        return render(request, "comments/rejected.html", context, status=status)
    speech_url = reverse("public:speech", args=[speech.slug])
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Thank you; your comment is published."),
                         extra_tags=POSTED_TAG)
        return HttpResponseRedirect(f"{speech_url}#comment-{comment.pk}", status=303)
    messages.success(request, _("Thank you; your comment will appear once a moderator "
                                "has read it."), extra_tags=POSTED_TAG)
    return HttpResponseRedirect(f"{speech_url}#comment-posted", status=303)


def _login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def _require_moderator(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), _login_url())
    if not can_moderate(request.user):
        raise PermissionDenied(_("Only moderators can see this page."))
    return None


def moderation(request):
    """Comments waiting for a decision (or, with ?status=, those already decided)."""
    denied = _require_moderator(request)
    if denied:
        return denied
    status = request.GET.get("status", Comment.Status.HELD)
    if status not in Comment.Status.values:
        status = Comment.Status.HELD
    comments = (Comment.objects.filter(status=status).select_related("speech", "parent")
                .order_by("-created_at")[:MODERATION_PAGE_SIZE])
    counts = {row: 0 for row in Comment.Status.values}
    for row in Comment.objects.values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    tabs = [{"status": value, "label": label, "count": counts[value], "current": value == status}
            for value, label in _status_labels()]
    return render(request, "comments/moderation.html",
                  {"comments": comments, "status": status, "tabs": tabs})


def _status_labels():
    return [
        (Comment.Status.HELD, _("Waiting")),
        (Comment.Status.APPROVED, _("Approved")),
        (Comment.Status.REJECTED, _("Rejected")),
        (Comment.Status.SPAM, _("Spam")),
    ]


@require_POST
def moderate(request, pk):
    denied = _require_moderator(request)
    if denied:
        return denied
    comment = get_object_or_404(Comment, pk=pk)
    decision = request.POST.get("decision", "")
    try:
        # Through the review app, so the decision lands in the audit log like the API's do.
        moderate_as(comment, user=request.user, status=decision, via="web")
    except CommentRejected as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved: %(name)s's comment is now “%(status)s”.") % {
            "name": comment.name, "status": dict(_status_labels())[decision]})
    back = request.POST.get("back", "")
    target = reverse("comments:moderation")
    if back in Comment.Status.values:
        target += f"?status={back}"
    return HttpResponseRedirect(target, status=303)
