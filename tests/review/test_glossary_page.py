"""The glossary page: editors see the program's names and add or remove their own terms."""

from __future__ import annotations

import pytest

from rostra.archive.models import Speaker, SpeechSpeaker
from rostra.glossary.models import GlossaryEntry

pytestmark = pytest.mark.django_db


def test_an_editor_adds_and_removes_a_term(client, editor_all, speech):
    speaker = Speaker.objects.create(event=speech.event, slug="siobhan",
                                     names={"en": "Siobhan Kowalczyk", "fa": "شیوان کوالچیک"})
    SpeechSpeaker.objects.create(speech=speech, speaker=speaker)
    client.force_login(editor_all)
    url = f"/en/review/events/{speech.event.slug}/glossary/"
    page = client.get(url)
    assert page.status_code == 200 and "شیوان کوالچیک" in page.content.decode()
    assert url in client.get(f"/en/review/speech/{speech.slug}/").content.decode()
    added = client.post(url, {"spelling_en": "Tabriz", "spelling_fa": "تبریز",
                              "spelling_ar": "تبريز", "note": "host city"}, follow=True)
    assert "تبريز" in added.content.decode()
    entry = GlossaryEntry.objects.get()
    assert entry.spellings == {"fa": "تبریز", "ar": "تبريز", "en": "Tabriz"}
    refused = client.post(url, {"spelling_en": " "}, follow=True)
    assert "at least one language" in refused.content.decode()
    client.post(f"{url}{entry.pk}/delete/")
    assert not GlossaryEntry.objects.exists()


def test_readers_and_moderators_cannot_open_it(client, moderator_mona, speech):
    url = f"/en/review/events/{speech.event.slug}/glossary/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(moderator_mona)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("language, heading, kind, refusal", [
    ("fa", "واژه‌نامه‌ی", "سخنران", "دست‌کم در یک زبان"),
    ("ar", "مسرد", "محاضر", "بلغة واحدة على الأقل"),
])
def test_the_page_and_its_messages_speak_persian_and_arabic(client, editor_all, speech,
                                                            language, heading, kind, refusal):
    speaker = Speaker.objects.create(event=speech.event, slug="siobhan",
                                     names={"en": "Siobhan Kowalczyk"})
    SpeechSpeaker.objects.create(speech=speech, speaker=speaker)
    client.force_login(editor_all)
    url = f"/{language}/review/events/{speech.event.slug}/glossary/"
    page = client.get(url).content.decode()
    assert heading in page and f"<td>{kind}</td>" in page
    assert "Add term" not in page and "From the program" not in page
    refused = client.post(url, {"spelling_en": " "}, follow=True).content.decode()
    assert refusal in refused
    speech_page = client.get(f"/{language}/review/speech/{speech.slug}/").content.decode()
    assert "Names and spellings" not in speech_page
