"""import_program against a real database: counts, exact fields, idempotency, all-or-nothing."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from pathlib import Path

import pytest

from rostra.archive.domain.program_import import import_program
from rostra.archive.models import Day, Event, Room, Session, Speaker, Speech, Topic
from rostra.core.errors import UserError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_CSV = REPO / "docs" / "example-program.csv"


@pytest.fixture(autouse=True, scope="module")
def without_search_indexing():
    """These tests are about the import: keep the search index (its own tests) out of them."""
    from rostra.archive.signals import speeches_written

    disconnected = speeches_written.disconnect(dispatch_uid="search.speeches_written")
    yield
    if disconnected:
        from rostra.search.backlog import on_speeches_written

        speeches_written.connect(on_speeches_written, dispatch_uid="search.speeches_written")


def snapshot(event_slug: str) -> dict:
    speeches = Speech.objects.filter(event__slug=event_slug)
    return {s.external_id: (s.pk, s.slug, s.updated_at) for s in speeches}


@pytest.mark.django_db
@pytest.mark.parametrize("name, count, zone", [
    ("pretalx-democon.json", 36, "UTC"),
    ("frab-camp2019.json", 79, "Europe/Berlin"),
    ("pretalx-rc3.json", 48, "+01:00"),
])
def test_json_programs_import(schedules_dir, name, count, zone):
    report = import_program(schedules_dir / name)
    assert report.counts["speeches"].created == count
    event = Event.objects.get(slug=report.event)
    assert event.timezone == zone
    assert event.speeches.count() == count
    again = import_program(schedules_dir / name)
    assert again.counts["speeches"].unchanged == count and not again.changed


@pytest.mark.django_db
def test_camp2019_keeps_the_iana_zone(schedules_dir):
    import_program(schedules_dir / "frab-camp2019.json")
    speech = Speech.objects.filter(event__slug="camp2019").order_by("starts_at").first()
    assert speech.timezone == "Europe/Berlin"
    assert speech.local_start().tzinfo == zoneinfo.ZoneInfo("Europe/Berlin")
    assert speech.local_start().utcoffset() == timedelta(hours=2)


@pytest.mark.django_db
def test_pretalx_speaker_code_and_biography(schedules_dir):
    import_program(schedules_dir / "pretalx-democon.json")
    speaker = Speaker.objects.get(event__slug="democon", external_id="NQTF8Y")
    assert speaker.names == {"en": "Brian Robinson"}
    assert speaker.bio["en"].startswith("Break through direction.")
    assert speaker.speeches.exists()


@pytest.mark.django_db
def test_invalid_example_fails_with_one_line_and_writes_nothing(schedules_dir):
    with pytest.raises(UserError) as caught:
        import_program(schedules_dir / "invalid-example.json")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith('invalid-example.json at schedule.conference.days[0]'
                              '.rooms["Winterchaos"][0].id: "2814" is not an integer')
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_example_csv_imports_with_all_its_languages():
    report = import_program(EXAMPLE_CSV)
    assert report.counts["speeches"].created == 6
    assert (report.counts["sessions"].created, report.counts["rooms"].created) == (2, 2)
    event = Event.objects.get(slug="science-days-2025")
    assert event.name["fa"] == "روزهای علم و فرهنگ ۱۴۰۴"
    assert event.timezone == "Asia/Tehran"
    speech = Speech.objects.get(external_id="s101")
    assert speech.slug == "solar-energy-desert-cities"
    assert speech.title["fa"] == "انرژی خورشیدی در شهرهای کویری"
    assert speech.timezone == "Asia/Tehran"
    assert speech.local_start().isoformat() == "2025-05-14T10:00:00+03:30"
    assert speech.session.title == {"en": "Energy and water"}
    assert {t.slug for t in speech.topics.all()} == {"energy", "cities"}
    assert Topic.objects.get(slug="energy").name == {"en": "Energy", "fa": "انرژی",
                                                      "ar": "الطاقة"}
    karimi = Speaker.objects.get(external_id="p1")
    assert karimi.names == {"en": "Maryam Karimi", "fa": "مریم کریمی", "ar": "مريم كريمي"}
    assert (karimi.country, karimi.region) == ("IR", "Yazd")
    assert karimi.speeches.count() == 2
    two = Speech.objects.get(external_id="s102")
    assert [s.external_id for s in two.speakers.order_by("speechspeaker__position")] == [
        "p2", "p3"]
    assert two.slug == "water-management-in-modern-farming-s102"
    quiet = Speech.objects.get(external_id="s106")
    assert quiet.title["en"] == "Quiet trams: city transport without the noise 🚋"
    assert quiet.subtitle["en"] == "„Leise Bahn“ — lessons from Freiburg"
    session = Session.objects.get(slug="energy-and-water")
    assert session.room.slug == "hall-a"
    assert session.ends_at - session.starts_at == timedelta(minutes=90)
    assert [d.index for d in Day.objects.filter(event=event)] == [1, 2]


def write_csv(tmp_path: Path, text: str, name: str = "program.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_changed_title_is_updated_and_nothing_else(tmp_path):
    import_program(EXAMPLE_CSV)
    before = snapshot("science-days-2025")
    edited = EXAMPLE_CSV.read_text("utf-8").replace("Naked-eye astronomy",
                                                    "Astronomy with the naked eye")
    report = import_program(write_csv(tmp_path, edited))
    assert (report.counts["speeches"].updated, report.counts["speeches"].unchanged) == (1, 5)
    after = snapshot("science-days-2025")
    assert Speech.objects.get(external_id="s104").title["en"] == "Astronomy with the naked eye"
    assert Speech.objects.get(external_id="s104").title["fa"] == "نجوم با چشم غیرمسلح"
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"s104"}
    assert after["s104"][:2] == before["s104"][:2]  # same row, same slug
    assert after["s104"][2] > before["s104"][2]


@pytest.mark.django_db
def test_other_languages_survive_a_reimport():
    import_program(EXAMPLE_CSV)
    speech = Speech.objects.get(external_id="s103")
    speech.title["de"] = "Öffentliche Bibliotheken im digitalen Zeitalter"
    speech.save()
    import_program(EXAMPLE_CSV)
    speech.refresh_from_db()
    assert speech.title["de"] == "Öffentliche Bibliotheken im digitalen Zeitalter"


@pytest.mark.django_db
def test_changed_speakers_count_as_an_update(tmp_path):
    import_program(EXAMPLE_CSV)
    edited = EXAMPLE_CSV.read_text("utf-8").replace("Omar Haddad;Lina Saleh",
                                                    "Lina Saleh;Omar Haddad")
    edited = edited.replace("عمر حداد;لینا صالح", "لینا صالح;عمر حداد")
    edited = edited.replace("عمر حداد;لينا صالح", "لينا صالح;عمر حداد")
    edited = edited.replace("p2;p3,JO;EG,Amman;Cairo,University of Jordan;Cairo University",
                            "p3;p2,EG;JO,Cairo;Amman,Cairo University;University of Jordan")
    report = import_program(write_csv(tmp_path, edited))
    assert report.counts["speeches"].updated == 1
    two = Speech.objects.get(external_id="s102")
    assert [s.external_id for s in two.speakers.order_by("speechspeaker__position")] == [
        "p3", "p2"]


@pytest.mark.django_db
def test_speech_matched_by_guid_when_the_id_changed(tmp_path):
    import_program(EXAMPLE_CSV)
    pk = Speech.objects.get(external_id="s101").pk
    edited = EXAMPLE_CSV.read_text("utf-8").replace("s101,", "s901,", 1)
    report = import_program(write_csv(tmp_path, edited))
    assert report.counts["speeches"].updated == 1
    assert Speech.objects.get(pk=pk).external_id == "s901"
    assert Speech.objects.count() == 6


@pytest.mark.django_db
def test_dry_run_writes_nothing(schedules_dir):
    report = import_program(schedules_dir / "pretalx-rc3.json", dry_run=True)
    assert report.dry_run and report.counts["speeches"].created == 48
    assert (Event.objects.count(), Speech.objects.count(), Speaker.objects.count(),
            Room.objects.count()) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_dry_run_of_a_change_reports_it_and_keeps_the_old_value(tmp_path):
    import_program(EXAMPLE_CSV)
    edited = EXAMPLE_CSV.read_text("utf-8").replace("00:25", "00:35")
    report = import_program(write_csv(tmp_path, edited), dry_run=True)
    assert report.counts["speeches"].updated == 1
    assert Speech.objects.get(external_id="s106").duration_ms == 25 * 60_000


@pytest.mark.django_db
def test_one_bad_row_rejects_the_whole_file(tmp_path):
    import_program(EXAMPLE_CSV)
    before = snapshot("science-days-2025")
    lines = EXAMPLE_CSV.read_text("utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("Solar energy in desert cities", "Solar power")
    lines[4] = lines[4].replace(",01:00,", ",1:6x,")
    with pytest.raises(UserError) as caught:
        import_program(write_csv(tmp_path, "".join(lines)))
    assert str(caught.value) == ('program.csv line 5: duration "1:6x" is not HH:MM, HH:MM:SS '
                                 "or whole minutes; fix the row and import again")
    assert snapshot("science-days-2025") == before
    assert Speech.objects.get(external_id="s101").title["en"] == "Solar energy in desert cities"


@pytest.mark.django_db
def test_the_same_program_in_two_events_gets_unique_slugs(schedules_dir):
    import_program(schedules_dir / "pretalx-democon.json")
    report = import_program(schedules_dir / "pretalx-democon.json", event_slug="democon-copy")
    assert report.counts["speeches"].created == 36
    copies = Speech.objects.filter(event__slug="democon-copy")
    originals = Speech.objects.filter(event__slug="democon")
    assert all(s.slug.endswith("-democon-copy") for s in copies)
    assert {s.slug for s in copies}.isdisjoint({s.slug for s in originals})
    again = import_program(schedules_dir / "pretalx-democon.json", event_slug="democon-copy")
    assert not again.changed


@pytest.mark.django_db
def test_csv_without_event_needs_event_flag(tmp_path):
    text = "id,title_en,language,start,duration\na1,Water,en,2025-05-14T10:00:00Z,30\n"
    path = write_csv(tmp_path, text)
    with pytest.raises(UserError, match="names no event; add an `event` column or pass"):
        import_program(path)
    report = import_program(path, event_slug="water-day")
    speech = Speech.objects.get(event__slug="water-day")
    assert (report.counts["speeches"].created, speech.timezone) == (1, "+00:00")
    with pytest.raises(UserError, match="is not a slug"):
        import_program(path, event_slug="Water Day")


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("make, fragment", [
    (lambda d: d / "missing.csv", "does not exist"),
    (lambda d: d, "is a folder"),
    (lambda d: written(d / "empty.csv", b""), "is empty"),
    (lambda d: written(d / "image.csv", b"\x89PNG\r\n\x1a\nxxxx"),
     "this is a PNG image, not a program"),
])
def test_unusable_files(tmp_path, make, fragment):
    with pytest.raises(UserError, match=fragment):
        import_program(make(tmp_path))
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_truncated_xml_writes_nothing(tmp_path, schedules_dir):
    data = (schedules_dir / "31c3-frab-schedule.xml").read_bytes()
    path = tmp_path / "schedule.xml"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(UserError, match=r"schedule.xml line \d+: not well-formed XML.*truncated"):
        import_program(path)
    assert Speech.objects.count() == 0


@pytest.mark.django_db
def test_speeches_written_names_the_created_and_changed_speeches_once(tmp_path):
    """Sent inside the import's transaction (the search backlog marks them there, so a kill
    after the commit loses nothing), once per import; an import that changed nothing sends
    nothing."""
    from rostra.archive.signals import speeches_written

    received = []

    def listener(sender, speech_ids, **kwargs):
        received.append(sorted(Speech.objects.filter(pk__in=speech_ids)
                               .values_list("external_id", flat=True)))

    speeches_written.connect(listener)
    try:
        import_program(EXAMPLE_CSV)
        assert received == [["s101", "s102", "s103", "s104", "s105", "s106"]]
        received.clear()
        import_program(EXAMPLE_CSV)
        assert received == []
        edited = EXAMPLE_CSV.read_text("utf-8").replace("Naked-eye astronomy",
                                                        "Astronomy with the naked eye")
        import_program(write_csv(tmp_path, edited))
        assert received == [["s104"]]
    finally:
        speeches_written.disconnect(listener)


@pytest.mark.django_db
def test_speakers_without_ids_are_matched_by_name(tmp_path):
    text = ("id,event,title_en,language,start,duration,speakers_en,speakers_fa\n"
            "a1,ev,Rivers,en,2025-05-14T10:00:00+03:30,30,Sara Amini,سارا امینی\n"
            "a2,ev,Lakes,en,2025-05-14T11:00:00+03:30,30,Sara Amini,\n")
    path = write_csv(tmp_path, text)
    first = import_program(path)
    assert first.counts["speakers"].created == 1
    speaker = Speaker.objects.get()
    assert (speaker.external_id, speaker.names) == ("", {"en": "Sara Amini", "fa": "سارا امینی"})
    assert speaker.speeches.count() == 2
    again = import_program(path)
    assert not again.changed and Speaker.objects.count() == 1


@pytest.mark.django_db
def test_speeches_left_out_of_the_program_are_kept_and_counted(tmp_path):
    import_program(EXAMPLE_CSV)
    lines = EXAMPLE_CSV.read_text("utf-8").splitlines(keepends=True)
    report = import_program(write_csv(tmp_path, "".join(lines[:-1])))
    assert report.not_in_program == 1
    assert report.counts["speeches"].unchanged == 5
    assert Speech.objects.filter(external_id="s106").exists()


@pytest.mark.django_db
def test_a_guid_that_belongs_to_another_speech_is_refused(tmp_path):
    import_program(EXAMPLE_CSV)
    edited = EXAMPLE_CSV.read_text("utf-8").replace(
        "5b0c1f3e-6a2d-4f51-9d0e-2f6c8a1b7e02", "5b0c1f3e-6a2d-4f51-9d0e-2f6c8a1b7e09")
    edited = edited.replace("5b0c1f3e-6a2d-4f51-9d0e-2f6c8a1b7e01",
                            "5b0c1f3e-6a2d-4f51-9d0e-2f6c8a1b7e02")
    before = snapshot("science-days-2025")
    with pytest.raises(UserError, match=r"program.csv line 2: guid .* belongs to the speech"):
        import_program(write_csv(tmp_path, edited))
    assert snapshot("science-days-2025") == before
