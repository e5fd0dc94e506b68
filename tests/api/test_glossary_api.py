"""The event glossary over the API: program names listed, editors' terms added and removed."""

from __future__ import annotations

import json

import pytest

from rostra.glossary.models import GlossaryEntry
from rostra.processing.glossary import speech_glossary
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

TABRIZ = {"en": "Tabriz", "fa": "تبریز", "ar": "تبريز"}


def post(client, token, slug, body):
    return client.post(f"/api/events/{slug}/glossary", data=json.dumps(body),
                       content_type="application/json", **bearer(token))


def test_an_editor_adds_a_term_that_the_speech_glossary_then_holds(client, tokens, speech):
    slug = speech.event.slug
    created = post(client, tokens["editor"], slug, {"spellings": TABRIZ, "note": "host city"})
    assert created.status_code == 201, created.content
    term = created.json()
    assert term["kind"] == "editor" and term["spellings"] == TABRIZ and term["id"]
    assert any(t.spellings == TABRIZ and t.kind == "editor" for t in speech_glossary(speech))
    again = post(client, tokens["editor"], slug, {"spellings": {"en": "tabriz", "fa": "تبریز"}})
    assert again.json()["id"] == term["id"]  # the same name respelled, not a second entry
    listed = client.get(f"/api/events/{slug}/glossary", **bearer(tokens["editor"]))
    assert listed.status_code == 200
    assert [t for t in listed.json() if t["kind"] == "editor"] == [again.json()]
    removed = client.delete(f"/api/events/{slug}/glossary/{term['id']}",
                            **bearer(tokens["admin"]))
    assert removed.status_code == 204 and not GlossaryEntry.objects.exists()


def test_bad_terms_and_missing_rights_are_refused(client, tokens, speech):
    slug = speech.event.slug
    assert post(client, tokens["editor"], slug, {"spellings": {"de": "Täbris"}}).status_code == 400
    assert post(client, tokens["editor"], slug, {"spellings": {"en": "   "}}).status_code == 400
    assert post(client, tokens["editor"], slug,
                {"spellings": {"en": "x" * 201}}).status_code == 400
    assert post(client, tokens["editor"], slug,
                {"spellings": {"en": "Tab\u0000riz"}}).status_code == 400
    assert post(client, tokens["editor"], slug, {"spellings": ["Tabriz"]}).status_code in (
        400, 422)
    assert post(client, tokens["editor_fa"], slug, {"spellings": {"ar": "تبريز"}}
                ).status_code == 403
    assert post(client, tokens["moderator"], slug, {"spellings": {"en": "Tabriz"}}
                ).status_code == 403
    assert client.post(f"/api/events/{slug}/glossary", data="{}",
                       content_type="application/json").status_code == 401
    assert post(client, tokens["editor"], "no-such-event", {"spellings": TABRIZ}
                ).status_code == 404
    assert not GlossaryEntry.objects.exists()
