"""Adding, changing and removing editors' glossary terms; one home for the web page and API."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from rostra.archive.models import Event
from rostra.core.errors import UserError
from rostra.glossary.models import GlossaryEntry
from rostra.pipeline.glossary import fold
from rostra.staff import roles

MAX_SPELLING = 200


def clean_spellings(spellings: dict) -> dict[str, str]:
    """Spellings with the archive's languages only, trimmed; UserError names what is wrong."""
    if not isinstance(spellings, dict):
        raise UserError(gettext("spellings must map a language code to a spelling"))
    cleaned = {}
    for language, text in spellings.items():
        if language not in settings.ROSTRA_LANGUAGES:
            raise UserError(gettext("%(language)r is not an archive language (%(languages)s)")
                            % {"language": language,
                               "languages": ", ".join(settings.ROSTRA_LANGUAGES)})
        if not isinstance(text, str):
            raise UserError(gettext("the %(language)s spelling must be text")
                            % {"language": language})
        text = " ".join(text.split())
        if any(unicodedata.category(char) == "Cc" for char in text):
            raise UserError(gettext("the %(language)s spelling holds control characters")
                            % {"language": language})
        if len(text) > MAX_SPELLING:
            raise UserError(
                gettext("the %(language)s spelling is longer than %(limit)d characters")
                % {"language": language, "limit": MAX_SPELLING})
        if text:
            cleaned[language] = text
    if not cleaned:
        raise UserError(gettext("give the term's spelling in at least one language"))
    return cleaned


def save_term(event: Event, *, spellings: dict, user, note: str = "") -> GlossaryEntry:
    """Add a term to ``event``'s glossary, or update the one with the same first spelling.

    Side effects: one GlossaryEntry row written; speeches of the event translated after this
    get the term (their translation fingerprint changes, so they are due again). Raises
    UserError for bad spellings, PermissionDenied when ``user`` may not edit those languages.
    """
    cleaned = clean_spellings(spellings)
    note = " ".join((note or "").split())
    if any(unicodedata.category(char) == "Cc" for char in note):
        raise UserError(gettext("the note holds control characters"))
    if not all(roles.can_edit_language(user, language) for language in cleaned):
        raise PermissionDenied(gettext("you may not edit the glossary in %(languages)s")
                               % {"languages": ", ".join(cleaned)})
    key = fold(next(iter(cleaned.values())))[:200]
    with transaction.atomic():
        entry, _ = GlossaryEntry.objects.update_or_create(
            event=event, key=key,
            defaults={"spellings": cleaned, "note": note[:300], "created_by": user})
    return entry


def delete_term(entry: GlossaryEntry, *, user) -> None:
    if not all(roles.can_edit_language(user, language) for language in entry.spellings):
        raise PermissionDenied(gettext("you may not edit the glossary in %(languages)s")
                               % {"languages": ", ".join(entry.spellings)})
    entry.delete()
