"""An event's glossary for editors: the program's names, and terms editors add or remove."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from rostra.archive.models import Event
from rostra.core.errors import UserError
from rostra.glossary import domain
from rostra.glossary.models import GlossaryEntry
from rostra.processing.glossary import event_glossary
from rostra.review.views.common import error_text, page_context, staff_page

# Where a program term came from (rostra.processing.glossary), as the page names it.
KIND_LABELS = {
    "speaker": pgettext_lazy("glossary term kind", "speaker"),
    "topic": pgettext_lazy("glossary term kind", "topic"),
    "room": pgettext_lazy("glossary term kind", "room"),
    "city": pgettext_lazy("glossary term kind", "city"),
    "title": pgettext_lazy("glossary term kind", "title"),
}


@staff_page("edit_transcript")
def glossary(request, slug: str):
    event = get_object_or_404(Event, slug=slug)
    if request.method == "POST":
        spellings = {language: request.POST.get(f"spelling_{language}", "")
                     for language in settings.ROSTRA_LANGUAGES}
        try:
            entry = domain.save_term(event, spellings=spellings, user=request.user,
                                     note=request.POST.get("note", ""))
        except (UserError, PermissionDenied) as error:
            messages.error(request, error_text(error) if isinstance(error, UserError)
                           else str(error))
        else:
            messages.success(request, _("saved “%(term)s”; speeches translated from now on "
                                        "use it") % {"term": entry.key})
        return redirect("review:glossary", slug=event.slug)
    return render(request, "review/glossary.html", page_context(
        request, event=event, languages=list(settings.ROSTRA_LANGUAGES),
        program_terms=[(KIND_LABELS.get(term.kind, term.kind), term) for term in
                       event_glossary(event, include_editor_terms=False)],
        editor_terms=GlossaryEntry.objects.filter(event=event)))


@require_POST
@staff_page("edit_transcript")
def delete(request, slug: str, pk: int):
    entry = get_object_or_404(GlossaryEntry, event__slug=slug, pk=pk)
    try:
        domain.delete_term(entry, user=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("removed “%(term)s”") % {"term": entry.key})
    return redirect("review:glossary", slug=slug)
