"""The program-text form: a speech's title, abstract, session, room, topics, city and speakers
in every language, each editor changing the languages their role allows."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from rostra.archive.models import Speech
from rostra.core.languages import text_direction
from rostra.core.reader_locale import localize_digits
from rostra.public.reader_digits import current_numbering_system
from rostra.review.domain.metadata_edits import (MetadataConflict, current_values,
                                                 edit_metadata, editable_languages,
                                                 metadata_fields, version_of)
from rostra.review.domain.machine_metadata import (approve_machine_metadata, pending_for,
                                                   translate_missing_metadata)
from rostra.review.domain.translation import retranslation_available
from rostra.review.views.common import page_context, redirect_with_result, staff_page


def _posted_values(post, fields, languages) -> dict[str, dict]:
    """``{key: {language: text}}`` for the inputs the form had (``<key>:<language>``)."""
    posted = {}
    for field in fields:
        for code in languages:
            name = f"{field.key}:{code}"
            if name in post:
                # Browsers send \r\n in textareas; the archive stores \n (as the editor does).
                posted.setdefault(field.key, {})[code] = post[name].replace("\r\n", "\n")
    return posted


def _rows(fields, shown: dict[str, dict], editable: list[str]) -> list[dict]:
    return [{"field": field, "cells": [
        {"code": code, "name": f"{field.key}:{code}", "value": shown.get(field.key, {}).get(code, ""),
         "dir": text_direction(code), "editable": code in editable}
        for code in settings.ROSTRA_LANGUAGES]} for field in fields]


def _machine_action(request, speech, op):
    """Machine-translate the empty texts, or approve one language's machine texts."""
    if op == "machine":
        action = lambda: translate_missing_metadata(speech, user=request.user)  # noqa: E731
        done = _("Machine translations made; readers see them once you approve them.")
    else:
        language = request.POST.get("language", "")
        action = lambda: approve_machine_metadata(speech, user=request.user,  # noqa: E731
                                                  language=language)
        done = _("Machine translations approved: readers now see them, labelled.")
    return redirect_with_result(request, reverse("review:metadata", args=[speech.slug]),
                                action, done)


@staff_page("edit_transcript")
def speech_metadata(request, slug: str):
    speech = get_object_or_404(Speech.objects.select_related("event"), slug=slug)
    fields = metadata_fields(speech)
    editable = editable_languages(request.user)
    stored = current_values(fields)
    conflict = None
    op = request.POST.get("op", "save")
    if request.method == "POST" and op in ("machine", "approve"):
        return _machine_action(request, speech, op)
    if request.method == "POST":
        posted = _posted_values(request.POST, fields, editable)
        try:
            count = edit_metadata(speech, user=request.user, posted=posted,
                                  base_version=request.POST.get("base_version", ""))
        except MetadataConflict as error:
            conflict = error
            stored = error.theirs
        else:
            saved = (ngettext("Saved: %(count)d row changed.", "Saved: %(count)d rows changed.",
                              count) % {"count": count}) if count else _("Nothing changed.")
            messages.success(request, localize_digits(saved, current_numbering_system()))
            return redirect(reverse("review:metadata", args=[speech.slug]))
    shown = stored
    if conflict is not None:
        # The form reopens on the newest version with this editor's text still in it; the
        # table above it shows what the other person saved.
        shown = {key: {**stored.get(key, {}), **conflict.mine.get(key, {})} for key in stored}
    pending = pending_for(fields)
    rows = _rows(fields, shown, editable)
    for row in rows:
        for cell in row["cells"]:
            cell["machine"] = pending.get((row["field"].key, cell["code"]))
    return render(request, "review/metadata.html", page_context(
        request, speech=speech, rows=rows,
        pending_languages=sorted({language for _, language in pending}),
        machine_unavailable=retranslation_available(),
        theirs=_rows(fields, stored, []) if conflict else None,
        base_version=version_of(stored), editable=editable,
        languages=list(settings.ROSTRA_LANGUAGES)), status=409 if conflict else 200)
