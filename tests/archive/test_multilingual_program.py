"""A program with a column per language shows every field in each language's pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from rostra.archive.domain.program_import import import_program
from rostra.archive.models import Room, Session, Speaker, Speech, Topic

pytestmark = pytest.mark.django_db

PROGRAM = Path(__file__).resolve().parents[1] / "fixtures" / "programs" / "multilingual-program.csv"

EXPECTED = {
    "fa": ["باغ‌های شهری", "تالار ب", "فرهنگ و آموزش", "شهرها", "سارا احمدی",
           "سارا احمدی پژوهشگر کشاورزی شهری است."],
    "ar": ["الحدائق الحضرية", "القاعة ب", "الثقافة والتعلم", "المدن", "سارة أحمدي",
           "سارة أحمدي باحثة في الزراعة الحضرية."],
    "en": ["Urban gardens", "Hall B", "Culture and Learning", "Cities", "Sara Ahmadi",
           "Sara Ahmadi studies urban farming."],
}


@pytest.fixture
def imported(data_dir):
    import_program(PROGRAM)
    speech = Speech.objects.get(external_id="m1")
    speech.state = Speech.State.PUBLISHED
    speech.save(update_fields=["state"])
    return speech


def test_every_per_language_column_is_stored(imported):
    assert Room.objects.get().name == {"en": "Hall B", "fa": "تالار ب", "ar": "القاعة ب"}
    assert Session.objects.get().title == {"fa": "فرهنگ و آموزش", "ar": "الثقافة والتعلم",
                                           "en": "Culture and Learning"}
    assert Topic.objects.get().name == {"en": "Cities", "fa": "شهرها", "ar": "المدن"}
    speaker = Speaker.objects.get()
    assert speaker.bio == {"fa": EXPECTED["fa"][5], "ar": EXPECTED["ar"][5],
                           "en": EXPECTED["en"][5]}


@pytest.mark.parametrize("language", ["fa", "ar", "en"])
def test_each_language_shows_its_own_fields(client, imported, language):
    speech_page = client.get(f"/{language}/speeches/{imported.slug}/").content.decode()
    speaker = Speaker.objects.get()
    speaker_page = client.get(f"/{language}/speakers/{speaker.slug}/").content.decode()
    program = client.get(f"/{language}/program/").content.decode()
    title, room, session, topic, name, bio = EXPECTED[language]
    for text in (title, room, session, topic, name):
        assert text in speech_page, text
    assert name in speaker_page and bio in speaker_page
    assert session in program and room in program
    others = [value for code, values in EXPECTED.items() if code != language for value in values]
    assert not [text for text in others if text in speech_page]
