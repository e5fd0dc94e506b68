"""pretalx's multilingual fields ({"en": …, "fa": …}) in a frab/pretalx JSON program."""

import json
from pathlib import Path

import pytest

from rostra.archive.importers.frab_json import parse_schedule_json
from rostra.archive.importers.types import ProgramError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schedules" / "pretalx-democon.json"


def first_talk(document):
    for day in document["schedule"]["conference"]["days"]:
        for talks in day["rooms"].values():
            if talks:
                return talks[0]
    raise AssertionError("the fixture has no talk")


def parse(document):
    return parse_schedule_json(json.dumps(document).encode(), source="democon.json")


def test_per_language_title_abstract_and_biography_are_kept():
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    talk = first_talk(document)
    talk["title"] = {"en": "Urban gardens", "fa": "باغ‌های شهری", "ar": "الحدائق الحضرية"}
    talk["abstract"] = {"en": "Food grown on roofs.", "fa": "خوراک روییده بر بام‌ها."}
    talk["persons"][0]["biography"] = {"en": "Studies soil.", "ar": "تدرس التربة."}
    program = parse(document)
    speech = next(s for s in program.speeches if s.guid == talk["guid"])
    assert speech.title == talk["title"]
    assert speech.abstract == talk["abstract"]
    assert any(person.bio == {"en": "Studies soil.", "ar": "تدرس التربة."}
               for person in program.speakers.values())


def test_a_multilingual_field_with_a_bad_key_is_one_clear_problem():
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    first_talk(document)["title"] = {"English": "Urban gardens"}
    with pytest.raises(ProgramError) as error:
        parse(document)
    assert "not a language code" in str(error.value)
