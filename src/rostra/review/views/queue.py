"""The review queue: speeches by state, with filters and counts, in a constant number of
queries (a test counts them)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.utils.translation import pgettext_lazy

from rostra.archive.models import Event, Speech
from rostra.review.views.common import page_context, staff_page
from rostra.staff import roles
from rostra.transcripts.models import Transcript
from rostra.transcripts.origins import origin_rank

PAGE_SIZE = 50
QUEUE_STATES = [
    ("processing", pgettext_lazy("speech state", "Processing")),
    ("needs_review", pgettext_lazy("speech state", "Needs review")),
    ("approved", pgettext_lazy("speech state", "Approved")),
    ("published", pgettext_lazy("speech state", "Published")),
    ("failed", pgettext_lazy("speech state", "Failed")),
    ("recorded", pgettext_lazy("speech state", "Recorded, not processed")),
    ("scheduled", pgettext_lazy("speech state", "Scheduled")),
    ("withdrawn", pgettext_lazy("speech state", "Withdrawn")),
]
STATE_LABELS = dict(QUEUE_STATES)


def queue_speeches(*, state: str = "", event: str = "", pending: str = "", approved: str = "",
                   query: str = ""):
    """The filtered queryset, with what a row shows prefetched."""
    transcripts = Transcript.objects.annotate(
        stale_count=Count("segments", filter=Q(segments__stale=True))
    ).only("id", "speech_id", "language", "origin", "approved", "status", "revision", "flags")
    speeches = (Speech.objects.select_related("event")
                .prefetch_related(Prefetch("transcripts", queryset=transcripts))
                .order_by("starts_at", "slug"))
    if state:
        speeches = speeches.filter(state=state)
    if event:
        speeches = speeches.filter(event__slug=event)
    if pending:
        speeches = speeches.exclude(transcripts__language=pending, transcripts__approved=True)
    if approved:
        speeches = speeches.filter(transcripts__language=approved,
                                   transcripts__approved=True).distinct()
    if query:
        match = Q(slug__icontains=query) | Q(external_id=query)
        for code in settings.ROSTRA_LANGUAGES:
            match |= Q(**{f"title__{code}__icontains": query})
        speeches = speeches.filter(match)
    return speeches


def language_cells(speech: Speech, editable: set[str]) -> list[dict]:
    """Per archive language: the best transcript's status, for the queue's columns."""
    cells = []
    for code in settings.ROSTRA_LANGUAGES:
        found = sorted((t for t in speech.transcripts.all() if t.language == code),
                       key=lambda t: origin_rank(t.origin))
        transcript = found[0] if found else None
        cells.append({"language": code, "transcript": transcript, "editable": code in editable,
                      "stale": getattr(transcript, "stale_count", 0) if transcript else 0})
    return cells


@staff_page("view_queue")
def queue(request):
    params = {name: request.GET.get(name, "").strip()
              for name in ("state", "event", "pending", "approved", "q")}
    speeches = queue_speeches(state=params["state"], event=params["event"],
                              pending=params["pending"], approved=params["approved"],
                              query=params["q"])
    page = Paginator(speeches, PAGE_SIZE).get_page(request.GET.get("page"))
    editable = set(roles.editable_languages(request.user))
    rows = [{"speech": speech, "state_label": STATE_LABELS.get(speech.state, speech.state),
             "languages": language_cells(speech, editable)} for speech in page]
    state_counts = dict(Speech.objects.values_list("state").annotate(n=Count("id")))
    approved_counts = dict(Transcript.objects.filter(approved=True).values_list("language")
                           .annotate(n=Count("speech", distinct=True)))
    states = [{"value": value, "label": label, "count": state_counts.get(value, 0)}
              for value, label in QUEUE_STATES]
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "review/queue.html", page_context(
        request, page=page, rows=rows, states=states, params=params,
        languages=[{"code": code, "approved": approved_counts.get(code, 0)}
                   for code in settings.ROSTRA_LANGUAGES],
        events=Event.objects.only("slug", "name").order_by("slug"),
        total=sum(state_counts.values()), query_string=query_without_page.urlencode(),
    ))
