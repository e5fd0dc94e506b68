"""A speech's review page: its transcripts per language, approval, publishing."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_POST

from rostra.archive.models import Speech
from rostra.core.languages import native_name, text_direction
from rostra.public.language_names import language_in
from rostra.review.domain import publishing
from rostra.review.domain.translation import retranslation_available
from rostra.review.domain.metadata_edits import editable_languages
from rostra.review.views.common import page_context, redirect_with_result, staff_page
from rostra.review.views.queue import STATE_LABELS
from rostra.staff import roles
from rostra.staff.models import AuditEntry
from rostra.transcripts.reading import preferred_transcript


@staff_page("view_queue")
def speech_detail(request, slug: str):
    speech = get_object_or_404(Speech.objects.select_related("event", "media"), slug=slug)
    transcripts = list(speech.transcripts.annotate(
        stale_count=Count("segments", filter=Q(segments__stale=True)),
        segment_count=Count("segments")).order_by("language", "origin"))
    languages = []
    for code in settings.ROSTRA_LANGUAGES:
        preferred = preferred_transcript(speech, code)
        languages.append({
            "code": code, "name": native_name(code), "dir": text_direction(code),
            "preferred": next((t for t in transcripts if preferred and t.pk == preferred.pk),
                              None),
            "transcripts": [t for t in transcripts if t.language == code],
            "can_approve": roles.can_approve_language(request.user, code),
            "published": code in (speech.published_languages or []),
        })
    transcript_ids = [str(t.pk) for t in transcripts]
    history = AuditEntry.objects.filter(
        Q(object_type="archive.speech", object_id=str(speech.pk))
        | Q(object_type="transcripts.transcript", object_id__in=transcript_ids))[:30]
    return render(request, "review/speech.html", page_context(
        request, speech=speech, languages=languages, history=history,
        state_label=STATE_LABELS.get(speech.state, speech.state),
        can_edit_metadata=bool(editable_languages(request.user)),
        can_unpublish=roles.can_unpublish(request.user),
        can_withdraw=roles.can_withdraw(request.user),
        retranslation_unavailable=retranslation_available(),
    ))


def language_label(code: str) -> str:
    """The language's name in the interface language ("Persian", «فارسی»…)."""
    return language_in(code, get_language() or "en")


def _speech_url(speech: Speech) -> str:
    return reverse("review:speech", args=[speech.slug])


@require_POST
@staff_page()
def approve(request, slug: str, language: str):
    speech = get_object_or_404(Speech, slug=slug)
    undo = request.POST.get("undo") == "1"
    change = publishing.unapprove_language if undo else publishing.approve_language
    name = language_label(language)
    done = (_("%(language)s: approval withdrawn") if undo
            else _("%(language)s: approved")) % {"language": name}
    return redirect_with_result(request, _speech_url(speech),
                                lambda: change(speech, language, user=request.user), done)


@require_POST
@staff_page()
def publish(request, slug: str):
    speech = get_object_or_404(Speech, slug=slug)
    languages = request.POST.getlist("languages")
    allow_machine = request.POST.get("allow_machine") == "1"
    return redirect_with_result(
        request, _speech_url(speech),
        lambda: publishing.publish(speech, user=request.user, languages=languages,
                                   allow_machine=allow_machine),
        (_("Published in %(languages)s (unapproved languages labelled machine output)")
         if allow_machine else _("Published in %(languages)s"))
        % {"languages": _(", ").join(language_label(code) for code in languages)})


@require_POST
@staff_page()
def unpublish(request, slug: str):
    speech = get_object_or_404(Speech, slug=slug)
    return redirect_with_result(request, _speech_url(speech),
                                lambda: publishing.unpublish(speech, user=request.user),
                                _("Unpublished: no longer on the site"))


@require_POST
@staff_page()
def withdraw(request, slug: str):
    speech = get_object_or_404(Speech, slug=slug)
    return redirect_with_result(request, _speech_url(speech),
                                lambda: publishing.withdraw(speech, user=request.user),
                                _("Withdrawn: gone from the site, the search and the feeds"))
