"""The program parsers on their own (no database): real programs, and every kind of bad file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from rostra.archive.importers.detect import detect_format, parse_program
from rostra.archive.importers.types import ProgramError
from rostra.archive.importers.values import script_language

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = REPO / "docs" / "example-program.csv"

FIXTURE_COUNTS = {
    "31c3-frab-schedule.xml": ("frab-xml", 138),
    "pretalx-democon.json": ("pretalx-json", 36),
    "frab-camp2019.json": ("frab-json", 79),
    "pretalx-rc3.json": ("pretalx-json", 48),
}


def parse(data: bytes | str, name: str = "program.csv"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return parse_program(data, source=name)


def refused(data: bytes | str, name: str = "program.csv") -> ProgramError:
    with pytest.raises(ProgramError) as caught:
        parse(data, name)
    return caught.value


@pytest.mark.parametrize("name", sorted(FIXTURE_COUNTS))
def test_real_programs_parse_with_the_published_counts(schedules_dir, name):
    program = parse((schedules_dir / name).read_bytes(), name)
    assert (program.format, len(program.speeches)) == FIXTURE_COUNTS[name]
    assert all(speech.starts_at.utcoffset() is not None for speech in program.speeches)


def test_31c3_xml_fields(schedules_dir):
    program = parse((schedules_dir / "31c3-frab-schedule.xml").read_bytes(), "31c3.xml")
    assert program.event.slug == "31c3"
    assert program.event.timezone == "+01:00"
    speech = next(s for s in program.speeches if s.external_id == "6264")
    assert speech.title == {"de": "„Wir beteiligen uns aktiv an den Diskussionen“"}
    assert speech.guid == "HOqeNIb6G7M4hYFKFRkCmQ"
    assert speech.language == "de"
    assert speech.duration_ms == 3_600_000
    assert speech.starts_at == datetime(2014, 12, 27, 12, 45, tzinfo=timezone(timedelta(hours=1)))
    assert speech.timezone == "+01:00"
    assert speech.room == "saal-1"
    assert speech.topics == ["ethics-society-politics"]
    assert [program.speakers[key].names for key in speech.speakers] == [
        {"en": "Martin Haase/maha"}]
    assert speech.location == "line 61 (event 6264)"


def test_pretalx_persons_use_code_name_and_biography(schedules_dir):
    program = parse((schedules_dir / "pretalx-democon.json").read_bytes(), "democon.json")
    speaker = program.speakers["id:NQTF8Y"]
    assert speaker.names == {"en": "Brian Robinson"}
    assert speaker.bio["en"].startswith("Break through direction.")


def test_invalid_example_names_the_json_path(schedules_dir):
    error = refused((schedules_dir / "invalid-example.json").read_bytes(), "invalid.json")
    assert error.location == 'schedule.conference.days[0].rooms["Winterchaos"][0].id'
    assert error.reason == '"2814" is not an integer'
    assert len(error.problems) == 4


def test_example_csv_parses_with_languages_and_speakers():
    program = parse(EXAMPLE_CSV.read_bytes(), EXAMPLE_CSV.name)
    assert (program.format, program.event.slug, program.event.timezone) == (
        "csv", "science-days-2025", "Asia/Tehran")
    assert len(program.speeches) == 6
    first = program.speeches[0]
    assert first.title["fa"] == "انرژی خورشیدی در شهرهای کویری"
    assert first.title["ar"] == "الطاقة الشمسية في المدن الصحراوية"
    assert first.timezone == "Asia/Tehran"
    assert program.speeches[1].duration_ms == 45 * 60_000
    assert program.speeches[2].duration_ms == (40 * 60 + 30) * 1000
    assert program.speeches[2].title["fa"] == "کتابخانه‌های عمومی در عصر دیجیتال"  # ZWNJ kept
    assert program.speeches[5].title["en"].endswith("🚋")
    assert program.speakers["id:p1"].names == {"en": "Maryam Karimi", "fa": "مریم کریمی",
                                               "ar": "مريم كريمي"}
    assert program.speakers["id:p3"].country == "EG"
    assert [d.date.isoformat() for d in program.days] == ["2025-05-14", "2025-05-15"]


HEADER = "id,event,title_en,title_fa,language,start,duration\n"


def csv_row(duration="00:30", start="2025-05-14T10:00:00+03:30", title="Water", **_):
    return f"a1,ev,{title},آب,en,{start},{duration}\n"


@pytest.mark.parametrize("body, location, fragment", [
    (HEADER + csv_row(duration="1:6x"), "line 2", 'duration "1:6x" is not HH:MM'),
    (HEADER + csv_row() + csv_row().replace("a1", "a2", 1).replace("00:30", "-5"),
     "line 3", 'duration "-5"'),
    (HEADER + csv_row(start="2025-05-14T10:00:00"), "line 2", "has no UTC offset"),
    (HEADER + csv_row(start="tomorrow"), "line 2", "is not an ISO 8601"),
    (HEADER + csv_row() + csv_row(), "line 3", 'id "a1" is used twice (also on line 2)'),
    (HEADER + "a1,ev,Water,آب,english,2025-05-14T10:00:00+03:30,00:30\n", "line 2",
     'language "english" is not an ISO 639-1 code'),
    (HEADER + "a1,ev,,,en,2025-05-14T10:00:00+03:30,00:30\n", "line 2",
     "every title_<language> cell is empty"),
    (HEADER + csv_row(title="bell\x07"), "line 2", "control character U+0007"),
    (HEADER + 'a1,ev,"two\nlines",آب,en,2025-05-14T10:00:00+03:30,1:6x\n', "line 2",
     'duration "1:6x"'),
    (HEADER + "a1,ev,Water,آب,en\n", "line 2", "the row has 5 cells but the header has 7"),
    ("id,title_en,language,start\n", "line 1", "missing required column duration"),
    ("id,titel_en,language,start,duration\n", "line 1", 'unknown column "titel_en"'),
    ("id,language,start,duration\n", "line 1", "title_<language>"),
    (HEADER, "", "the file has a header but no rows"),
    (HEADER.replace("event,", "event,speakers_en,speaker_countries,")
     + "a1,ev,Ann;Bo,DE,Water,آب,en,2025-05-14T10:00:00+03:30,00:30\n", "line 2",
     "do not line up"),
    (HEADER.replace("event,", "event,speakers_en,speaker_countries,")
     + "a1,ev,Ann,Germany,Water,آب,en,2025-05-14T10:00:00+03:30,00:30\n", "line 2",
     "is not an ISO 3166 alpha-2 code"),
    (HEADER.replace("event,", "event,event_timezone,")
     + "a1,ev,Mars/Olympus,Water,آب,en,2025-05-14T10:00:00+03:30,00:30\n", "line 2",
     "is not an IANA time zone name"),
    (HEADER + csv_row().replace(",ev,", ",Science Days,"), "line 2",
     'event "Science Days" is not a slug'),
    (HEADER.replace("event,", "event,slug,")
     + "a1,ev,no spaces please,Water,آب,en,2025-05-14T10:00:00+03:30,00:30\n", "line 2",
     "may hold only letters, digits"),
])
def test_bad_csv_rows_are_refused_with_line_and_reason(body, location, fragment):
    error = refused(body)
    assert error.location == location
    assert fragment in error.reason


def test_every_bad_row_is_reported_not_just_the_first():
    body = HEADER + csv_row(duration="x") + csv_row().replace("a1", "a2", 1) \
        + csv_row(duration="y").replace("a1", "a3", 1)
    error = refused(body)
    assert [problem.location for problem in error.problems] == ["line 2", "line 4"]


def test_csv_keeps_formula_and_bidi_text_exactly():
    title = "=HYPERLINK(\"x\")\u202e مرحبا \u200f"
    program = parse(HEADER + f'a1,ev,"{title.replace(chr(34), chr(34) * 2)}",آب,en,'
                             "2025-05-14T10:00:00+03:30,00:30\n")
    assert program.speeches[0].title["en"] == title.strip()


def test_csv_with_bom_crlf_and_semicolons():
    body = "\ufeffid;event;title_en;language;start;duration\r\n" \
           "a1;ev;Water;en;2025-05-14T10:00:00+03:30;00:30:00\r\n"
    program = parse(body)
    assert program.speeches[0].duration_ms == 30 * 60_000


def test_csv_that_is_not_utf8():
    error = refused(HEADER.encode() + "a1,ev,Café,x,en,2025-05-14T10:00:00+03:30,00:30\n"
                    .encode("latin-1"))
    assert error.location == "line 2" and "not UTF-8" in error.reason


@pytest.mark.parametrize("data, fragment", [
    (b"", "the file is empty"),
    (b"   \n", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"PK\x03\x04rest-of-an-xlsx", "save the sheet as CSV UTF-8"),
    (b"\x00\x01\x02\x03binary", "binary file"),
    (b"just some words without separators", "unknown format"),
])
def test_files_that_are_no_program(data, fragment):
    with pytest.raises(ProgramError) as caught:
        detect_format(data, "program.dat")
    assert fragment in str(caught.value)


def test_truncated_json_and_xml(schedules_dir):
    json_bytes = (schedules_dir / "frab-camp2019.json").read_bytes()
    error = refused(json_bytes[: len(json_bytes) // 2], "camp.json")
    assert error.location.startswith("line ") and "truncated" in error.reason
    xml_bytes = (schedules_dir / "31c3-frab-schedule.xml").read_bytes()
    error = refused(xml_bytes[: len(xml_bytes) // 2], "31c3.xml")
    assert error.location.startswith("line ") and "truncated" in error.reason


def test_xml_entities_are_refused_before_they_expand():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<schedule><conference><title>&b;</title></conference></schedule>"""
    error = refused(bomb, "bomb.xml")
    assert error.location == "line 2" and "DTD" in error.reason


def test_xml_with_a_bad_duration_names_the_line_and_event(schedules_dir):
    xml = (schedules_dir / "31c3-frab-schedule.xml").read_text("utf-8")
    xml = xml.replace("<duration>01:00</duration>", "<duration>1:6x</duration>", 1)
    error = refused(xml, "31c3.xml")
    assert error.location == "line 38 (event 6571)"
    assert error.reason == 'duration "1:6x" is not HH:MM'


def test_xml_that_is_not_a_schedule():
    error = refused("<html><body>hello</body></html>", "page.xml")
    assert "not a frab schedule.xml" in error.reason


def test_json_that_is_not_a_schedule():
    assert "schedule is missing" in str(refused('{"hello": 1}', "x.json"))
    assert "not an object" in str(refused("[1, 2]", "x.json"))


@pytest.mark.parametrize("text, talk_language, expected", [
    ("Martin Haase", "de", "en"),
    ("مریم کریمی", "", "fa"),
    ("محمد علي", "", "ar"),
    ("محمد علي", "fa", "fa"),
    ("Ивана", "ru", "ru"),
    ("123", "", "und"),
])
def test_names_are_keyed_by_script(text, talk_language, expected):
    assert script_language(text, talk_language) == expected
