"""A bundle carries interpreters' audio tracks and the web renditions (HLS folders too), and
restores them byte for byte: a restored site plays at once, with nothing to encode again."""

from __future__ import annotations

import json

import pytest

from rostra.media.models import AudioTrack, Rendition
from rostra.portability import MANIFEST
from rostra.portability.export import export_archive
from tests.media.interpreted import build_interpreted_archive
from tests.portability.test_bundle import bundle_files, run_cli

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_tracks_and_renditions_round_trip_byte_for_byte(data_dir, tmp_path, settings,
                                                        monkeypatch):
    from rostra.media.domain import renditions as domain
    from rostra.pipeline.renditions.plan import RenditionOptions

    # HLS (a folder of files) from one second, so a short clip carries one.
    monkeypatch.setattr(domain, "rendition_options", lambda: RenditionOptions(
        heights=(120,), hls_from_ms=1000, hls_segment_seconds=1))
    archive = build_interpreted_archive(tmp_path, seconds=3.0)
    renditions = {r.name: r for r in Rendition.objects.all()}
    assert "hls-120" in renditions and AudioTrack.objects.count() == 1

    first = tmp_path / "first"
    export_archive(first)
    document = json.loads((first / "archive.json").read_text())
    assert [t["language"] for t in document["audio_tracks"]] == ["en"]
    assert len(document["renditions"]) == Rendition.objects.count()
    files = json.loads((first / MANIFEST).read_text())["files"]
    hls_folder = "media/" + renditions["hls-120"].path.rsplit("/", 1)[0]
    assert sum(name.startswith(hls_folder + "/segment-") for name in files) >= 1
    assert f"media/{renditions['poster'].path}" in files

    fresh = tmp_path / "fresh"
    restored = run_cli("import-archive", str(first), "--no-reindex", data_dir=fresh)
    assert restored.returncode == 0, restored.stderr
    second = tmp_path / "second"
    exported = run_cli("export", str(second), data_dir=fresh)
    assert exported.returncode == 0, exported.stderr
    one, two = bundle_files(first), bundle_files(second)
    assert sorted(one) == sorted(two)
    for name in one:
        assert one[name] == two[name], f"{name} differs after the round trip"
    poster = renditions["poster"].path
    assert (fresh / "media" / poster).read_bytes() == (data_dir / "media" / poster).read_bytes()
    assert archive.speech.slug in one["archive.json"].decode()


def test_a_missing_rendition_file_stops_the_export_with_one_line(data_dir, tmp_path,
                                                                 settings):
    from rostra.core.errors import UserError
    from rostra.core.storage import media_file

    settings.ROSTRA_RENDITION_HEIGHTS = [120]
    build_interpreted_archive(tmp_path, seconds=2.0)
    poster = Rendition.objects.filter(name="poster").first()
    media_file(poster.path).unlink()
    with pytest.raises(UserError, match="rendition poster of asset .* is missing"):
        export_archive(tmp_path / "bundle")
