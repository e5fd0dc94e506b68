"""31C3's frab schedule.xml (138 talks), imported once for this module: counts, exact fields,
and a second import that changes nothing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from rostra.archive.domain.program_import import import_program
from rostra.archive.models import Event, Speaker, Speech


@pytest.fixture(autouse=True, scope="module")
def without_search_indexing():
    """These tests are about the import: keep the search index (its own tests) out of them."""
    from rostra.archive.signals import speeches_written

    disconnected = speeches_written.disconnect(dispatch_uid="search.speeches_written")
    yield
    if disconnected:
        from rostra.search.backlog import on_speeches_written

        speeches_written.connect(on_speeches_written, dispatch_uid="search.speeches_written")


@pytest.fixture(scope="module")
def imported_31c3(django_db_setup, django_db_blocker, schedules_dir):
    """31C3's XML imported once for the tests that only read it."""
    with django_db_blocker.unblock():
        report = import_program(schedules_dir / "31c3-frab-schedule.xml")
        yield report
        Event.objects.filter(slug="31c3").delete()


def snapshot(event_slug: str) -> dict:
    speeches = Speech.objects.filter(event__slug=event_slug)
    return {s.external_id: (s.pk, s.slug, s.updated_at) for s in speeches}


@pytest.mark.django_db
def test_31c3_counts(imported_31c3):
    counts = imported_31c3.counts
    assert counts["speeches"].created == 138
    assert (counts["events"].created, counts["rooms"].created, counts["days"].created,
            counts["topics"].created) == (1, 4, 4, 8)
    assert all(c.errors == 0 for c in counts.values())
    assert Speech.objects.filter(event__slug="31c3").count() == 138


@pytest.mark.django_db
def test_31c3_fields_are_exact(imported_31c3):
    speech = Speech.objects.get(event__slug="31c3", external_id="6264")
    assert speech.title == {"de": "„Wir beteiligen uns aktiv an den Diskussionen“"}
    assert speech.guid == "HOqeNIb6G7M4hYFKFRkCmQ"
    assert speech.slug.startswith("31c3_-_6264_-_de_-_saal_1_")
    assert speech.original_language == "de"
    assert speech.duration_ms == 60 * 60_000
    assert speech.room.name == {"en": "Saal 1"}
    assert [t.name for t in speech.topics.all()] == [{"en": "Ethics, Society & Politics"}]
    assert [s.names for s in speech.speakers.all()] == [{"en": "Martin Haase/maha"}]
    assert speech.timezone == "+01:00"
    assert speech.starts_at == datetime(2014, 12, 27, 11, 45, tzinfo=timezone.utc)
    assert speech.local_start().isoformat() == "2014-12-27T12:45:00+01:00"
    assert speech.day.date.isoformat() == "2014-12-27"
    assert speech.license == "cc-by-sa" and speech.kind == "lecture"
    assert speech.state == Speech.State.SCHEDULED
    opening = Speech.objects.get(event__slug="31c3", external_id="6561")
    assert [s.names["en"] for s in opening.speakers.order_by("speechspeaker__position")] == [
        "erdgeist", "Geraldine de Bastion"]
    assert opening.speakers.first().external_id == "1544"
    event = Event.objects.get(slug="31c3")
    assert event.name == {"en": "31. Chaos Communication Congress"}
    assert event.timezone == "+01:00"
    assert (event.starts_on.isoformat(), event.ends_on.isoformat()) == ("2014-12-27",
                                                                       "2014-12-31")


@pytest.mark.django_db
def test_31c3_second_import_changes_nothing(imported_31c3, schedules_dir):
    before = snapshot("31c3")
    speakers = Speaker.objects.count()
    report = import_program(schedules_dir / "31c3-frab-schedule.xml")
    assert not report.changed
    assert {kind: (c.created, c.updated) for kind, c in report.counts.items()} == {
        kind: (0, 0) for kind in report.counts}
    assert report.counts["speeches"].unchanged == 138
    assert report.counts["speakers"].unchanged == Speaker.objects.filter(
        event__slug="31c3").count()
    assert snapshot("31c3") == before  # same rows, same slugs, updated_at untouched
    assert Speaker.objects.count() == speakers
