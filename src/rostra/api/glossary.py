"""The event glossary over the API: read it, add an editor's term, remove one (token writes).

The same domain functions (rostra.glossary.domain) serve the review page.
"""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Schema, Status

from rostra.api.errors import API_ERROR_CODES, ErrorOut
from rostra.api.writes import write
from rostra.archive.models import Event
from rostra.glossary import domain
from rostra.glossary.models import GlossaryEntry
from rostra.processing.glossary import event_glossary

ERRORS = {API_ERROR_CODES: ErrorOut}


class GlossaryTermOut(Schema):
    id: int | None = Field(None, description="set for editors' terms (deletable)")
    kind: str = Field(description="speaker, topic, room, city or editor")
    spellings: dict[str, str]
    note: str = ""


class GlossaryTermIn(Schema):
    spellings: dict[str, str] = Field(description="language → spelling, e.g. "
                                      '{"en": "Tabriz", "fa": "تبریز", "ar": "تبريز"}')
    note: str = Field("", max_length=300)


def event_or_404(slug: str) -> Event:
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise Http404(f"no event {slug!r}")
    return event


def term_out(entry: GlossaryEntry) -> dict:
    return {"id": entry.pk, "kind": "editor", "spellings": entry.spellings, "note": entry.note}


@write("get", "/events/{slug}/glossary", response={200: list[GlossaryTermOut], **ERRORS},
       summary="The event's glossary: program names and editors' terms")
def list_glossary(request, slug: str):
    event = event_or_404(slug)
    editor = [term_out(entry) for entry in GlossaryEntry.objects.filter(event=event)]
    program = [{"id": None, "kind": term.kind, "spellings": term.spellings, "note": ""}
               for term in event_glossary(event, include_editor_terms=False)]
    return program + editor


@write("post", "/events/{slug}/glossary", response={201: GlossaryTermOut, **ERRORS},
       summary="Add (or respell) an editor's glossary term")
def add_glossary_term(request, slug: str, payload: GlossaryTermIn):
    entry = domain.save_term(event_or_404(slug), spellings=payload.spellings,
                             user=request.auth, note=payload.note)
    return Status(201, term_out(entry))


@write("delete", "/events/{slug}/glossary/{term_id}", response={204: None, **ERRORS},
       summary="Remove an editor's glossary term")
def delete_glossary_term(request, slug: str, term_id: int):
    entry = GlossaryEntry.objects.filter(event=event_or_404(slug), pk=term_id).first()
    if entry is None:
        raise Http404(f"no glossary term {term_id} in {slug!r}")
    domain.delete_term(entry, user=request.auth)
    return Status(204, None)
