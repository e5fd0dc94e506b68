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


FRAB = PROGRAM.parent / "multilingual-frab.xml"


def test_per_language_regions_from_csv_show_in_each_language(client, imported):
    speaker = Speaker.objects.get()
    assert speaker.region == "Isfahan"
    assert speaker.region_names == {"fa": "اصفهان", "ar": "أصفهان"}
    pages = {code: client.get(f"/{code}/speakers/{speaker.slug}/").content.decode()
             for code in ("fa", "ar", "en")}
    assert "اصفهان" in pages["fa"] and "أصفهان" in pages["ar"] and "Isfahan" in pages["en"]
    assert "Isfahan" not in pages["fa"]
    browse = client.get("/fa/browse/").content.decode()
    assert "اصفهان" in browse and "?region=Isfahan" in browse


def test_multilingual_frab_xml_keeps_each_language(data_dir):
    import_program(FRAB)
    speech = Speech.objects.get(external_id="w1")
    assert speech.title == {"fa": "قنات‌ها، آب زیر زمین", "en": "Qanats: water under the ground",
                            "ar": "القنوات: الماء تحت الأرض"}
    assert speech.abstract["ar"] == "أوصلت القنوات الماء إلى مدن إيران منذ آلاف السنين."
    assert set(speech.abstract) == {"fa", "en", "ar"}
    assert Room.objects.get().name == {"en": "Hall A", "fa": "تالار الف", "ar": "القاعة أ"}
    assert Topic.objects.get().name == {"en": "Water", "fa": "آب", "ar": "الماء"}
    assert Speaker.objects.get().names == {"fa": "مریم کریمی", "en": "Maryam Karimi",
                                           "ar": "مريم كريمي"}
