"""The small findings: a killed export, bidi controls in the CLI, a symlink loop, a truncated
MP4 — each answered in words that say what happened."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rostra.archive.domain.media import check_readable
from rostra.archive.domain.program_import import read_program_file
from rostra.cli.output import isolate
from rostra.core.errors import UserError
from rostra.pipeline.probe import MediaProbeError, probe_media
from rostra.pipeline.subtitles import SubtitleError, read_subtitle_file
from tests.mediafactory import write_audio

RLO = "\u202e"


def test_a_title_with_a_right_to_left_override_is_isolated():
    title = f"Water {RLO}gnitsaoB"
    printed = isolate(title)
    assert printed == "\u2068" + title + "\u2069"
    assert isolate("Solar energy") == "Solar energy"
    assert isolate("شهرهای هوشمند").startswith("\u2068")


def test_the_import_report_isolates_hostile_titles(capsys):
    from types import SimpleNamespace

    from rostra.cli.commands.program import print_changes

    report = SimpleNamespace(held_back=1, changes=[{
        "speech": "water-talk", "applied": False, "reason": "published",
        "fields": {"title": [{"en": "Water"}, {"en": f"Water {RLO}evil"}]}}])
    print_changes(report)
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if RLO in line)
    # the override is closed (PDI) before the rest of the line goes on
    assert line.index("\u2069") > line.index(RLO) and line.index("\u2068") < line.index(RLO)
    assert "--update" in out


@pytest.fixture
def loop(tmp_path) -> Path:
    link = tmp_path / "talk.webm"
    link.symlink_to(tmp_path / "talk.webm")
    return link


def test_a_symlink_loop_is_named_as_such(loop, tmp_path):
    with pytest.raises(UserError) as media:
        check_readable(loop)
    assert "loops back on itself" in str(media.value) and "no such file" not in str(media.value)
    program = tmp_path / "program.csv"
    program.symlink_to(program)
    with pytest.raises(UserError) as imported:
        read_program_file(program)
    assert "loops back on itself" in str(imported.value)
    subtitles = tmp_path / "talk.vtt"
    subtitles.symlink_to(subtitles)
    with pytest.raises(SubtitleError) as read:
        read_subtitle_file(subtitles)
    assert "loops back on itself" in str(read.value)


def test_a_broken_link_names_its_target(tmp_path):
    link = tmp_path / "talk.webm"
    link.symlink_to(tmp_path / "gone.webm")
    with pytest.raises(UserError) as caught:
        check_readable(link)
    assert "gone.webm, which does not exist" in str(caught.value)


def test_a_truncated_mp4_is_called_damaged_not_foreign(tmp_path):
    whole = write_audio(tmp_path / "talk.mp4", seconds=2.0, codec="aac")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(MediaProbeError) as caught:
        probe_media(cut)
    assert "MP4" in str(caught.value) and "truncated" in str(caught.value)
    text = tmp_path / "notes.mp4"
    text.write_text("just some notes, not a recording")
    with pytest.raises(MediaProbeError) as foreign:
        probe_media(text)
    assert "not a media file" in str(foreign.value)


@pytest.mark.django_db
def test_a_killed_export_leaves_no_half_copied_recording(data_dir, tmp_path, monkeypatch):
    from rostra.archive.models import Event, MediaAsset, Speech
    from rostra.portability.export import export_archive

    audio = b"OggS" + bytes(range(256)) * 4096
    sha = hashlib.sha256(audio).hexdigest()
    relative = f"{sha[:2]}/{sha}.ogg"
    (data_dir / "media" / sha[:2]).mkdir(parents=True)
    (data_dir / "media" / relative).write_bytes(audio)
    media = MediaAsset.objects.create(sha256=sha, size=len(audio), path=relative,
                                      original_name="water.ogg", mime_type="audio/ogg")
    event = Event.objects.create(slug="science-week", name={"en": "Science Week"})
    Speech.objects.create(event=event, slug="clean-water", title={"en": "Clean water"},
                          media=media)

    def killed(descriptor):  # the process dies after the bytes, before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr("rostra.core.storage.os.fsync", killed)
    bundle = tmp_path / "bundle"
    with pytest.raises(KeyboardInterrupt):
        export_archive(bundle)
    assert not (bundle / "media" / relative).exists()
    assert not (bundle / "manifest.json").exists()
