"""Re-imports and other programs never change published or editor-edited speeches unseen:
the report lists what would change, --update applies it (audited), editors' fields win unless
forced, and a program sharing no speech with an event cannot take the event over."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError

from rostra.archive.domain.program_import import import_program, integrity_message
from rostra.archive.models import Event, Speech
from rostra.core.errors import UserError
from rostra.review.domain.archive_edits import update_speech
from rostra.staff.models import AuditEntry
from tests.archive.test_import_program import EXAMPLE_CSV, without_search_indexing  # noqa: F401
from tests.clirunner import run_rostra
from tests.review.conftest import admin_ada, fast_password_hashing  # noqa: F401

pytestmark = pytest.mark.django_db

EVENT = "science-days-2025"
OTHER_PROGRAM = ("id,event,event_name_en,title_en,language,start,duration\n"
                 "x1,science-days-2025,Gardening Week,Composting at home,en,"
                 "2025-06-01T10:00:00Z,30\n"
                 "s104-other,science-days-2025,,Soil and worms,en,2025-06-01T11:00:00Z,30\n")


def write(tmp_path: Path, text: str, name: str = "program.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def publish(external_id: str) -> Speech:
    Speech.objects.filter(external_id=external_id).update(state=Speech.State.PUBLISHED)
    return Speech.objects.get(external_id=external_id)


def retitled(old: str, new: str) -> str:
    return EXAMPLE_CSV.read_text("utf-8").replace(old, new)


def test_another_program_cannot_take_over_an_event(tmp_path):
    import_program(EXAMPLE_CSV)
    publish("s104")
    name_before = Event.objects.get(slug=EVENT).name
    with pytest.raises(UserError) as caught:
        import_program(write(tmp_path, OTHER_PROGRAM))
    message = str(caught.value)
    assert "shares no speech" in message and "--event" in message and "\n" not in message
    assert Event.objects.get(slug=EVENT).name == name_before
    assert Speech.objects.get(external_id="s104").title["en"] == "Naked-eye astronomy"
    assert not Speech.objects.filter(external_id="x1").exists()


def test_a_reimport_holds_back_changes_to_a_published_speech(tmp_path):
    import_program(EXAMPLE_CSV)
    publish("s104")
    edited = retitled("Naked-eye astronomy", "Stars for everyone").replace(
        "Public libraries in the digital age", "Libraries go digital")
    report = import_program(write(tmp_path, edited))
    assert Speech.objects.get(external_id="s104").title["en"] == "Naked-eye astronomy"
    assert Speech.objects.get(external_id="s103").title["en"] == "Libraries go digital"
    held = [change for change in report.changes if not change["applied"]]
    assert len(held) == 1 and held[0]["reason"] == "published"
    assert held[0]["speech"] == Speech.objects.get(external_id="s104").slug
    before, after = held[0]["fields"]["title"]
    assert (before["en"], after["en"]) == ("Naked-eye astronomy", "Stars for everyone")
    assert report.held_back == 1
    assert report.as_dict()["held_back"] == 1


def test_update_applies_it_and_audits_it(tmp_path):
    import_program(EXAMPLE_CSV)
    speech = publish("s104")
    report = import_program(write(tmp_path, retitled("Naked-eye astronomy",
                                                     "Stars for everyone")), update=True)
    assert report.held_back == 0
    assert Speech.objects.get(pk=speech.pk).title["en"] == "Stars for everyone"
    entry = AuditEntry.objects.get(action="speech.import", object_id=str(speech.pk))
    assert entry.before["title"]["en"] == "Naked-eye astronomy"
    assert entry.after["title"]["en"] == "Stars for everyone"
    assert entry.via == "cli"


def test_dry_run_shows_the_same_changes(tmp_path):
    import_program(EXAMPLE_CSV)
    publish("s104")
    report = import_program(write(tmp_path, retitled("Naked-eye astronomy", "Stars")),
                            dry_run=True, update=True)
    assert [c["speech"] for c in report.changes] == [Speech.objects.get(external_id="s104").slug]
    assert Speech.objects.get(external_id="s104").title["en"] == "Naked-eye astronomy"


def test_an_editors_title_wins_unless_forced(tmp_path, admin_ada):
    import_program(EXAMPLE_CSV)
    speech = Speech.objects.get(external_id="s103")  # not published: the edit alone protects it
    update_speech(speech, user=admin_ada, changes={"title": {"en": "Libraries today"}})
    changed_program = write(tmp_path, retitled("Public libraries in the digital age",
                                               "Public libraries online"))
    held = import_program(changed_program)
    assert held.held_back == 1
    assert Speech.objects.get(pk=speech.pk).title["en"] == "Libraries today"
    updated = import_program(changed_program, update=True)
    assert Speech.objects.get(pk=speech.pk).title["en"] == "Libraries today"
    assert updated.changes[0]["kept_editor_fields"] == ["title"]
    import_program(changed_program, update=True, force=True)
    assert Speech.objects.get(pk=speech.pk).title["en"] == "Public libraries online"


def test_the_cli_lists_held_back_changes_and_offers_update(tmp_path):
    data_dir = tmp_path / "data"
    assert run_rostra("import", str(EXAMPLE_CSV), data_dir=data_dir).returncode == 0
    other = run_rostra("import", str(write(tmp_path, OTHER_PROGRAM)), data_dir=data_dir)
    assert other.returncode != 0
    assert other.stderr.count("\n") == 1 and "shares no speech" in other.stderr
    assert "Traceback" not in other.stderr


def test_a_clash_with_a_concurrent_import_is_one_line():
    error = IntegrityError('duplicate key value violates unique constraint "speech_slug_key"\n'
                           'DETAIL:  Key (slug)=(water-s1) already exists.')
    message = integrity_message("program.csv", error)
    assert "\n" not in message and "DETAIL" not in message
    assert "at the same time" in message and "import again" in message
