"""import_subtitles: human transcripts from files, machine work untouched, re-import replaces."""

from __future__ import annotations

import pytest

from rostra.archive.models import Event, Speech
from rostra.core.errors import UserError
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.exporters import export_transcript
from rostra.transcripts.models import Transcript
from rostra.transcripts.subtitle_import import import_subtitles

pytestmark = pytest.mark.django_db

PERSIAN_SRT = ("1\n00:00:00,500 --> 00:00:02,000\nمی‌خواهم دربارهٔ آب بگویم.\n\n"
               "2\n00:00:02,000 --> 00:00:04,000\nCRISPR ابزاری تازه است.\n")


@pytest.fixture
def speech():
    event = Event.objects.create(slug="okd", name={"en": "Open Knowledge Days"})
    return Speech.objects.create(event=event, slug="water-in-cities", original_language="en",
                                 title={"en": "Water in cities"})


def test_import_creates_a_human_transcript_with_exact_text(speech, tmp_path):
    path = tmp_path / "fa.srt"
    path.write_text(PERSIAN_SRT, encoding="utf-8")
    transcript = import_subtitles(speech=speech, language="fa", path=path)
    assert transcript.origin == "human" and not transcript.is_machine
    assert transcript.options["format"] == "srt" and transcript.options["file"] == "fa.srt"
    rows = list(transcript.segments.values_list("start_ms", "end_ms", "text"))
    assert rows == [(500, 2000, "می‌خواهم دربارهٔ آب بگویم."),
                    (2000, 4000, "CRISPR ابزاری تازه است.")]


def test_machine_transcript_keeps_its_text_and_provenance(speech, tmp_path):
    machine = save_transcript(speech=speech, language="fa", origin="mt", engine="ctranslate2",
                              model="nllb", options={"beam_size": 4},
                              segments=[SegmentData(0, 1000, "ماشین")])
    path = tmp_path / "fa.srt"
    path.write_text(PERSIAN_SRT, encoding="utf-8")
    import_subtitles(speech=speech, language="fa", path=path)
    machine.refresh_from_db()
    assert (machine.origin, machine.engine, machine.model) == ("mt", "ctranslate2", "nllb")
    assert list(machine.segments.values_list("text", flat=True)) == ["ماشین"]
    assert speech.transcripts.count() == 2


def test_reimport_replaces_the_human_transcript(speech, tmp_path):
    path = tmp_path / "fa.srt"
    path.write_text(PERSIAN_SRT, encoding="utf-8")
    first = import_subtitles(speech=speech, language="fa", path=path)
    path.write_text("1\n00:00:00,000 --> 00:00:01,000\nتنها یک جمله.\n", encoding="utf-8")
    second = import_subtitles(speech=speech, language="fa", path=path)
    assert second.pk == first.pk and second.revision == first.revision + 1
    assert list(second.segments.values_list("text", flat=True)) == ["تنها یک جمله."]


def test_bad_file_writes_nothing(speech, tmp_path):
    path = tmp_path / "bad.vtt"
    path.write_text("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nx\n", encoding="utf-8")
    with pytest.raises(UserError, match="before it starts"):
        import_subtitles(speech=speech, language="fa", path=path)
    assert not Transcript.objects.exists()


def test_unconfigured_language(speech, tmp_path):
    path = tmp_path / "de.srt"
    path.write_text(PERSIAN_SRT, encoding="utf-8")
    with pytest.raises(UserError, match="'de' is not one of this archive's languages"):
        import_subtitles(speech=speech, language="de", path=path)


def test_import_then_export_is_byte_exact(speech, tmp_path):
    """A file rostra wrote, imported and written again, is the same bytes."""
    save_transcript(speech=speech, language="ar", origin="mt", segments=[
        SegmentData(0, 1500, "المدن الذكية (Smart Cities) مستقبلاً."),
        SegmentData(1500, 3000, "٣٠٪ من الطاقة؟"),
    ])
    for fmt in ("vtt", "srt"):
        first = export_transcript(Transcript.objects.get(language="ar", origin="mt"), fmt)
        path = tmp_path / f"ar.{fmt}"
        path.write_bytes(first.encode("utf-8"))
        human = import_subtitles(speech=speech, language="ar", path=path)
        assert export_transcript(human, fmt).encode("utf-8") == first.encode("utf-8")


def test_missing_transcript_messages_say_why(speech, settings):
    from rostra.transcripts.subtitle_import import missing_transcript_message

    settings.ROSTRA_MT_ENGINE = "none"
    assert missing_transcript_message(speech, "fa") == (
        "no Persian transcript of water-in-cities yet: no translation engine is configured "
        "(ROSTRA_MT_ENGINE=none); import one with "
        "`rostra subtitles import water-in-cities fa FILE`")
    settings.ROSTRA_MT_ENGINE = "libretranslate"
    assert "it has not been translated yet (run `rostra process water-in-cities`)" in (
        missing_transcript_message(speech, "ar"))
    assert missing_transcript_message(speech, "en").startswith(
        "no English transcript of water-in-cities yet: process its recording")
