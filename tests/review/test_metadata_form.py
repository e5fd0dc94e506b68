"""The program-text form: per-language rights, audit log, CSRF, conflicts, and what readers see."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from rostra.archive.models import Room, Speaker, SpeechSpeaker, Topic
from rostra.review.domain.metadata_edits import (MetadataConflict, current_values,
                                                 edit_metadata, metadata_fields, version_of)
from rostra.staff.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(speech, event):
    speech.room = Room.objects.create(event=event, slug="hall-b", name={"en": "Hall B"})
    speech.abstract = {"en": "Cities and energy.\nWhy it matters."}
    speech.save()
    topic = Topic.objects.create(event=event, slug="cities", name={"en": "Cities"})
    speech.topics.add(topic)
    speaker = Speaker.objects.create(event=event, slug="sara-ahmadi", names={"en": "Sara Ahmadi"},
                                     country="IR", region="Isfahan")
    SpeechSpeaker.objects.create(speech=speech, speaker=speaker)
    return speech


def url(speech):
    return reverse("review:metadata", args=[speech.slug])


def opened_version(client, speech) -> str:
    page = client.get(url(speech)).content.decode()
    return page.split('name="base_version" value="')[1].split('"')[0]


def test_editor_of_persian_saves_persian_only(client, editor_fa, program):
    client.force_login(editor_fa)
    version = opened_version(client, program)
    response = client.post(url(program), {
        "base_version": version, "speech-title:fa": "شهرهای هوشمند و انرژی",
        "speech-title:ar": "يُرفض", "room-name:fa": "تالار ب",
        f"speaker-{Speaker.objects.get().pk}-region:fa": "اصفهان",
        "speech-abstract:fa": "شهرها و انرژی.\r\nچرا مهم است."})
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.title == {"en": "Smart cities", "fa": "شهرهای هوشمند و انرژی"}
    assert program.abstract["fa"] == "شهرها و انرژی.\nچرا مهم است."  # \r\n stored as \n
    assert Room.objects.get().name == {"en": "Hall B", "fa": "تالار ب"}
    assert Speaker.objects.get().region_names == {"fa": "اصفهان"}
    entries = AuditEntry.objects.filter(action="metadata.update")
    assert sorted(e.object_type for e in entries) == ["archive.room", "archive.speaker",
                                                      "archive.speech"]
    speech_entry = entries.get(object_type="archive.speech")
    assert speech_entry.username == "editor_fa"
    assert speech_entry.before["title"] == {"en": "Smart cities", "fa": "شهرهای هوشمند"}


def test_form_shows_other_languages_read_only(client, editor_ar, program):
    client.force_login(editor_ar)
    page = client.get(url(program)).content.decode()
    assert 'name="speech-title:ar"' in page
    fa_input = page.split('name="speech-title:fa"')[1].split(">")[0]
    assert "disabled" in fa_input


def test_moderators_and_anonymous_are_refused(client, moderator_mona, program):
    assert client.get(url(program)).status_code == 302  # to the login page
    client.force_login(moderator_mona)
    assert client.get(url(program)).status_code == 403
    assert client.post(url(program), {"base_version": "x"}).status_code == 403


def test_post_without_csrf_token_is_refused(editor_fa, program):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_fa)
    response = client.post(url(program), {"base_version": "x", "speech-title:fa": "تازه"})
    assert response.status_code == 403
    program.refresh_from_db()
    assert "fa" in program.title and program.title["fa"] == "شهرهای هوشمند"


def test_a_save_over_a_newer_change_is_refused_and_shows_both(client, editor_fa, editor_all,
                                                                program):
    client.force_login(editor_fa)
    version = opened_version(client, program)
    # Someone else saves first.
    edit_metadata(program, user=editor_all, base_version=version,
                  posted={"speech-title": {"fa": "عنوان آن‌ها"}})
    response = client.post(url(program), {"base_version": version,
                                          "speech-title:fa": "عنوان من"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "عنوان آن‌ها" in page and "عنوان من" in page and 'id="metadata-conflict"' in page
    program.refresh_from_db()
    assert program.title["fa"] == "عنوان آن‌ها"
    # Saving again from the conflict page (its newer version) keeps mine.
    newer = page.split('name="base_version" value="')[1].split('"')[0]
    client.post(url(program), {"base_version": newer, "speech-title:fa": "عنوان من"})
    program.refresh_from_db()
    assert program.title["fa"] == "عنوان من"


def test_saving_the_same_text_writes_nothing(editor_fa, program):
    fields = metadata_fields(program)
    version = version_of(current_values(fields))
    assert edit_metadata(program, user=editor_fa, base_version=version,
                         posted={"speech-title": {"fa": "شهرهای هوشمند"}}) == 0
    assert not AuditEntry.objects.filter(action="metadata.update").exists()
    with pytest.raises(MetadataConflict):
        edit_metadata(program, user=editor_fa, base_version="stale",
                      posted={"speech-title": {"fa": "x"}})


@pytest.mark.parametrize("language,expected", [
    ("fa", ["متن برنامه به هر زبان", "عنوان", "چکیده", "تالار", "ذخیره"]),
    ("ar", ["نص البرنامج بكل لغة", "العنوان", "الملخص", "القاعة", "حفظ"]),
    ("en", ["Program text in each language", "Title", "Abstract", "Room", "Save"])])
def test_the_form_in_each_language(client, admin_ada, program, language, expected):
    client.force_login(admin_ada)
    with override(language):
        page = client.get(url(program)).content.decode()
    for text in expected:
        assert text in page, text
    assert (f'lang="{language}" dir="rtl"' in page) == (language != "en")
