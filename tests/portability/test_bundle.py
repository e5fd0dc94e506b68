"""Export and restore: the round trip is byte for byte; damaged bundles and non-empty
instances are refused with one line and nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from rostra.archive.models import (Day, Event, MediaAsset, Room, Session, Speaker, Speech,
                                   SpeechSpeaker, Topic)
from rostra.core.errors import UserError
from rostra.portability import EXPORT_INFO, MANIFEST
from rostra.portability.export import export_archive
from rostra.portability.restore import restore_archive
from rostra.review.domain import editing, publishing
from rostra.transcripts.domain import save_transcript
from tests.review.conftest import (AR_SEGMENTS, EN_SEGMENTS, FA_SEGMENTS,  # noqa: F401
                                   admin_ada, editor_all, fast_password_hashing, make_user,
                                   private_data_dir)

pytestmark = pytest.mark.django_db

AUDIO = b"OggS" + bytes(range(256)) * 8  # stored as-is; the bundle never decodes media


@pytest.fixture
def archive(data_dir, editor_all):
    """A small archive touching every exported kind of row."""
    event = Event.objects.create(slug="science-week", name={"en": "Science Week",
                                                             "fa": "هفته علم"},
                                 city={"en": "Shiraz"}, timezone="+03:30",
                                 languages=["fa", "ar", "en"], starts_on=date(2026, 5, 1))
    day = Day.objects.create(event=event, index=1, date=date(2026, 5, 1))
    room = Room.objects.create(event=event, slug="hall-a", name={"en": "Hall A"})
    session = Session.objects.create(event=event, slug="water", title={"en": "Water"},
                                     room=room, day=day,
                                     starts_at=datetime(2026, 5, 1, 6, 0, tzinfo=timezone.utc))
    topic = Topic.objects.create(event=event, slug="health", name={"en": "Health"},
                                 color="#22aa66")
    speaker = Speaker.objects.create(event=event, slug="sara-karimi",
                                     names={"fa": "سارا کریمی", "en": "Sara Karimi"},
                                     country="IR", bio={"en": "Hydrologist"})
    sha = hashlib.sha256(AUDIO).hexdigest()
    relative = f"{sha[:2]}/{sha}.ogg"
    (data_dir / "media" / sha[:2]).mkdir(parents=True)
    (data_dir / "media" / relative).write_bytes(AUDIO)
    media = MediaAsset.objects.create(sha256=sha, size=len(AUDIO), path=relative,
                                      original_name="water.ogg", mime_type="audio/ogg",
                                      duration_ms=7000, streams=[{"type": "audio"}])
    speech = Speech.objects.create(
        event=event, slug="clean-water", title={"en": "Clean water", "fa": "آب پاک"},
        original_language="fa", room=room, session=session, day=day, media=media,
        starts_at=datetime(2026, 5, 1, 6, 30, 15, 123456, tzinfo=timezone.utc),
        state=Speech.State.NEEDS_REVIEW, duration_ms=1_800_000)
    SpeechSpeaker.objects.create(speech=speech, speaker=speaker, position=0, role="speaker")
    speech.topics.add(topic)
    Speech.objects.create(event=event, slug="failed-talk", title={"en": "Rivers"},
                          state=Speech.State.FAILED, failure_reason="the recording is silent")
    words = ((0, 900, "شهرهای", 0.9), (900, 2000, "هوشمند", 0.8))
    fa = save_transcript(speech=speech, language="fa", origin="asr",
                         segments=[replace(FA_SEGMENTS[0], words=words), *FA_SEGMENTS[1:]],
                         engine="faster-whisper", model="base", options={"beam_size": 5})
    save_transcript(speech=speech, language="en", origin="mt", segments=EN_SEGMENTS,
                    engine="ctranslate2", model="tiny", source=fa)
    save_transcript(speech=speech, language="ar", origin="human", segments=AR_SEGMENTS,
                    engine="subtitle-import")
    changes = editing.current_segments(fa)
    changes[1] = replace(changes[1], text="حمل‌ونقل عمومی نقش مهمی دارد", reviewed=True)
    editing.edit_segments(fa, user=editor_all, base_revision=fa.revision, changes=changes)
    publishing.approve_language(speech, "ar", user=editor_all)
    publishing.publish(speech, user=editor_all, languages=["fa", "ar", "en"],
                       allow_machine=True)
    from rostra.comments.models import Comment

    first = Comment.objects.create(speech=speech, name="Reader", body="Very clear, thanks.",
                                   status=Comment.Status.APPROVED, email="r@example.org")
    Comment.objects.create(speech=speech, parent=first, name="Другой", body="آفرین",
                           status=Comment.Status.APPROVED)
    Comment.objects.create(speech=speech, name="Spammer", body="buy", status="spam")
    return speech


def bundle_files(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()
            and path.name != EXPORT_INFO}


def run_cli(*args, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("ROSTRA_DATABASE_URL", "ROSTRA_MEDIA_DIR", "DJANGO_SETTINGS_MODULE")}
    env["ROSTRA_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "rostra", *args], env=env, text=True,
                          capture_output=True, timeout=120)


@pytest.mark.slow
def test_round_trip_is_byte_for_byte(archive, tmp_path):
    first = tmp_path / "first"
    result = export_archive(first)
    assert result.counts["speeches"] == 2 and result.counts["comments"] == 2
    manifest = json.loads((first / MANIFEST).read_text())
    assert manifest["format_version"] == 2
    assert f"media/{archive.media.path}" in manifest["files"]
    assert "subtitles/clean-water/fa.asr.vtt" in manifest["files"]
    fresh = tmp_path / "fresh-instance"
    restored = run_cli("import-archive", str(first), "--no-reindex", data_dir=fresh)
    assert restored.returncode == 0, restored.stderr
    assert "restored 2 speeches, 3 transcripts and 1 recordings" in restored.stdout
    second = tmp_path / "second"
    exported = run_cli("export", str(second), data_dir=fresh)
    assert exported.returncode == 0, exported.stderr
    one, two = bundle_files(first), bundle_files(second)
    assert sorted(one) == sorted(two)
    for name in one:
        assert one[name] == two[name], f"{name} differs after the round trip"
    assert (fresh / "media" / archive.media.path).read_bytes() == AUDIO
    document = json.loads(one["archive.json"])
    assert document["speeches"][0]["starts_at"] == "2026-05-01T06:30:15.123456+00:00"
    assert [c["name"] for c in document["comments"]] == ["Reader", "Другой"]
    assert document["comments"][1]["parent"] == 1
    assert "email" not in document["comments"][0]
    assert len(document["revisions"]) == 2


def test_restore_in_process_keeps_provenance_and_history(archive, tmp_path, settings):
    export_archive(tmp_path / "bundle")
    Event.objects.all().delete()
    MediaAsset.objects.all().delete()
    settings.MEDIA_DIR = tmp_path / "other-media"
    restore_archive(tmp_path / "bundle", reindex=False)
    speech = Speech.objects.get(slug="clean-water")
    assert speech.state == "published" and speech.published_languages == ["fa", "ar", "en"]
    en = speech.transcripts.get(language="en")
    assert en.source.language == "fa" and en.origin == "mt"
    assert "published-as-machine-output" in en.flags
    fa = speech.transcripts.get(language="fa")
    assert fa.segments.get(position=0).words == [[0, 900, "شهرهای", 0.9],
                                                 [900, 2000, "هوشمند", 0.8]]
    assert fa.segments.get(position=1).reviewed
    assert list(fa.revisions.order_by("number").values_list("author_name", flat=True)) == [
        "faster-whisper", "editor_all"]
    assert (tmp_path / "other-media" / speech.media.path).read_bytes() == AUDIO
    assert speech.speakers.get().names["fa"] == "سارا کریمی"
    # The counts kept on the rows (not in the bundle) are right after a restore.
    assert speech.speakers.get().published_speech_count == 1
    assert [t.published_speech_count for t in speech.topics.all()] == [1] * speech.topics.count()


def test_damaged_bundle_is_refused_naming_the_file_and_nothing_is_written(archive, tmp_path):
    bundle = tmp_path / "bundle"
    export_archive(bundle)
    vtt = bundle / "subtitles" / "clean-water" / "fa.asr.vtt"
    vtt.write_text(vtt.read_text() + "tampered\n")
    fresh = tmp_path / "fresh"
    result = run_cli("import-archive", str(bundle), "--no-reindex", data_dir=fresh)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "rostra: error: bundle file subtitles/clean-water/fa.asr.vtt is damaged (checksum "
        "mismatch); nothing was imported"]
    assert not (fresh / "media").exists() or not any((fresh / "media").rglob("*.ogg"))
    check = run_cli("export", str(tmp_path / "empty-export"), "--json", data_dir=fresh)
    assert json.loads(check.stdout)["counts"]["speeches"] == 0


def test_import_refuses_a_non_empty_instance(archive, tmp_path):
    export_archive(tmp_path / "bundle")
    with pytest.raises(UserError, match=r"^this instance is not empty \(1 events, 2 speeches"):
        restore_archive(tmp_path / "bundle", reindex=False)
    assert Speech.objects.count() == 2


def test_export_refuses_a_non_empty_folder(archive, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="not an empty folder"):
        export_archive(tmp_path / "taken")


def test_missing_manifest_is_one_line(tmp_path, db):
    with pytest.raises(UserError, match="is not a rostra bundle: manifest.json is missing"):
        restore_archive(tmp_path, reindex=False)


DEMO = Path(__file__).resolve().parents[2] / "src" / "rostra" / "demo"


@pytest.mark.slow
def test_demo_archive_round_trip_is_byte_for_byte(data_dir, tmp_path, editor_all):
    """The demo conference (program, six recordings, 18 subtitle files), reviewed and
    published, exported, restored into a fresh instance and exported again."""
    from rostra.archive.domain.media import add_media_file
    from rostra.archive.domain.program_import import import_program
    from rostra.transcripts.subtitle_import import import_subtitles

    manifest = json.loads((DEMO / "manifest.json").read_text())
    import_program(DEMO / manifest["program"])
    for entry in manifest["speeches"]:
        speech = Speech.objects.get(slug=entry["slug"])
        add_media_file(DEMO / entry["media"]["file"], speech=speech)
        for language, subtitle in entry["subtitles"].items():
            import_subtitles(speech=speech, language=language, path=DEMO / subtitle["file"])
        speech.refresh_from_db()
        for language in ("fa", "ar", "en"):
            publishing.approve_language(speech, language, user=editor_all)
        publishing.publish(speech, user=editor_all, languages=["fa", "ar", "en"])
    first = tmp_path / "first"
    result = export_archive(first)
    assert result.counts["speeches"] == 6 and result.counts["media"] == 6
    assert result.counts["transcripts"] == 18
    fresh = tmp_path / "fresh-instance"
    restored = run_cli("import-archive", str(first), "--no-reindex", data_dir=fresh)
    assert restored.returncode == 0, restored.stderr
    second = tmp_path / "second"
    exported = run_cli("export", str(second), data_dir=fresh)
    assert exported.returncode == 0, exported.stderr
    one, two = bundle_files(first), bundle_files(second)
    assert sorted(one) == sorted(two) and len(one) == 1 + 1 + 18 + 6
    for name in one:
        assert one[name] == two[name], f"{name} differs after the round trip"
