from pathlib import Path

import pytest

import mediafactory
from rostra.archive.domain.media import add_media_file, find_speech_for_filename
from rostra.archive.models import Event, MediaAsset, Speech
from rostra.core.errors import UserError

pytestmark = pytest.mark.django_db


@pytest.fixture
def speech(data_dir):
    event = Event.objects.create(slug="okd", name={"en": "Open Knowledge Days"})
    return Speech.objects.create(event=event, slug="water-in-cities", external_id="101",
                                 guid="6f1c0a52-0d9e-4a4e-9a36-3b0f4a2f0b11",
                                 title={"en": "Water in cities"})


def stored_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "media").rglob("*") if p.is_file())


def test_audio_is_stored_by_content_and_probed(speech, data_dir, tmp_path):
    source = mediafactory.write_audio(tmp_path / "talk.ogg", seconds=3)
    result = add_media_file(source, speech=speech)
    asset = result.asset
    assert result.created is True
    assert asset.size == source.stat().st_size
    assert asset.path == f"{asset.sha256[:2]}/{asset.sha256}.ogg"
    assert (data_dir / "media" / asset.path).read_bytes() == source.read_bytes()
    assert 2900 <= asset.duration_ms <= 3100
    assert asset.has_video is False
    assert asset.mime_type == "audio/ogg"
    assert [s["kind"] for s in asset.streams] == ["audio"]
    speech.refresh_from_db()
    assert speech.media == asset
    assert speech.state == Speech.State.RECORDED


def test_same_bytes_twice_make_one_asset(speech, data_dir, tmp_path):
    source = mediafactory.write_audio(tmp_path / "talk.ogg", seconds=1)
    copy = tmp_path / "copy-of-talk.ogg"
    copy.write_bytes(source.read_bytes())
    first = add_media_file(source, speech=speech)
    second = add_media_file(copy, speech=speech)
    assert second.created is False
    assert second.asset.pk == first.asset.pk
    assert MediaAsset.objects.count() == 1
    assert len(stored_files(data_dir)) == 1


def test_video_with_sound_is_accepted(speech, tmp_path):
    source = mediafactory.write_video(tmp_path / "talk.webm", seconds=2)
    asset = add_media_file(source, speech=speech).asset
    assert asset.has_video is True
    assert (asset.width, asset.height) == (64, 48)
    assert asset.mime_type == "video/webm"


@pytest.mark.parametrize("make, reason", [
    (lambda d: mediafactory.write_video(d / "mute.webm", with_audio=False), "no audio stream"),
    (lambda d: mediafactory.truncate(mediafactory.write_audio(d / "cut.ogg", seconds=4)),
     "truncated"),
    (lambda d: mediafactory.truncate(mediafactory.write_audio(d / "cut.wav", seconds=2,
                                                              codec="pcm_s16le")), "truncated"),
    (lambda d: mediafactory.truncate(mediafactory.write_video(d / "cut.webm", seconds=4)),
     "truncated"),
    (lambda d: _write(d / "notes.ogg", b"These are speaker notes, not audio.\n" * 50),
     "not a media file"),
    (lambda d: _write(d / "empty.ogg", b""), "empty"),
    (lambda d: d / "missing.ogg", "no such file"),
    (lambda d: d, "is a folder"),
])
def test_bad_media_is_refused_and_nothing_is_stored(speech, data_dir, tmp_path, make, reason):
    source = make(tmp_path)
    with pytest.raises(UserError, match=reason):
        add_media_file(source, speech=speech)
    assert MediaAsset.objects.count() == 0
    assert stored_files(data_dir) == []
    speech.refresh_from_db()
    assert speech.media is None


def test_a_png_is_not_a_recording(speech, tmp_path):
    import av
    import numpy as np

    png = tmp_path / "slide.png"
    with av.open(str(png), "w", format="image2") as container:
        stream = container.add_stream("png", rate=1)
        stream.width, stream.height, stream.pix_fmt = 8, 8, "rgb24"
        frame = av.VideoFrame.from_ndarray(np.zeros((8, 8, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(UserError, match="slide.png"):
        add_media_file(png, speech=speech)


@pytest.mark.parametrize("name", ["water-in-cities.ogg", "101.opus",
                                  "6f1c0a52-0d9e-4a4e-9a36-3b0f4a2f0b11.webm"])
def test_file_names_match_slug_external_id_or_guid(speech, name):
    assert find_speech_for_filename(Path(name)) == speech


def test_unmatched_file_name_matches_nothing(speech):
    assert find_speech_for_filename(Path("something-else.ogg")) is None


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
